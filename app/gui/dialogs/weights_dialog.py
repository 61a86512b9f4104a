"""The window's side of ImageNet weights: asking before a download, its progress, and importing a file.

:func:`launch_with_weights` stands between Start and the search: when the chosen transfer backbone
needs ImageNet weights that are not in Keras's cache, a :class:`WeightsDialog` names the network,
the file size, the source and the licence and asks (unless "Always allow" was ticked before). The
download runs on a plain thread and the load check in a child process (:mod:`app.core.model.weights_download`),
so the window keeps painting and Cancel answers at once. Offline (or on any failure) the dialog says
what happened, what a search without the weights loses and how to get them: "Import weights
file…" (also in the File menu, :func:`import_weights_file`), or a search from scratch.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QProgressBar, QPushButton,
                               QStackedWidget, QVBoxLayout, QWidget)

from app.core.model.weights_download import (WeightsCancelled, WeightsError, check_loads_in_child, download_weights,
                                       entry_for_import, import_weights)
from app.core.model.weights_store import WeightsFile, all_entries, format_bytes, keras_cache_dir, missing_weights
from app.gui import settings

READY, SCRATCH, CANCEL = "ready", "scratch", "cancel"
# Texts of the functions below (outside the dialog class), marked for lupdate.
NOT_STARTED = QT_TRANSLATE_NOOP("WeightsDialog", "The search was not started.")
IMPORT_TITLE = QT_TRANSLATE_NOOP("WeightsDialog", "Import weights file")
FILE_FILTER = QT_TRANSLATE_NOOP("WeightsDialog", "Keras weights (*.h5)")
WHICH_NETWORK = QT_TRANSLATE_NOOP("WeightsDialog", "Which network are these weights for?")
CHECKING_IMPORT = QT_TRANSLATE_NOOP("WeightsDialog", "Checking that {file} loads into {network}…")
IMPORTED_STATUS = QT_TRANSLATE_NOOP("WeightsDialog", "Imported: {path}")
IMPORTED_TEXT = QT_TRANSLATE_NOOP("WeightsDialog", "The {network} weights are in place:\n{path}")
NOT_IMPORTED_STATUS = QT_TRANSLATE_NOOP("WeightsDialog", "The weights file was not imported.")
NOT_IMPORTED_TEXT = QT_TRANSLATE_NOOP("WeightsDialog", "Not imported: {reason}")
PROGRESS_EVERY_S = 0.1  # progress signals at most this often (a 9 MB file is 36 chunks; 95 MB, 360)


class WeightsJob(QObject):
    """One download or import on its own thread; its signals reach the GUI thread queued."""

    progress = Signal(object, object)  # bytes done, bytes in all
    checking = Signal()  # the file is in; the load check (a child process) runs
    succeeded = Signal(str)  # path of the file in Keras's cache
    failed = Signal(str)  # what went wrong, for the user
    cancelled = Signal()

    def __init__(self, entry: WeightsFile, source: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.entry, self.source = entry, source
        self._cancel = threading.Event()
        self._shown = 0.0
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="tunestudio-weights", daemon=True)
        self.thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self._shown >= PROGRESS_EVERY_S or done == total:
            self._shown = now
            self.progress.emit(done, total or self.entry.size_bytes)

    def _verify(self, entry: WeightsFile, path: Path) -> None:
        self.checking.emit()
        check_loads_in_child(entry, path)

    def _run(self) -> None:
        try:
            if self.source is None:
                path = download_weights(self.entry, progress=self._progress, cancelled=self._cancel.is_set,
                                        verify=self._verify)
            else:
                path = import_weights(self.source, self.entry, verify=self._verify)
        except WeightsCancelled:
            self.cancelled.emit()
        except WeightsError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - anything else still ends the dialog with a message
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.succeeded.emit(str(path))


class WeightsDialog(QDialog):
    """Ask, download with progress, or say what failed. ``resolved`` carries READY (the file is here),
    SCRATCH (go on without it) or CANCEL (do not start); it is emitted once."""

    resolved = Signal(str)
    import_requested = Signal()

    def __init__(self, entry: WeightsFile, parent: QWidget | None = None, always_allow: bool = False):
        super().__init__(parent)
        self.entry = entry
        self.job: WeightsJob | None = None
        self._outcome: str | None = None
        self.setWindowTitle(self.tr("ImageNet weights"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.pages = QStackedWidget(self)
        self.ask_page, self.progress_page, self.failed_page = self._ask_page(), self._progress_page(), self._failed_page()
        for page in (self.ask_page, self.progress_page, self.failed_page):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.setMinimumWidth(560)
        if always_allow:
            self.download()

    # ------------------------------------------------------------------ pages

    def _ask_page(self) -> QWidget:
        e = self.entry
        page = QWidget(self)
        layout = QVBoxLayout(page)
        intro = QLabel(self.tr("<b>{network}</b> starts from features learned on ImageNet (1.3 million photos), "
                               "so a few dozen photos a class are enough. Its ImageNet weights are not on this "
                               "computer yet. Download them now?").format(network=e.label), page)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.addRow(self.tr("Network:"), QLabel(e.label, page))
        form.addRow(self.tr("Download size:"), QLabel(format_bytes(e.size_bytes), page))
        source = QLabel(f'<a href="{e.url}">{e.url}</a>', page)
        source.setOpenExternalLinks(True)
        source.setWordWrap(True)
        source.setObjectName("weightsSource")
        form.addRow(self.tr("Source:"), source)
        licence = QLabel(f'<a href="{e.licence_url}">{e.licence}</a> ({e.origin})', page)
        licence.setOpenExternalLinks(True)
        licence.setWordWrap(True)
        form.addRow(self.tr("Licence:"), licence)
        target = QLabel(str(keras_cache_dir()), page)
        target.setWordWrap(True)
        form.addRow(self.tr("Saved in:"), target)
        layout.addLayout(form)
        self.always_check = QCheckBox(self.tr("Always allow downloading ImageNet weights"), page)
        self.always_check.setObjectName("alwaysAllowCheck")
        layout.addWidget(self.always_check)
        buttons = QDialogButtonBox(page)
        self.download_button = buttons.addButton(self.tr("Download"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.download_button.setObjectName("downloadButton")
        self.download_button.setDefault(True)
        self._add_common_buttons(buttons)
        buttons.accepted.connect(self.download)
        layout.addWidget(buttons)
        return page

    def _add_common_buttons(self, buttons: QDialogButtonBox) -> None:
        import_button = buttons.addButton(self.tr("Import weights file…"), QDialogButtonBox.ButtonRole.ActionRole)
        import_button.clicked.connect(self._import)
        scratch = buttons.addButton(self.tr("Train without them"), QDialogButtonBox.ButtonRole.DestructiveRole)
        scratch.setObjectName("scratchButton")
        scratch.clicked.connect(lambda: self._finish(SCRATCH))
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Don't start"))
        cancel.setObjectName("dontStartButton")
        cancel.clicked.connect(lambda: self._finish(CANCEL))

    def _progress_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.progress_label = QLabel(self.tr("Downloading the ImageNet weights of {network}…").format(
            network=self.entry.label), page)
        self.progress_label.setWordWrap(True)
        self.progress_bar = QProgressBar(page)
        self.progress_bar.setRange(0, 1000)
        self.progress_detail = QLabel("", page)
        self.progress_detail.setObjectName("progressDetail")
        self.progress_cancel = QPushButton(self.tr("Cancel"), page)
        self.progress_cancel.setObjectName("cancelDownloadButton")
        self.progress_cancel.clicked.connect(self.cancel_download)
        for widget in (self.progress_label, self.progress_bar, self.progress_detail):
            layout.addWidget(widget)
        layout.addStretch(1)  # the page is as tall as the largest one: keep the bar at the top
        layout.addWidget(self.progress_cancel, alignment=Qt.AlignmentFlag.AlignRight)
        return page

    def _failed_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.failed_label = QLabel("", page)
        self.failed_label.setObjectName("failedText")
        self.failed_label.setWordWrap(True)
        self.failed_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.failed_label)
        offline = QLabel(offline_notice(self.entry), page)
        offline.setObjectName("offlineNotice")
        offline.setWordWrap(True)
        offline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(offline)
        buttons = QDialogButtonBox(page)
        retry = buttons.addButton(self.tr("Try again"), QDialogButtonBox.ButtonRole.AcceptRole)
        retry.setObjectName("retryButton")
        retry.clicked.connect(self.download)
        self._add_common_buttons(buttons)
        layout.addWidget(buttons)
        return page

    # ------------------------------------------------------------------ actions

    def download(self) -> None:
        if self.always_check.isChecked():
            settings.write("weights/always_allow", True)
        self.pages.setCurrentWidget(self.progress_page)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_cancel.setEnabled(True)
        self.progress_detail.setText(self.tr("Connecting to {host}…").format(host=_host(self.entry.url)))
        self._run(WeightsJob(self.entry, parent=self))

    def _run(self, job: WeightsJob) -> None:
        self.job = job
        queued = Qt.ConnectionType.QueuedConnection  # emitted on the job's thread, handled on the GUI thread
        job.progress.connect(self._on_progress, queued)
        job.checking.connect(self._on_checking, queued)
        job.succeeded.connect(self._on_succeeded, queued)
        job.failed.connect(self._on_failed, queued)
        job.cancelled.connect(self._on_cancelled, queued)
        job.start()

    def cancel_download(self) -> None:
        """Ask the download to stop; the dialog ends when it has (at the next chunk, or after the load check)."""
        if self.job is not None:
            self.job.cancel()
        self.progress_cancel.setEnabled(False)
        self.progress_detail.setText(self.tr("Cancelling…"))

    def _on_progress(self, done: int, total: int) -> None:
        if self.job is None or self.job._cancel.is_set():
            return
        self.progress_bar.setValue(int(1000 * done / total) if total else 0)
        self.progress_detail.setText(self.tr("{done} of {total}").format(done=format_bytes(done),
                                                                          total=format_bytes(total)))

    def _on_checking(self) -> None:
        self.progress_bar.setRange(0, 0)  # busy: the check has no steps to count
        self.progress_detail.setText(self.tr("Checking that the file loads into {network}…").format(
            network=self.entry.name))

    def _on_succeeded(self, _path: str) -> None:
        self._finish(READY)

    def _on_cancelled(self) -> None:
        self._finish(CANCEL)

    def _on_failed(self, message: str) -> None:
        self.failed_label.setText(self.tr("The weights were not downloaded: {reason}").format(reason=message))
        self.pages.setCurrentWidget(self.failed_page)

    def _import(self) -> None:
        self.import_requested.emit()

    def _finish(self, outcome: str) -> None:
        if self._outcome is not None:
            return
        self._outcome = outcome
        self.done(QDialog.DialogCode.Accepted if outcome != CANCEL else QDialog.DialogCode.Rejected)
        self.resolved.emit(outcome)

    def reject(self) -> None:  # Esc and the title bar's close button
        if self.job is not None and self.job.thread is not None and self.job.thread.is_alive():
            self.cancel_download()
            return
        self._finish(CANCEL)


def offline_notice(entry: WeightsFile) -> str:
    """What a search without the weights loses and how to get them (the window's text)."""
    return QCoreApplication.translate(
        "WeightsDialog",
        "Without these weights the backbone starts from random values and must learn everything from your "
        "photos: on a small folder expect far lower accuracy (on five flower classes, about 0.74 from scratch "
        "against 0.86-0.90 with ImageNet features). To get them on a computer without internet, download "
        "{file} ({size}) elsewhere, from {url}, or run 'tunestudio weights fetch {arch}' there; then choose "
        "File ▸ Import weights file… here.").format(file=entry.file_name, size=format_bytes(entry.size_bytes),
                                                   url=entry.keras_url, arch=f"{entry.arch} --size {entry.rows}" if entry.rows else entry.arch)


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc or url


def _tr(text: str) -> str:
    return QCoreApplication.translate("WeightsDialog", text)


def launch_with_weights(window, config, launch: Callable[[], None]) -> WeightsDialog | None:
    """Run ``launch()`` now when ``config`` needs no missing weights; otherwise after the dialog
    (download, or the user's choice to go on without them). Returns the dialog while it is open."""
    entry = missing_weights(config)
    if entry is None:
        launch()
        return None
    dialog = WeightsDialog(entry, window, always_allow=bool(settings.read("weights/always_allow")))

    def resolved(outcome: str) -> None:
        window.weights_dialog = None
        if outcome == CANCEL:
            window.show_status(_tr(NOT_STARTED))
        else:  # READY, or SCRATCH: the search's own notice says what is lost and how to get the weights
            launch()
        dialog.deleteLater()

    def import_instead() -> None:
        import_weights_file(window, entry, on_done=lambda ok: dialog._finish(READY) if ok else None)

    dialog.resolved.connect(resolved)
    dialog.import_requested.connect(import_instead)
    window.weights_dialog = dialog
    if dialog._outcome is None:
        dialog.open()
    return dialog


def import_weights_file(window, expected: WeightsFile | None = None,
                        on_done: Callable[[bool], None] | None = None) -> None:
    """File ▸ Import weights file…: choose a file, name its backbone when its file name does not, check
    that it loads (in a child process, off the GUI thread) and copy it into Keras's cache."""
    path = window.dialogs.open_file(_tr(IMPORT_TITLE), str(Path.home()), _tr(FILE_FILTER))
    if not path:
        return
    try:
        entry = entry_for_import(path)
    except WeightsError:
        entry = expected
        if entry is None:
            labels = {e.label: e for e in all_entries()}
            chosen = window.dialogs.choose_item(_tr(IMPORT_TITLE), _tr(WHICH_NETWORK), list(labels))
            if chosen is None:
                return
            entry = labels[chosen]
    job = WeightsJob(entry, source=path, parent=window)
    window.show_status(_tr(CHECKING_IMPORT).format(
        file=Path(path).name, network=entry.name))

    def succeeded(target: str) -> None:
        window.show_status(_tr(IMPORTED_STATUS).format(path=target))
        window.dialogs.inform(_tr(IMPORT_TITLE), _tr(IMPORTED_TEXT).format(
            network=entry.label, path=target))
        if on_done:
            on_done(True)

    def failed(message: str) -> None:
        window.show_status(_tr(NOT_IMPORTED_STATUS))
        window.dialogs.error(_tr(IMPORT_TITLE), _tr(NOT_IMPORTED_TEXT).format(reason=message))
        if on_done:
            on_done(False)

    job.succeeded.connect(succeeded, Qt.ConnectionType.QueuedConnection)
    job.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
    window.weights_import_job = job  # kept alive until it reports
    job.start()
