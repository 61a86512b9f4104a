"""The dataset panel: choose an image folder and see what is in it.

A folder comes from the Browse button, the typed path (Enter scans it), drag and drop, or the
recent-folders menu. Scanning and thumbnail loading run off the GUI thread; the panel then shows
the classes with counts, a class-balance bar chart, a thumbnail strip per class and every file
that cannot be used, with its reason.

This file picks the folder and runs the scan; the report's views are in ``scan_report_views``
(summary, class table, Samples/Problems/Warnings tabs), ``dataset_thumbnails`` and
``class_balance_chart``.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QLineEdit, QMenu, QPushButton, QSplitter, QStackedWidget, QToolButton,
    QVBoxLayout, QWidget,
)

from app.core.util import paths
from app.core.data.dataset_report import DatasetError, ScanReport
from app.core.data.dataset import scan_dataset
from app.gui.text import core_text
from app.gui import settings
from app.gui.dataset.class_balance_chart import ChartPlaceholder, balance_chart_class
from app.gui.dataset.scan_report_views import ClassTable, ScanDetails, summary_text
from app.gui.session.search_worker import run_in_background


class DatasetPanel(QWidget):
    """Folder picking and the scan report. ``scan_finished`` carries the :class:`ScanReport`."""

    scan_started = Signal(str)
    scan_finished = Signal(object)
    scan_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None, defer_chart: bool = False):
        super().__init__(parent)
        self._defer_chart = defer_chart  # a placeholder until build_chart(): pyqtgraph loads late
        self.setObjectName("datasetPanel")
        self.setAcceptDrops(True)
        self.report: ScanReport | None = None
        self._scan_generation = 0
        self._scan_cancel: threading.Event | None = None
        self._scan_progress = [0, 0]
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(200)
        self._progress_timer.timeout.connect(self._on_progress_timer)
        self._build()
        self._refresh_recent_menu()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        path_row = self._build_path_row()
        self.summary_label = QLabel(self.tr("No folder chosen yet."))
        self.summary_label.setObjectName("datasetSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.summary_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.summary_label.setFont(font)

        self.warning_label = QLabel()
        self.warning_label.setObjectName("datasetWarnings")
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("color: #8a5300;")
        self.warning_label.hide()

        self.class_table = ClassTable()

        self.balance_chart = ChartPlaceholder() if self._defer_chart else balance_chart_class()()

        left = self._chart_splitter = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.class_table)
        left.addWidget(self.balance_chart)
        left.setChildrenCollapsible(False)
        left.setSizes([200, 200])

        self.detail_tabs = ScanDetails()
        self.problem_tree = self.detail_tabs.problem_tree
        self.warning_tree = self.detail_tabs.warning_tree

        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(self.detail_tabs)
        body.setChildrenCollapsible(False)
        body.setStretchFactor(0, 2)
        body.setStretchFactor(1, 3)
        body.setSizes([300, 560])

        # Until a folder is scanned, a short explanation instead of empty tables and axes.
        self.empty_hint = QLabel(
            self.tr("<p style='font-size:15pt'>Which images should the model learn?</p><p>Choose a folder with "
                    "one subfolder per class, for example<br><code>flowers/daisy/*.jpg</code>, "
                    "<code>flowers/roses/*.jpg</code>, …</p><p>Type its path above and press Enter, use "
                    "<b>Browse…</b>, drop the folder here,<br>or pick the bundled sample data from "
                    "<b>Recent</b>.</p>"))
        self.empty_hint.setObjectName("datasetEmptyHint")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color: #555;")
        self.body_stack = QStackedWidget()
        self.body_stack.addWidget(self.empty_hint)
        self.body_stack.addWidget(body)

        layout = QVBoxLayout(self)
        layout.addLayout(path_row)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.body_stack, 1)

    def _build_path_row(self) -> QHBoxLayout:
        """The folder field with its Browse and Recent buttons."""
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("datasetPathEdit")
        self.path_edit.setPlaceholderText(self.tr("Image folder with one subfolder per class (or train/ and val/)"))
        self.path_edit.setAccessibleName(self.tr("Dataset folder"))
        self.path_edit.setAcceptDrops(False)  # drops go to the panel, which checks they are folders
        self.path_edit.setClearButtonEnabled(True)
        self.path_edit.returnPressed.connect(self._on_path_edit_return_pressed)

        self.browse_button = QPushButton(self.tr("Browse…"))
        self.browse_button.setObjectName("browseButton")
        self.browse_button.setToolTip(self.tr("Choose an image folder (Ctrl+O)"))
        self.browse_button.clicked.connect(self.browse)

        self.recent_button = QToolButton()
        self.recent_button.setObjectName("recentFoldersButton")
        self.recent_button.setText(self.tr("Recent"))
        self.recent_button.setToolTip(self.tr("Recently used folders and the bundled sample data"))
        self.recent_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.recent_menu = QMenu(self.recent_button)
        self.recent_button.setMenu(self.recent_menu)

        path_row = QHBoxLayout()
        path_row.addWidget(QLabel(self.tr("Folder:")))
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        path_row.addWidget(self.recent_button)
        return path_row

    # ------------------------------------------------------------------ folder picking

    @property
    def folder(self) -> str:
        return self.report.root if self.report else self.path_edit.text().strip()

    def browse(self) -> None:
        start = self.path_edit.text().strip() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose an image folder"), start)
        if folder:
            self.set_folder(folder)

    def set_folder(self, folder: str | os.PathLike) -> None:
        """Show ``folder`` in the path field and scan it."""
        self.path_edit.setText(str(folder))
        self.scan(str(folder))

    def _on_path_edit_return_pressed(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            self._show_failure("Type the path of an image folder, or use Browse…")
            return
        self.scan(text)

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = settings.read("dataset/recent_folders")
        for folder in recent:
            action = self.recent_menu.addAction(folder)
            action.triggered.connect(lambda _checked=False, f=folder: self.set_folder(f))
        if recent:
            self.recent_menu.addSeparator()
        sample = paths.sample_dataset_dir()
        action = self.recent_menu.addAction(self.tr("Sample data: 5 kinds of flowers"))
        action.setEnabled(sample.is_dir())
        action.triggered.connect(lambda _checked=False: self.set_folder(str(sample)))

    # drag and drop of a folder anywhere on the panel
    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._dropped_folder(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        folder = self._dropped_folder(event.mimeData())
        if folder is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.set_folder(folder)

    @staticmethod
    def _dropped_folder(mime) -> str | None:
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile() and os.path.isdir(url.toLocalFile()):
                return url.toLocalFile()
        return None

    # ------------------------------------------------------------------ scanning

    def scan(self, folder: str) -> None:
        """Scan ``folder`` off the GUI thread; a newer scan cancels and supersedes an older one."""
        self._scan_generation += 1
        generation = self._scan_generation
        if self._scan_cancel is not None:
            self._scan_cancel.set()
        cancel = self._scan_cancel = threading.Event()
        progress = self._scan_progress = [0, 0]  # written by the scan thread, read by the timer
        self._set_field_error(None)
        self.summary_label.setText(self.tr("Scanning {folder} …").format(folder=folder))
        self._progress_timer.start()
        self.scan_started.emit(folder)

        def on_progress(done: int, total: int) -> None:
            progress[0], progress[1] = done, total

        def job():
            return scan_dataset(folder, progress=on_progress, cancel=cancel)

        def on_result(report: ScanReport) -> None:
            if generation == self._scan_generation:
                self._progress_timer.stop()
                self._show_report(report)

        def on_error(message: str, _traceback: str) -> None:
            if generation == self._scan_generation:
                self._progress_timer.stop()
                self._show_failure(message)

        run_in_background(job, on_result, on_error, receiver=self)

    @property
    def is_scanning(self) -> bool:
        return self._progress_timer.isActive()

    def typed_folder_differs(self) -> bool:
        """True when the path field names another folder than the scanned one (Enter not pressed)."""
        text = self.path_edit.text().strip()
        if not text or self.report is None:
            return bool(text) and self.report is None
        try:
            return Path(text).expanduser().resolve() != Path(self.report.root)
        except OSError:
            return True

    def _on_progress_timer(self) -> None:
        done, total = self._scan_progress
        if total:
            self.summary_label.setText(self.tr("Scanning {strip} … {done:,} of {total:,} files").format(
                strip=self.path_edit.text().strip(), done=done, total=total))

    def _show_failure(self, message: str) -> None:
        message = core_text.translate(message)
        self.report = None
        self._set_field_error(message)
        self.summary_label.setText(self.tr("Cannot use this folder: {message}").format(message=message))
        self.scan_failed.emit(message)

    def _set_field_error(self, message: str | None) -> None:
        self.path_edit.setProperty("invalid", bool(message))
        self.path_edit.setToolTip(message or "")
        self.path_edit.style().unpolish(self.path_edit)
        self.path_edit.style().polish(self.path_edit)

    def build_chart(self) -> None:
        """Replace the placeholder with the real bar chart (imports pyqtgraph); idempotent."""
        placeholder = self.balance_chart
        if not isinstance(placeholder, ChartPlaceholder):
            return
        chart = balance_chart_class()()
        if placeholder.counts is not None:
            chart.set_counts(placeholder.counts)
        index = self._chart_splitter.indexOf(placeholder)
        sizes = self._chart_splitter.sizes()
        self._chart_splitter.replaceWidget(index, chart)
        self._chart_splitter.setSizes(sizes)
        self.balance_chart = chart
        placeholder.deleteLater()

    def _show_report(self, report: ScanReport) -> None:
        self.report = report
        self.body_stack.setCurrentIndex(1)
        self.path_edit.setText(report.root)
        counts = report.counts
        self.class_table.set_counts(counts)
        self.balance_chart.set_counts(counts)
        generation = self._scan_generation
        self.detail_tabs.show_report(report, is_current=lambda: generation == self._scan_generation)
        self.summary_label.setText(summary_text(report))
        try:
            report.check_trainable()
            blocking = None
        except DatasetError as exc:
            blocking = core_text.translate(str(exc))
        self._set_field_error(blocking)
        shown = ([blocking] if blocking else []) + core_text.translate_lines(report.warnings[:3])
        more = len(report.warnings) - 3
        more_text = self.tr("\n… and {more} more (see Warnings)").format(more=more) if more > 0 else ""
        self.warning_label.setText("\n".join(f"⚠ {w}" for w in shown) + more_text)
        self.warning_label.setVisible(bool(shown))
        if not blocking:
            settings.remember_folder(report.root)
            self._refresh_recent_menu()
        self.scan_finished.emit(report)

    def loaded_thumbnail_count(self) -> int:
        return self.detail_tabs.samples.loaded_count()

    def sample_paths(self, count: int = 8) -> list[str]:
        """Up to ``count`` usable image paths spread over the classes (for previews)."""
        if not self.report:
            return []
        by_class: dict[str, list[str]] = {}
        for record in self.report.images:
            by_class.setdefault(record.label, []).append(record.path)
        picked: list[str] = []
        index = 0
        while len(picked) < count and any(index < len(v) for v in by_class.values()):
            for files in by_class.values():
                if index < len(files) and len(picked) < count:
                    picked.append(files[index])
            index += 1
        return picked
