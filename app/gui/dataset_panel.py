"""The dataset panel: choose an image folder and see what is in it.

A folder comes from the Browse button, the typed path (Enter scans it), drag and drop, or the
recent-folders menu. Scanning and thumbnail loading run off the GUI thread; the panel then shows
the classes with counts, a class-balance bar chart, a thumbnail strip per class and every file
that cannot be used, with its reason.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMenu,
    QPushButton, QScrollArea, QSplitter, QStackedWidget, QTableWidget, QTableWidgetItem, QTabWidget, QToolButton,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from app.core import paths
from app.core.dataset import DatasetError, ScanReport, scan_dataset
from app.gui import core_text, i18n, settings
from app.gui.worker import run_in_background

THUMBNAILS_PER_CLASS = 8
THUMBNAIL_PX = 60
BAR_COLOR = (76, 132, 200)


def load_thumbnails(report: ScanReport, per_class: int = THUMBNAILS_PER_CLASS,
                    size: int = THUMBNAIL_PX) -> dict[str, list[tuple[str, int, int, bytes]]]:
    """A few RGB thumbnails per class as ``(path, width, height, rgb bytes)``; runs off the GUI thread."""
    from PIL import Image, ImageOps

    by_class: dict[str, list] = {c: [] for c in report.classes}
    for record in report.images:
        thumbs = by_class.setdefault(record.label, [])
        if len(thumbs) >= per_class:
            continue
        try:
            with Image.open(record.path) as img:
                img = ImageOps.exif_transpose(img)
                if img.mode.startswith("I;16") or img.mode in ("I", "F"):
                    img = img.convert("L")
                img = ImageOps.fit(img.convert("RGB"), (size, size), Image.Resampling.BILINEAR)
                thumbs.append((record.path, img.width, img.height, img.tobytes()))
        except (OSError, ValueError):
            continue  # the scan already vouched for it; a file changed since is just not shown
    return by_class


def rgb_pixmap(width: int, height: int, data: bytes) -> QPixmap:
    image = QImage(data, width, height, width * 3, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(image.copy())  # copy: QImage does not own ``data``


def _unusable(report: ScanReport) -> list:
    """Problems that lose data (hidden and system files skipped on purpose left out)."""
    return [p for p in report.problems if getattr(p, "kind", "unusable") != "ignored"]


_chart_class = None


def balance_chart_class() -> type:
    """The pyqtgraph bar chart class, defined on first use: importing pyqtgraph costs about a
    second, which a window showing its first paint should not pay."""
    global _chart_class
    if _chart_class is not None:
        return _chart_class
    import numpy as np
    import pyqtgraph as pg

    class ClassBalanceChart(pg.PlotWidget):
        """Images per class as bars, class names on the x axis."""

        def __init__(self, parent: QWidget | None = None):
            super().__init__(parent, background="w")
            self.setObjectName("classBalanceChart")
            self.setMenuEnabled(False)
            self.setMouseEnabled(x=False, y=False)
            self.hideButtons()
            self.getPlotItem().setLabel("left", self.tr("images"))
            self.getPlotItem().showGrid(y=True, alpha=0.25)
            self._bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=pg.mkBrush(*BAR_COLOR), pen=None)
            self.addItem(self._bars)
            self.setMinimumHeight(140)

        def set_counts(self, counts: dict[str, int]) -> None:
            self._names = list(counts)
            heights = np.array([counts[n] for n in self._names], dtype=float)
            x = np.arange(len(self._names), dtype=float)
            self._bars.setOpts(x=x, height=heights, width=0.7)
            self._update_ticks()
            self.setXRange(-0.6, max(len(self._names) - 0.4, 0.6), padding=0)
            self.setYRange(0, max(float(heights.max()) if len(heights) else 1.0, 1.0) * 1.1, padding=0)

        def _update_ticks(self) -> None:
            """Class names under the bars, shortened to the room each bar has (names never overlap)."""
            names = getattr(self, "_names", [])
            plot_item = self.getPlotItem()
            if plot_item is None:  # resize during construction
                return
            axis = plot_item.getAxis("bottom")
            if not names:
                axis.setTicks([[]])
                return
            per_bar = max(axis.width(), self.width() * 0.8) / len(names)
            char = max(QFontMetrics(axis.font() if hasattr(axis, "font") else self.font()).averageCharWidth(), 1)
            limit = max(int(per_bar / char) - 2, 3)
            step = 1 if limit > 3 or len(names) <= 12 else max(len(names) // 12, 1)  # very many classes: every n-th
            ticks = [(i, n if len(n) <= limit else n[: limit - 1] + "…") for i, n in enumerate(names) if i % step == 0]
            axis.setTicks([ticks])

        def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
            super().resizeEvent(event)
            self._update_ticks()

        def bar_heights(self) -> list[float]:
            heights = self._bars.opts.get("height")
            return [] if heights is None else [float(h) for h in heights]

    _chart_class = ClassBalanceChart
    return _chart_class


def __getattr__(name: str):
    if name == "ClassBalanceChart":  # the class stays importable by its name
        return balance_chart_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _ChartPlaceholder(QWidget):
    """Stands in for the bar chart until it is built; keeps the counts it is given."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("classBalanceChart")
        self.setMinimumHeight(140)
        self.counts: dict[str, int] | None = None

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts = dict(counts)

    def bar_heights(self) -> list[float]:
        return [float(v) for v in (self.counts or {}).values()]


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

        self.class_table = QTableWidget(0, 2)
        self.class_table.setObjectName("classTable")
        self.class_table.setHorizontalHeaderLabels([self.tr("Class"), self.tr("Images")])
        self.class_table.verticalHeader().hide()
        self.class_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.class_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.class_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.class_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.class_table.setSortingEnabled(True)
        self.class_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)

        self.balance_chart = _ChartPlaceholder() if self._defer_chart else balance_chart_class()()

        left = self._chart_splitter = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.class_table)
        left.addWidget(self.balance_chart)
        left.setChildrenCollapsible(False)
        left.setSizes([200, 200])

        self.thumbnail_area = QScrollArea()
        self.thumbnail_area.setObjectName("thumbnailArea")
        self.thumbnail_area.setWidgetResizable(True)
        self.thumbnail_area.setFrameShape(QFrame.Shape.NoFrame)
        self._thumbnail_host = QWidget()
        self._thumbnail_layout = QVBoxLayout(self._thumbnail_host)
        self._thumbnail_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.thumbnail_area.setWidget(self._thumbnail_host)

        self.problem_tree = QTreeWidget()
        self.problem_tree.setObjectName("problemList")
        self.problem_tree.setHeaderLabels([self.tr("File"), self.tr("Why it cannot be used")])
        self.problem_tree.setRootIsDecorated(False)
        self.problem_tree.setAlternatingRowColors(True)
        self.problem_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.problem_tree.setColumnWidth(0, 260)

        self.warning_tree = QTreeWidget()
        self.warning_tree.setObjectName("warningList")
        self.warning_tree.setHeaderLabels([self.tr("Warning")])
        self.warning_tree.setRootIsDecorated(False)
        self.warning_tree.setWordWrap(True)

        self.detail_tabs = QTabWidget()
        self.detail_tabs.setObjectName("datasetDetailTabs")
        self.detail_tabs.addTab(self.thumbnail_area, self.tr("Samples"))
        self.detail_tabs.addTab(self.problem_tree, self.tr("Problems"))
        self.detail_tabs.addTab(self.warning_tree, self.tr("Warnings"))

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
        if not isinstance(placeholder, _ChartPlaceholder):
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
        self._fill_class_table(counts)
        self.balance_chart.set_counts(counts)
        self._fill_problems(report)
        self.summary_label.setText(self._summary_text(report))
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
        self._show_thumbnail_rows(report)
        if not blocking:
            settings.remember_folder(report.root)
            self._refresh_recent_menu()
        self.scan_finished.emit(report)

    @staticmethod
    def _summary_text(report: ScanReport) -> str:
        n = len(report.images)
        classes = len(report.usable_classes)
        parts = [QCoreApplication.translate("DatasetPanel", "<b>1 class</b>") if classes == 1
                 else QCoreApplication.translate("DatasetPanel", "<b>{count} classes</b>").format(count=classes),
                 QCoreApplication.translate("DatasetPanel", "<b>1 image</b>") if n == 1
                 else QCoreApplication.translate("DatasetPanel", "<b>{count} images</b>").format(
                     count=i18n.format_int(n))]
        if report.layout == "splits":
            parts.append(QCoreApplication.translate("DatasetPanel", "your own train/val split"))
        formats = ", ".join(f"{k or '?'} {v}" for k, v in sorted(report.formats.items(), key=lambda kv: -kv[1]))
        if formats:
            parts.append(formats)
        size_range = report.size_range
        if size_range:
            (w0, h0), (w1, h1) = size_range
            parts.append(QCoreApplication.translate("DatasetPanel", "{w0}×{h0} to {w1}×{h1} px").format(
                w0=w0, h0=h0, w1=w1, h1=h1) if (w0, h0) != (w1, h1) else f"{w0}×{h0} px")
        unusable = _unusable(report)
        if unusable:
            parts.append(QCoreApplication.translate("DatasetPanel", "<span style='color:#b00020'>{count} unusable "
                                                                    "file(s)"
                                                    "</span>").format(count=len(unusable)))
        return " · ".join(parts)

    def _fill_class_table(self, counts: dict[str, int]) -> None:
        self.class_table.setSortingEnabled(False)
        self.class_table.setRowCount(len(counts))
        for row, (name, count) in enumerate(counts.items()):
            self.class_table.setItem(row, 0, QTableWidgetItem(name))
            count_item = QTableWidgetItem()
            count_item.setData(Qt.ItemDataRole.DisplayRole, count)  # numeric, so sorting is by number
            count_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.class_table.setItem(row, 1, count_item)
        self.class_table.setSortingEnabled(True)

    def _fill_problems(self, report: ScanReport) -> None:
        self.problem_tree.clear()
        root = report.root
        # Files that lose data first; hidden/system files skipped on purpose after, greyed.
        ordered = sorted(report.problems, key=lambda p: getattr(p, "kind", "unusable") == "ignored")
        for problem in ordered:
            shown = os.path.relpath(problem.path, root) if problem.path.startswith(root) else problem.path
            reason = core_text.translate(problem.reason)
            item = QTreeWidgetItem([shown, reason])
            item.setToolTip(0, problem.path)
            item.setToolTip(1, reason)
            if getattr(problem, "kind", "unusable") == "ignored":
                for column in (0, 1):
                    item.setForeground(column, Qt.GlobalColor.gray)
            self.problem_tree.addTopLevelItem(item)
        self.warning_tree.clear()
        for warning in core_text.translate_lines(report.warnings):
            item = QTreeWidgetItem([warning])
            item.setToolTip(0, warning)
            self.warning_tree.addTopLevelItem(item)
        self.detail_tabs.setTabText(1, self.tr("Problems ({unusable_count})").format(
            unusable_count=len(_unusable(report))))
        self.detail_tabs.setTabText(2, self.tr("Warnings ({warnings_count})").format(
            warnings_count=len(report.warnings)))

    # ------------------------------------------------------------------ thumbnails

    def _clear_thumbnail_rows(self) -> None:
        while self._thumbnail_layout.count():
            item = self._thumbnail_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    def _show_thumbnail_rows(self, report: ScanReport) -> None:
        self._clear_thumbnail_rows()
        self.thumbnail_labels: dict[str, list[QLabel]] = {}
        counts = report.counts
        for name in report.classes:
            row = QWidget()
            row_layout = QVBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 6)
            row_layout.setSpacing(2)
            title = QLabel(self.tr("<b>{name}</b> <span style='color:#666'>({name2})</span>").format(
                name=name, name2=counts.get(name, 0)))
            row_layout.addWidget(title)
            strip = QHBoxLayout()
            strip.setSpacing(4)
            strip.setAlignment(Qt.AlignmentFlag.AlignLeft)
            row_layout.addLayout(strip)
            self.thumbnail_labels[name] = []
            for _ in range(min(THUMBNAILS_PER_CLASS, counts.get(name, 0))):
                label = QLabel()
                label.setFixedSize(QSize(THUMBNAIL_PX, THUMBNAIL_PX))
                label.setStyleSheet("background: #e8e8e8; border-radius: 3px;")
                strip.addWidget(label)
                self.thumbnail_labels[name].append(label)
            self._thumbnail_layout.addWidget(row)
        generation = self._scan_generation

        def on_thumbnails(by_class: dict) -> None:
            if generation != self._scan_generation:
                return
            for name, thumbs in by_class.items():
                labels = self.thumbnail_labels.get(name, [])
                for label, (path, w, h, data) in zip(labels, thumbs):
                    label.setPixmap(rgb_pixmap(w, h, data))
                    label.setToolTip(os.path.relpath(path, report.root))

        run_in_background(lambda: load_thumbnails(report), on_thumbnails, receiver=self)

    def loaded_thumbnail_count(self) -> int:
        return sum(1 for labels in getattr(self, "thumbnail_labels", {}).values()
                   for label in labels if not label.pixmap().isNull())

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
