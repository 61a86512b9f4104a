"""The Dataset tab's class-balance bar chart, and the placeholder that stands in for it.

Importing pyqtgraph costs about a second, which a window showing its first paint should not pay:
the chart class is defined on first use (:func:`balance_chart_class`), and until then a
:class:`ChartPlaceholder` keeps the counts it is given.
"""
from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QWidget

BAR_COLOR = (76, 132, 200)

_chart_class = None


def balance_chart_class() -> type:
    """The pyqtgraph bar chart class, defined (and pyqtgraph imported) on first use."""
    global _chart_class
    if _chart_class is not None:
        return _chart_class
    import numpy as np
    import pyqtgraph as pg

    class ClassBalanceChart(pg.PlotWidget):
        """Images per class as bars, class names on the x axis."""

        def __init__(self, parent: QWidget | None = None):
            super().__init__(parent, background="w")
            self.setObjectName("classBalanceChart")
            self.setMenuEnabled(False)
            self.setMouseEnabled(x=False, y=False)
            self.hideButtons()
            self.getPlotItem().setLabel("left", self.tr("images"))
            self.getPlotItem().showGrid(y=True, alpha=0.25)
            self._bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=pg.mkBrush(*BAR_COLOR), pen=None)
            self.addItem(self._bars)
            self.setMinimumHeight(140)

        def set_counts(self, counts: dict[str, int]) -> None:
            self._names = list(counts)
            heights = np.array([counts[n] for n in self._names], dtype=float)
            x = np.arange(len(self._names), dtype=float)
            self._bars.setOpts(x=x, height=heights, width=0.7)
            self._update_ticks()
            self.setXRange(-0.6, max(len(self._names) - 0.4, 0.6), padding=0)
            self.setYRange(0, max(float(heights.max()) if len(heights) else 1.0, 1.0) * 1.1, padding=0)

        def _update_ticks(self) -> None:
            """Class names under the bars, shortened to the room each bar has (names never overlap)."""
            names = getattr(self, "_names", [])
            plot_item = self.getPlotItem()
            if plot_item is None:  # resize during construction
                return
            axis = plot_item.getAxis("bottom")
            if not names:
                axis.setTicks([[]])
                return
            per_bar = max(axis.width(), self.width() * 0.8) / len(names)
            char = max(QFontMetrics(axis.font() if hasattr(axis, "font") else self.font()).averageCharWidth(), 1)
            limit = max(int(per_bar / char) - 2, 3)
            step = 1 if limit > 3 or len(names) <= 12 else max(len(names) // 12, 1)  # very many classes: every n-th
            ticks = [(i, n if len(n) <= limit else n[: limit - 1] + "…") for i, n in enumerate(names) if i % step == 0]
            axis.setTicks([ticks])

        def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
            super().resizeEvent(event)
            self._update_ticks()

        def bar_heights(self) -> list[float]:
            heights = self._bars.opts.get("height")
            return [] if heights is None else [float(h) for h in heights]

    _chart_class = ClassBalanceChart
    return _chart_class


def __getattr__(name: str):
    if name == "ClassBalanceChart":  # the class stays importable by its name
        return balance_chart_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ChartPlaceholder(QWidget):
    """Stands in for the bar chart until it is built; keeps the counts it is given."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("classBalanceChart")
        self.setMinimumHeight(140)
        self.counts: dict[str, int] | None = None

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts = dict(counts)

    def bar_heights(self) -> list[float]:
        return [float(v) for v in (self.counts or {}).values()]
