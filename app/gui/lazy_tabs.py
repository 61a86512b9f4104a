"""Tab pages built on first need, so the window can show before pyqtgraph is imported.

A :class:`LazyPage` shows "Loading…" until :meth:`LazyPage.content` is first called, which
builds the real page with its factory. :func:`build_after_first_paint` builds a set of pages two
event-loop turns after the window's first paint (so that paint reaches the screen first), with a
fallback timer for a window that is never painted (shown minimised).
"""
from __future__ import annotations

from typing import Callable, Generic, Iterable, TypeVar

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

FALLBACK_MS = 3000
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
    namespace costs 25-60 ms (app.gui.app_frame)."""
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
