"""The app icon, drawn in code: a rising learning curve on a blue tile (crisp at any size).

Set with the main window, not before the first paint: drawing it needs Qt's ``Qt`` namespace,
whose first import alone costs 25-60 ms here (PySide6 creates its enums on first use).
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QLinearGradient, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QApplication


def make_app_icon() -> QIcon:
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


def install_app_icon() -> None:
    """Give the application (every window of it) the icon, once."""
    app = QApplication.instance()
    if app is not None and app.windowIcon().isNull():
        app.setWindowIcon(make_app_icon())

