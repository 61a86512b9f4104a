"""The top-level window: on screen as soon as Qt runs, then filled with the main window.

Why a frame: building :class:`~app.gui.window.main_window.MainWindow` imports the app's modules and makes
about a hundred Qt classes (PySide6 creates each on first use), about half a second here, and a
window that waits for that appears that much later than other apps do. The frame is the same
top-level window the user keeps: its saved size and place, the title and the app's name, painted
first. Two event-loop turns after that paint, :meth:`AppFrame.main_window` builds the main window
and nests it as the frame's only content (a QMainWindow nests as a widget, menus and status bar
included); the main window then builds its pyqtgraph pages after its own first paint
(:mod:`app.gui.paint.lazy_tabs`).

This module imports a few Qt classes and the settings only (not even Qt's ``Qt`` namespace, whose
first use costs 25-60 ms): it is what the start-up path pays before the first paint.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QWidget

from app.core.util.paths import APP_NAME
from app.gui.paint.lazy_tabs import LazyPage, build_after_first_paint
from app.gui.window.geometry import restore_geometry

if TYPE_CHECKING:  # imported when built (see _make_main_window): that import is the half second
    from app.gui.window.main_window import MainWindow

def _real_main_window() -> MainWindow:
    from app.gui.window.main_window import MainWindow

    return MainWindow(defer_heavy_tabs=True)


class AppFrame(QMainWindow):
    """TuneStudio's top-level window; see the module docstring."""

    def __init__(self, make_main: Callable[[], MainWindow] | None = None, parent: QWidget | None = None):
        """``make_main`` builds the main window (tests pass one with fakes); the default is the real one."""
        super().__init__(parent)
        self.setObjectName("appFrame")
        self.setWindowTitle(APP_NAME)
        self._make_main = make_main or _real_main_window
        self._after_build: list[Callable[[MainWindow], None]] = []
        self._page: LazyPage[MainWindow] = LazyPage(self._make_main_window, deferred=True)
        self.setCentralWidget(self._page)
        restore_geometry(self)

    def show_and_build(self) -> None:
        """Show the frame now, and build the main window just after the first paint."""
        self.show()
        build_after_first_paint(self, self.main_window)

    def after_build(self, callback: Callable[[MainWindow], None]) -> None:
        """Call ``callback(main_window)`` on the turn after the main window is built (at once when
        it is): what the main window does at start (scanning the last folder) must not pull its
        build in front of the frame's first paint."""
        if self.built:
            QTimer.singleShot(0, lambda: callback(self.main_window()))
        else:
            self._after_build.append(callback)

    @property
    def built(self) -> bool:
        return self._page.built

    def main_window(self) -> MainWindow:
        """The main window inside the frame, built now if it was not yet."""
        return self._page.content()

    def _make_main_window(self) -> MainWindow:
        main = self._make_main()
        self.setWindowTitle(main.windowTitle())
        main.windowTitleChanged.connect(self.setWindowTitle)
        main.build_deferred_tabs_after_paint()
        for callback in self._after_build:
            QTimer.singleShot(0, lambda callback=callback: callback(main))
        self._after_build.clear()
        return main

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # The main window decides (a running search asks first); it closes the frame when it is done.
        if self._page.built and not self.main_window().close():
            event.ignore()
            return
        super().closeEvent(event)
