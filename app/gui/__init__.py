"""TuneStudio's Qt window. ``from app.gui import MainWindow`` imports the window on first use."""
from __future__ import annotations

from app.gui.paint.pyside_compat import protect_none

# PySide6 6.12.0 on Python 3.11 drops a reference to None on every void Qt call, which aborts
# the app within minutes of live plotting; see app/gui/paint/pyside_compat.py.
protect_none()

__all__ = ["MainWindow", "run_app"]


def __getattr__(name: str):
    # Lazy: importing app.gui (e.g. for settings) must not build the whole window module.
    if name == "MainWindow":
        from app.gui.window.main_window import MainWindow

        return MainWindow
    if name == "run_app":
        from app.gui.window.app import run_app

        return run_app
    raise AttributeError(f"module 'app.gui' has no attribute {name!r}")
