"""Starting the window: ``run_app(argv)`` builds the QApplication, shows MainWindow, runs the loop."""
from __future__ import annotations

import sys
import traceback

import shiboken6
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QLinearGradient, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QApplication

from app import __version__
from app.core.paths import APP_NAME
from app.gui import i18n

ORGANIZATION = "TuneStudio"


def make_app_icon() -> QIcon:
    """The app icon, drawn in code: a rising learning curve on a blue tile (crisp at any size)."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        gradient = QLinearGradient(0, 0, 0, size)
        gradient.setColorAt(0, QColor("#2f81f7"))
        gradient.setColorAt(1, QColor("#1a4fa3"))
        painter.setBrush(gradient)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.2, size * 0.2)
        curve = QPainterPath(QPointF(size * 0.18, size * 0.78))
        curve.cubicTo(QPointF(size * 0.35, size * 0.30), QPointF(size * 0.55, size * 0.28),
                      QPointF(size * 0.84, size * 0.24))
        painter.setPen(QPen(QColor("white"), max(size * 0.09, 1.5), Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(curve)
        painter.setBrush(QColor("#ffd33d"))
        painter.setPen(Qt.PenStyle.NoPen)
        radius = size * 0.09
        painter.drawEllipse(QPointF(size * 0.84, size * 0.24), radius, radius)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def _install_excepthook(window) -> None:
    """An unexpected error in a GUI slot becomes a dialog instead of a silent or fatal failure."""
    previous = sys.excepthook

    def hook(exc_type, exc, tb):
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.stderr.write(text)
        try:
            window.dialogs.error(QCoreApplication.translate("App", "Unexpected error"), f"{exc_type.__name__}: {exc}",
                                 details=text)
        except Exception:  # noqa: BLE001 - never let the hook itself fail
            previous(exc_type, exc, tb)

    sys.excepthook = hook


def create_application(argv: list[str]) -> QApplication:
    """The QApplication with TuneStudio's names and icon (reuses an existing one)."""
    app = QApplication.instance() or QApplication(argv)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(make_app_icon())
    i18n.install(app)  # before any window text is made: tr() reads the translator at call time
    return app


def show_main_window():
    """Build and show the main window the fast way: the pyqtgraph-based tabs and chart are built
    just after the first paint (pyqtgraph and the history view cost ~2 s on a busy machine)."""
    from app.gui.main_window import MainWindow

    window = MainWindow(defer_heavy_tabs=True)
    window.show()
    window.build_deferred_tabs_after_paint()
    return window


def run_app(argv: list[str] | None = None) -> int:
    """Show the TuneStudio window and run until it closes; returns the exit code."""
    argv = list(sys.argv if argv is None else argv)
    app = create_application(argv)
    window = show_main_window()
    _install_excepthook(window)
    # After the first paint: the window appears at once, the scan follows.
    QTimer.singleShot(0, window.open_initial_dataset)
    exit_code = app.exec()
    # Destroy the window while the QApplication still exists: left to interpreter shutdown,
    # the order is arbitrary and Qt can crash on the way out.
    sys.excepthook = sys.__excepthook__
    shiboken6.delete(window)
    return exit_code


if __name__ == "__main__":
    raise SystemExit(run_app())
