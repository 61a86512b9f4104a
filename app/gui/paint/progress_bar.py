"""A progress bar that is painted with the rest of the window, not on its own at once.

``QProgressBar.setValue`` (and ``setRange``/``reset``, through it) calls ``repaint()`` whenever
the shown text or groove moves. ``repaint()`` does not paint the bar alone: it makes Qt flush
every pending paint of the whole window on the spot, inside the handler that set the value. A
search sets a bar on every batch, so the plots, tables and labels the same event had just
changed were painted there, and then again when the rest of the event's changes arrived: two
paints of the busiest page per event, the second one often in the same event-loop turn. This bar
asks for an ordinary ``update()`` instead, which Qt merges with the window's next paint.
"""
from __future__ import annotations

from PySide6.QtWidgets import QProgressBar


class ProgressBar(QProgressBar):
    """``QProgressBar`` whose value and range changes are painted on the next paint of the window."""

    def setValue(self, value: int) -> None:  # noqa: N802 - Qt API
        self.setUpdatesEnabled(False)  # repaint() does nothing while updates are off
        try:
            super().setValue(value)
        finally:
            self.setUpdatesEnabled(True)  # schedules an update() of the bar

    def setRange(self, minimum: int, maximum: int) -> None:  # noqa: N802 - Qt API
        self.setUpdatesEnabled(False)
        try:
            super().setRange(minimum, maximum)
        finally:
            self.setUpdatesEnabled(True)

    def reset(self) -> None:
        self.setUpdatesEnabled(False)
        try:
            super().reset()
        finally:
            self.setUpdatesEnabled(True)
