"""TensorBoard for a search, started from the History tab and opened in the browser.

Starting TensorBoard takes seconds (it imports TensorFlow in its own process), so it starts off
the GUI thread; a TensorBoard already running for the same logs is reused. Every TensorBoard
started here is stopped when the application quits.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

from app.core.history.tensorboard_tools import start_tensorboard, stop_tensorboard, tensorboard_logdir
from app.gui.session.search_worker import run_in_background


def _start_tensorboard(logdir: str):
    """(process, url) of a new TensorBoard on ``logdir`` (tests replace this)."""
    return start_tensorboard(logdir)


class TensorBoards(QObject):
    """The TensorBoards this view started, by log folder."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.running: dict[str, tuple] = {}  # logdir -> (process, url)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop_all)

    def open(self, search_dir: str, on_done: Callable[[], None],
             on_failed: Callable[[str], None]) -> bool:
        """Open the search's TensorBoard in the browser, starting it in the background if needed.

        Returns True when it is starting (``on_done`` or ``on_failed`` follows), False when an
        already running one was opened.
        """
        logdir = str(tensorboard_logdir(search_dir))
        running = self.running.get(logdir)
        if running is not None and running[0].poll() is None:
            QDesktopServices.openUrl(QUrl(running[1]))
            return False

        def started(result) -> None:
            self.running[logdir] = result
            on_done()
            QDesktopServices.openUrl(QUrl(result[1]))

        def failed(message: str, _traceback: str = "") -> None:
            on_failed(message)

        run_in_background(lambda: _start_tensorboard(logdir), started, failed, receiver=self)
        return True

    def stop_all(self) -> None:
        """Stop every TensorBoard started here (the app calls it on quit)."""
        for process, _url in self.running.values():
            stop_tensorboard(process)
        self.running.clear()
