"""Tab pages built on first need, so the window can show before pyqtgraph is imported.

A :class:`LazyPage` shows "Loading…" until :meth:`LazyPage.content` is first called, which
builds the real page with its factory. :func:`build_after_first_paint` builds a set of pages two
event-loop turns after the window's first paint (so that paint reaches the screen first), with a
fallback timer for a window that is never painted (shown minimised). :class:`HiddenPageLayout`
keeps the built pages that are not shown laid out at the size of the one that is, so that
switching to one (the window does, when a search ends) only paints it (``app.gui.paint.staged_paint``
paints it in parts).
"""
from __future__ import annotations

from typing import Callable, Generic, Iterable, TypeVar

from PySide6.QtCore import QEvent, QObject, QPoint, QTimer
from PySide6.QtGui import QPixmap, QRegion
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

FALLBACK_MS = 3000
# After the shown page's size settles (a window resize, the options pane hiding at Start), the
# hidden pages are laid out this much later, one page per event-loop turn.
HIDDEN_LAYOUT_DELAY_MS = 250
Page = TypeVar("Page", bound=QWidget)


class LazyPage(QWidget, Generic[Page]):
    """A placeholder that becomes ``factory()``'s widget when first needed."""

    def __init__(self, factory: Callable[[], Page], deferred: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self._factory = factory
        self._content: Page | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._loading = _centred_label(self.tr("Loading…"))
        self._layout.addWidget(self._loading)
        if not deferred:
            self.content()

    @property
    def built(self) -> bool:
        return self._content is not None

    def content(self) -> Page:
        """The page, built now if it was not yet."""
        if self._content is None:
            self._loading.hide()
            self._loading.deleteLater()
            self._content = self._factory()
            self._layout.addWidget(self._content)
        return self._content


def _centred_label(text: str) -> QWidget:
    """A grey line of text in the middle of a widget. Centred with stretches, not an alignment
    flag: the app frame shows this before its first paint, and the first use of Qt's ``Qt``
    namespace costs 25-60 ms (app.gui.window.app_frame)."""
    box = QWidget()
    label = QLabel(text, box)
    label.setStyleSheet("color: #777;")
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(label)
    row.addStretch(1)
    column = QVBoxLayout(box)
    column.addStretch(1)
    column.addLayout(row)
    column.addStretch(1)
    return box


class _FirstPaintWatcher(QObject):
    """Calls ``callback`` (on a later event-loop turn) when the watched widget is first painted."""

    def __init__(self, parent: QObject, callback: Callable[[], None]):
        super().__init__(parent)
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, lambda: QTimer.singleShot(0, self._callback))
            self.deleteLater()
        return False


def build_after_first_paint(window: QWidget, build: Callable[[], None], fallback_ms: int = FALLBACK_MS) -> None:
    """Run ``build`` two event-loop turns after ``window``'s first paint (or after ``fallback_ms``);
    ``build`` must do nothing the second time."""
    window.installEventFilter(_FirstPaintWatcher(window, build))
    QTimer.singleShot(fallback_ms, build)


def build_all(pages: Iterable[LazyPage]) -> None:
    for page in pages:
        page.content()


class HiddenPageLayout(QObject):
    """Lays out a tab widget's hidden pages at the shown page's size, ahead of their showing.

    Qt resizes only the current page of a stack; a hidden page keeps a pending resize until it is
    shown, and then lays out all its widgets (and pyqtgraph its plots, over several turns, each
    repainting) in the same turns that paint it: 35-45 ms of the GUI thread for the Results page,
    in one go, at the moment a search ends. ``QWidget.render`` sends a hidden widget's pending
    resize events and runs its layouts; rendering a 1x1 corner does that without painting it.
    """

    def __init__(self, tabs: QTabWidget, pages: Iterable[QWidget], delay_ms: int = HIDDEN_LAYOUT_DELAY_MS):
        super().__init__(tabs)
        self._tabs = tabs
        self._pages = tuple(pages)
        self._pending: list[QWidget] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._lay_out_next)
        self._stack = tabs.findChild(QStackedWidget)
        if self._stack is not None:
            self._stack.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._stack and event.type() == QEvent.Type.Resize:
            self.schedule()
        return False

    def add_page(self, page: QWidget) -> None:
        """Keep ``page`` laid out too."""
        self._pages += (page,)

    def schedule(self) -> None:
        """Lay the hidden pages out again a little later (a page just built, the size changed)."""
        self._pending = list(self._pages)
        self._timer.start(self._timer.interval())

    def lay_out_now(self) -> None:
        """Lay every hidden page out at once (tests)."""
        self._timer.stop()
        self._pending = list(self._pages)
        while self._pending:
            self._lay_out_next(chain=False)

    def _lay_out_next(self, chain: bool = True) -> None:
        current = self._tabs.currentWidget()
        while self._pending:
            page = self._pending.pop(0)
            if page is current or page.isVisible() or (isinstance(page, LazyPage) and not page.built):
                continue
            if current is not None and page.size() != current.size():
                page.setGeometry(current.geometry())
            page.render(QPixmap(1, 1), QPoint(), QRegion(0, 0, 1, 1))
            break
        if chain and self._pending:
            self._timer.start(0)
