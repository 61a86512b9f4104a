"""app/gui/paint/theme.py: the other trials' lines in the all-trials plot can be seen, on light and dark."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette

from app.gui.paint import theme


def _palette(dark: bool) -> QPalette:
    palette = QPalette()
    window, text, base = ("#2b2b2b", "#e6e6e6", "#1e1e1e") if dark else ("#efefef", "#000000", "#ffffff")
    for role, color in ((QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
                        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.Text, text)):
        palette.setColor(role, QColor(color))
    return palette


def _luminance(color: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def _contrast(line: QColor, background: QColor) -> float:
    """WCAG contrast ratio of ``line`` drawn (with its alpha) over ``background``."""
    a = line.alphaF()
    seen = QColor.fromRgbF(*(a * getattr(line, c)() + (1 - a) * getattr(background, c)()
                             for c in ("redF", "greenF", "blueF")))
    hi, lo = sorted((_luminance(seen), _luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("dark", [False, True])
def test_other_trials_are_visible_and_stay_quieter_than_the_best_and_the_shown(qapp, dark):
    c = theme.colors(_palette(dark))
    overlay = _contrast(c.overlay, c.background)
    # One other trial's line must read on its own (at alpha 70 it was all but invisible: contrast 1.3).
    assert overlay >= 1.7, overlay
    assert overlay < _contrast(c.best, c.background) and overlay < _contrast(c.selected, c.background)
