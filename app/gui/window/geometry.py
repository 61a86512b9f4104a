"""The window's saved size and place, restored onto a screen that still exists (the frame and a
top-level main window in tests both use it)."""
from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from app.gui import settings

DEFAULT_SIZE = (1280, 800)


def restore_geometry(window: QWidget) -> None:
    """The saved size and place of the window, kept on a screen that still exists."""
    geometry = settings.read("window/geometry")
    if geometry.isEmpty() or not window.restoreGeometry(geometry):
        window.resize(*DEFAULT_SIZE)
    # A window saved on a screen that is gone would open out of reach: move it back.
    if QGuiApplication.screenAt(window.frameGeometry().center()) is None:
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            window.resize(min(window.width(), available.width()), min(window.height(), available.height()))
            window.move(available.center() - window.rect().center())
