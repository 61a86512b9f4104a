"""Colours and fonts shared by the live-run panels.

The hues come from the Okabe-Ito palette, which stays distinguishable for colour-blind readers,
and each has a light-palette and a dark-palette variant so lines keep their contrast against
either window background. Plots take their background and text colours from the application
palette instead of pyqtgraph's default black, so they sit naturally in the window.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

# Okabe-Ito hues (light variant, dark variant).
_BLUE = ("#0072B2", "#56B4E9")
_ORANGE = ("#D55E00", "#E69F00")
_GREEN = ("#009E73", "#3DDC97")
_PURPLE = ("#CC79A7", "#E7A3CA")
_RED = ("#C0392B", "#FF6B5E")


@dataclass(frozen=True)
class Colors:
    """Named colours for one palette (light or dark)."""

    train: QColor
    validation: QColor
    best: QColor
    selected: QColor
    overlay: QColor
    batch: QColor
    failed: QColor
    running: QColor
    muted: QColor
    background: QColor
    foreground: QColor
    best_row: QColor
    dark: bool


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the window background is darker than its text."""
    palette = palette or _app_palette()
    if palette is None:
        return False
    return palette.color(QPalette.ColorRole.Window).lightness() < palette.color(
        QPalette.ColorRole.WindowText).lightness()


def colors(palette: QPalette | None = None) -> Colors:
    """The panel colours that read well on ``palette`` (default: the application's)."""
    palette = palette or _app_palette()
    dark = is_dark(palette)
    pick = 1 if dark else 0
    background = palette.color(QPalette.ColorRole.Base) if palette else QColor("white")
    foreground = palette.color(QPalette.ColorRole.Text) if palette else QColor("black")
    # The live batch line: a lighter blue than "train", thin, so it reads as a sketch behind it.
    batch = QColor(("#56B4E9", "#A6D8F5")[pick])
    batch.setAlpha(170)
    # Grey with alpha blends into either background. The other trials are one path, stroked once, so
    # overlapping lines do not darken each other: 100 curves read as one grey band, and the alpha must
    # make a single line visible on its own (70 left the 7 other trials of the sample all but invisible).
    overlay = QColor(150, 150, 150, 150) if dark else QColor(120, 120, 120, 130)
    best_row = QColor(_GREEN[pick])
    best_row.setAlpha(60)
    return Colors(
        train=QColor(_BLUE[pick]),
        validation=QColor(_ORANGE[pick]),
        best=QColor(_GREEN[pick]),
        selected=QColor(_PURPLE[pick]),
        overlay=overlay,
        batch=batch,
        failed=QColor(_RED[pick]),
        running=QColor(_BLUE[pick]),
        muted=QColor(150, 150, 150),
        background=QColor(background),
        foreground=QColor(foreground),
        best_row=best_row,
        dark=dark,
    )


def status_color(status: str, palette: QPalette | None = None,
                 panel_colors: Colors | None = None) -> QColor | None:
    """Text colour for a trial status, or None to keep the palette's text colour. ``panel_colors``:
    ``colors(palette)`` made already (a table asks for every cell on every paint)."""
    c = panel_colors if panel_colors is not None else colors(palette)
    status = (status or "").upper()
    if status in ("FAILED", "INVALID"):
        return c.failed
    if status == "RUNNING":
        return c.running
    if status in ("STOPPED", "CANCELLED"):
        return c.muted
    return None


def bold(font: QFont) -> QFont:
    """A bold copy of ``font`` (the best trial, totals)."""
    font = QFont(font)
    font.setBold(True)
    return font


def headline(font: QFont, scale: float = 1.5) -> QFont:
    """A larger bold copy of ``font`` for the one number a panel is about."""
    font = bold(font)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * scale)
    else:  # pixel-sized fonts (some platforms) report -1 points
        font.setPixelSize(round(font.pixelSize() * scale))
    return font


def _app_palette() -> QPalette | None:
    app = QApplication.instance()
    return app.palette() if app is not None else None
