"""Starting the window: ``run_app(argv)`` builds the QApplication, shows MainWindow, runs the loop."""
from __future__ import annotations

import sys
import traceback

import shiboken6
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from app import __version__
from app.core.util.paths import APP_NAME
from app.gui.text import language as i18n
from app.gui import settings
from app.gui.session.search_worker import wait_for_background_jobs
from app.gui.window import main_thread_gc
from app.gui.window.app_frame import AppFrame

ORGANIZATION = "TuneStudio"
# Background jobs (the runner's imports warmed up after start, the resume lookup, thumbnails) get this
# long to end when the app quits: Python shut down under a thread still running it crashes the exit.
QUIT_WAIT_MS = 10_000


def _install_excepthook(frame) -> None:
    """An unexpected error in a GUI slot becomes a dialog instead of a silent or fatal failure."""
    previous = sys.excepthook

    def hook(exc_type, exc, tb):
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.stderr.write(text)
        try:
            frame.main_window().dialogs.error(QCoreApplication.translate("App", "Unexpected error"),
                                              f"{exc_type.__name__}: {exc}", details=text)
        except Exception:  # noqa: BLE001 - never let the hook itself fail
            previous(exc_type, exc, tb)

    sys.excepthook = hook


def create_application(argv: list[str]) -> QApplication:
    """The QApplication with TuneStudio's names and language (reuses an existing one); the icon
    follows with the main window (:func:`app.gui.widgets.app_icon.install_app_icon`)."""
    app = QApplication.instance() or QApplication(argv)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName(APP_NAME)
    i18n.install(app)  # before any window text is made: tr() reads the translator at call time
    app.aboutToQuit.connect(settings.flush)
    app.aboutToQuit.connect(lambda: wait_for_background_jobs(QUIT_WAIT_MS))
    # Worker threads run Python: a cycle collected on one of them would delete widgets off the GUI thread.
    main_thread_gc.install(app)
    return app


def show_main_window() -> AppFrame:
    """Show the window the fast way (:mod:`app.gui.window.app_frame`): the frame is painted first, the
    main window is built just after that paint, its pyqtgraph pages just after its own.
    ``frame.main_window()`` is the main window (built on the spot if it was not yet)."""
    frame = AppFrame()
    frame.show_and_build()
    return frame


def run_app(argv: list[str] | None = None) -> int:
    """Show the TuneStudio window and run until it closes; returns the exit code."""
    argv = list(sys.argv if argv is None else argv)
    app = create_application(argv)
    frame = show_main_window()
    _install_excepthook(frame)
    # After the first paint: the window appears at once, the main window and then the scan follow.
    frame.after_build(lambda main: main.open_initial_dataset())
    exit_code = app.exec()
    # Destroy the window while the QApplication still exists: left to interpreter shutdown,
    # the order is arbitrary and Qt can crash on the way out.
    sys.excepthook = sys.__excepthook__
    shiboken6.delete(frame)
    return exit_code


if __name__ == "__main__":
    raise SystemExit(run_app())
