"""The window's view tabs (Dataset, Training, Results, History): one place that adds a page and
applies the paint staging it needs.

:meth:`ViewTabs.add_page` wraps a page's factory in a :class:`~app.gui.paint.lazy_tabs.LazyPage`
(built on first need, so the window shows before pyqtgraph is imported), and for a *staged* page
(one the window switches to by itself while a search starts or ends) paints its plots apart on
relayouts (:class:`~app.gui.paint.staged_paint.RelayoutInParts`) and keeps it laid out while
hidden (:class:`~app.gui.paint.lazy_tabs.HiddenPageLayout`), so that :meth:`ViewTabs.switch_to`
only paints it, in parts.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget

from app.gui.paint.lazy_tabs import HiddenPageLayout, LazyPage, build_all
from app.gui.paint.staged_paint import RelayoutInParts, switch_tab


class ViewTabs(QTabWidget):
    """The view tabs, without QTabWidget's full repaint on every layout request of a page.

    QTabWidget answers each ``LayoutRequest`` by laying out its tab bar and page area again and
    calling ``update()`` on itself: the whole visible page, plots and tables included, is
    repainted. A page posts one whenever anything in it changes its size hint, which a status
    text does on every batch of a search ("batch loss 0.8123" is wider than "0.812"). When
    neither the tab bar nor the widget's size changed, that layout would come out the same, so
    only the size-hint change is passed on to the parents; the page's own changed widgets
    repaint themselves as usual.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._laid_out_for = None
        self._lazy_pages: list[LazyPage] = []
        self.hidden_layout = HiddenPageLayout(self, ())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            key = (self.size(), self.tabBar().sizeHint(), self.count())
            if key == self._laid_out_for and self.isVisible():
                self.updateGeometry()
                return True
            self._laid_out_for = key
        return super().event(event)

    def add_page(self, title: str, factory: Callable[[], QWidget], deferred: bool = False,
                 staged: bool = False, scroll: str = "") -> tuple[LazyPage, int]:
        """Add a tab whose page ``factory`` builds when first needed; (the page, its index).

        ``deferred`` leaves the build for :meth:`build_pages` (or the first look); ``staged`` pages
        paint in parts and stay laid out while hidden; ``scroll`` (its object name) puts the page in a
        scroll area, so its minimum width cannot force the whole window wider.
        """
        build = (lambda: _paint_in_parts(factory())) if staged else factory
        page = LazyPage(build, deferred=deferred)
        self._lazy_pages.append(page)
        if staged:
            self.hidden_layout.add_page(page)
        shown: QWidget = page
        if scroll:
            shown = QScrollArea()
            shown.setObjectName(scroll)
            shown.setWidgetResizable(True)
            shown.setFrameShape(QFrame.Shape.NoFrame)
            shown.setWidget(page)
        return page, self.addTab(shown, title)

    def build_pages(self) -> None:
        """Build every page not built yet (nothing when all are)."""
        newly_built = not all(page.built for page in self._lazy_pages)
        build_all(self._lazy_pages)
        if newly_built:
            self.hidden_layout.schedule()

    def switch_to(self, index: int) -> None:
        """Show tab ``index`` now and paint it in parts (``app.gui.paint.staged_paint``)."""
        switch_tab(self, index)


def _paint_in_parts(page: QWidget) -> QWidget:
    # A notice or the first confusion matrix moves the plots: paint them apart.
    RelayoutInParts(page)
    return page
