"""Paint a page in parts, on separate event-loop turns: its widgets first, then each plot.

Qt paints everything a change made dirty in one go, in the same batch of posted events as the
change itself. A page-wide change (a tab switch, a notice that pushes everything below it down,
the first confusion matrix widening its headers) then holds the GUI thread for 15-25 ms: the
layout, the tables and labels, and the pyqtgraph plots (8-12 ms each) all at once, while timers
and key presses wait (``bench/gui_stall.py``). Here the graphics views of such a page are held
back (``setUpdatesEnabled(False)``) and released a few milliseconds apart; until a plot is
released the window shows what it showed there before.

* :func:`switch_tab`: show a tab's page and paint it in parts;
* :class:`RelayoutInParts`: on a shown page, paint a plot apart whenever a relayout moves or
  resizes it; a relayout that leaves the plots where they were costs them no paint at all.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QGraphicsView, QTabWidget, QWidget

PART_DELAY_MS = 3  # between the parts: long enough for a timer's or an input event's turn


def _release_in_turns(page: QWidget, views: list[QGraphicsView]) -> None:
    """Give each held-back view its updates back, one per event-loop turn."""

    def release_next() -> None:
        while views:
            view = views.pop(0)
            try:
                view.setUpdatesEnabled(True)  # also schedules its paint
            except RuntimeError:
                continue  # deleted meanwhile
            break
        if views:
            QTimer.singleShot(PART_DELAY_MS, page, release_next)

    QTimer.singleShot(PART_DELAY_MS, page, release_next)


def _graphics_views(page: QWidget) -> list[QGraphicsView]:
    return [view for view in page.findChildren(QGraphicsView) if view.updatesEnabled()]


def switch_tab(tabs: QTabWidget, index: int) -> None:
    """Show tab ``index`` now; paint its widgets a turn later and each of its plots a turn after."""
    page = tabs.widget(index)
    if page is None or tabs.currentIndex() == index or not page.updatesEnabled():
        tabs.setCurrentIndex(index)
        return
    views = _graphics_views(page)
    page.setUpdatesEnabled(False)
    tabs.setCurrentIndex(index)

    def paint_widgets() -> None:
        for view in views:
            view.setUpdatesEnabled(False)  # explicitly: they stay off when the page comes on
        page.setUpdatesEnabled(True)
        if views:
            _release_in_turns(page, views)

    QTimer.singleShot(PART_DELAY_MS, page, paint_widgets)


class RelayoutInParts(QObject):
    """Installed on a page: when a relayout moves or resizes one of its plots while the page is
    shown, that plot paints a turn after the widgets around it.

    Watching the plots themselves catches every cause: a posted relayout (a label's longer text),
    one Qt runs at once (a hidden notice shown), a splitter or window resize.
    """

    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self._page = page
        self._held: list[QGraphicsView] = []
        for view in page.findChildren(QGraphicsView):
            view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (event.type() in (QEvent.Type.Move, QEvent.Type.Resize) and isinstance(watched, QGraphicsView)
                and self._page.isVisible() and watched.updatesEnabled()):
            watched.setUpdatesEnabled(False)  # before its own resize handling asks for a paint
            self._held.append(watched)
            if len(self._held) == 1:
                QTimer.singleShot(0, self, self._release)
        return False

    def _release(self) -> None:
        held, self._held = self._held, []
        _release_in_turns(self._page, held)
