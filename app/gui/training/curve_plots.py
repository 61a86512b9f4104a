"""The pyqtgraph side of the training curves: three plots, their curves, legend and theme.

:class:`CurvePlots` creates every curve once and afterwards only calls ``setData`` on it, and
only when the data's key changed (``_drawn`` remembers what each item shows), so a redraw with
nothing new costs nothing. It knows no events and no words: the panel
(``app/gui/training/curves_panel.py``) decides what is shown and passes the texts.

* loss of the shown trial, train and validation per epoch, plus a thin live batch-loss line;
* accuracy of the shown trial, train and validation per epoch;
* every trial's objective overlaid faintly, the best trial highlighted, the shown one on top.

The faint overlay of all trials is a *single* ``PlotDataItem`` whose ``connect`` array breaks the
line between trials: one path for 100 trials instead of 100 items, which is what keeps
100 trials x 100 epochs cheap to redraw.
"""
from __future__ import annotations

from typing import Callable, Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from app.gui.paint import theme

MAX_EPOCHS_WITH_DOTS = 40
# The widest tick text the axes reserve room for. pyqtgraph otherwise measures tick texts while
# painting and widens the axis when they grow, which re-lays the plots out and paints them a second
# time (on the Results page, the moment it is first shown); fixed room also keeps the plots from
# shifting sideways as the loss range changes during a search.
WIDEST_TICK_TEXT = "0.0000"
# Curve names accepted by ``CurvePlots.curve_data``.
CURVE_NAMES = ("loss", "val_loss", "accuracy", "val_accuracy", "batch_loss",
               "overlay", "best", "selected")
_SYMBOL_CURVES = ("loss", "val_loss", "accuracy", "val_accuracy", "best", "selected")

Series = tuple[np.ndarray, np.ndarray]


class CurvePlots:
    """The plots inside one ``GraphicsLayoutWidget`` (``graphics``, the widget to lay out)."""

    def __init__(self, texts: dict[str, str], colors: theme.Colors,
                 on_click: Callable[[object], None], on_hover: Callable[[object], None]) -> None:
        """``texts``: "epoch" (x axis), "other trials", "best", "shown" (legend names),
        "accessible name" and "accessible description"."""
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setMinimumSize(320, 260)
        self.graphics.setAccessibleName(texts["accessible name"])
        self.graphics.setAccessibleDescription(texts["accessible description"])
        self.loss_plot = self.graphics.addPlot(row=0, col=0)
        self.accuracy_plot = self.graphics.addPlot(row=0, col=1)
        self.overview_plot = self.graphics.addPlot(row=1, col=0, colspan=2)
        metrics = QFontMetrics(self.graphics.font())
        for plot in self.plots():
            # Horizontal grid lines on major ticks only: a full grid with minor levels tripled
            # the paint time (bench/plot_update.py) for little reading benefit.
            plot.showGrid(x=False, y=True, alpha=0.15)
            plot.getAxis("left").setStyle(maxTickLevel=0, autoExpandTextSpace=False,
                                          tickTextWidth=metrics.horizontalAdvance(WIDEST_TICK_TEXT))
            plot.getAxis("bottom").setStyle(autoExpandTextSpace=False, tickTextHeight=metrics.height())
            plot.setLabel("bottom", texts["epoch"])
            plot.setMenuEnabled(True)
        # Loss and accuracy of one trial share their epoch axis.
        self.accuracy_plot.setXLink(self.loss_plot)
        self.accuracy_plot.setYRange(0.0, 1.0, padding=0.02)
        self.accuracy_plot.enableAutoRange(axis="y", enable=False)

        self.curves: dict[str, pg.PlotDataItem] = {}
        self._drawn: dict[object, object] = {}  # what each curve/label shows now, to skip no-ops
        # Loss and accuracy name their lines in the title (the panel's series titles): a legend
        # box would cover the data of short runs, which fill the whole plot.
        self.overview_legend = self.overview_plot.addLegend(offset=(-10, -10), labelTextSize="8pt")
        # The batch line grows without bound during long epochs: clip and peak-downsample it.
        self.curves["batch_loss"] = self.loss_plot.plot(
            antialias=False, clipToView=True, autoDownsample=True, downsampleMethod="peak")
        for plot, metric in ((self.loss_plot, "loss"), (self.loss_plot, "val_loss"),
                             (self.accuracy_plot, "accuracy"), (self.accuracy_plot, "val_accuracy")):
            # Symbols keep a 1-epoch trial visible: a single point draws no line.
            self.curves[metric] = plot.plot(antialias=False, symbol="o", symbolSize=5)
        # Concatenated trials are not sorted by x, so clip-to-view (which bisects x) stays off.
        self.curves["overlay"] = self.overview_plot.plot(name=texts["other trials"], antialias=False,
                                                         clipToView=False)
        self.curves["best"] = self.overview_plot.plot(name=texts["best"], antialias=False,
                                                      symbol="o", symbolSize=4)
        self.curves["selected"] = self.overview_plot.plot(name=texts["shown"], antialias=False,
                                                          symbol="o", symbolSize=4)
        self.best_marker = pg.ScatterPlotItem(size=14, symbol="star")
        self.overview_plot.addItem(self.best_marker)
        self.overview_plot.scene().sigMouseClicked.connect(lambda event: on_click(event.scenePos()))
        # Hover names the trial under the mouse; at most 20 look-ups a second.
        self._hover_proxy = pg.SignalProxy(self.overview_plot.scene().sigMouseMoved,
                                           rateLimit=20, slot=lambda args: on_hover(args[0]))
        self.apply_theme(colors)

    def plots(self) -> tuple[pg.PlotItem, pg.PlotItem, pg.PlotItem]:
        return self.loss_plot, self.accuracy_plot, self.overview_plot

    @property
    def colors(self) -> theme.Colors:
        return self._colors

    def forget_drawn(self) -> None:
        """Make the next redraw set every curve and text again."""
        self._drawn.clear()

    def curve_data(self, name: str) -> Series:
        """The (x, y) a curve draws now."""
        if name not in self.curves:
            raise KeyError(f"unknown curve {name!r}; known: {', '.join(CURVE_NAMES)}")
        item = self.curves[name]
        x = item.xData if item.xData is not None else np.empty(0)
        y = item.yData if item.yData is not None else np.empty(0)
        return np.asarray(x), np.asarray(y)

    # ------------------------------------------------------------------ data

    def set_curve(self, name: str, key, data: Callable[[], Series] | None) -> None:
        """Give a curve new data unless ``key`` says it already shows it.

        ``data`` is a callable returning (x, y), or None for an empty curve.
        """
        if key is not None and self._drawn.get(name) == key:
            return
        if key is None and name in self._drawn and self._drawn[name] is None:
            return
        self._drawn[name] = key
        x, y = data() if data is not None else (np.empty(0), np.empty(0))
        item = self.curves[name]
        if item.opts.get("symbol") is not None or name in _SYMBOL_CURVES:
            # Dots mark the epochs of short runs (a 1-epoch run draws no line at all);
            # on long runs they only cost paint time.
            symbol = "o" if len(x) <= MAX_EPOCHS_WITH_DOTS else None
            if item.opts.get("symbol") != symbol:
                item.setSymbol(symbol)
        finite = bool(len(y) == 0 or np.isfinite(y).all())
        item.setData(x, y, skipFiniteCheck=finite, connect="all" if finite else "finite")

    def set_overlay(self, key, series: Callable[[], Iterable[Series]]) -> None:
        """Draw many trials' lines as one item, broken between trials; skipped when ``key`` is drawn."""
        if self._drawn.get("overlay") == key:
            return
        self._drawn["overlay"] = key
        xs, ys, connects = [], [], []
        for x, y in series():
            if not len(x):
                continue
            connect = np.ones(len(x), dtype=np.int32)
            connect[-1] = 0  # no line from this trial's last epoch to the next trial's first
            xs.append(x)
            ys.append(y)
            connects.append(connect)
        overlay = self.curves["overlay"]
        if xs:
            overlay.setData(np.concatenate(xs), np.concatenate(ys),
                            connect=np.concatenate(connects), skipFiniteCheck=True)
        else:
            overlay.setData(np.empty(0), np.empty(0))

    def set_best(self, key, series: Callable[[], Series] | None, lower_is_better: bool) -> None:
        """The best trial's line and a star on its best epoch."""
        if "best" not in self._drawn or self._drawn["best"] != key:
            x, y = series() if series is not None and key is not None else (np.empty(0), np.empty(0))
            if len(y):
                i = int(np.argmin(y) if lower_is_better else np.argmax(y))
                self.best_marker.setData([x[i]], [y[i]])
            else:
                self.best_marker.setData([], [])
        self.set_curve("best", key, series if key is not None else None)

    # ------------------------------------------------------------------ axes and texts

    def fit_epoch_axis(self, key, left: float, right: int) -> None:
        """Frame loss and accuracy from ``left`` to ``right`` epochs, once per ``key``.

        Only reframes when the key (trial and length) changes, leaving the user's zoom alone.
        """
        if self._drawn.get("epoch_axis") == key:
            return
        self._drawn["epoch_axis"] = key
        self.loss_plot.enableAutoRange(axis="x", enable=False)
        self.loss_plot.setXRange(left, right + 0.5, padding=0.0)
        for plot in (self.loss_plot, self.accuracy_plot):
            _whole_epoch_ticks(plot, right)

    def fit_overview_epochs(self, longest: int) -> None:
        if self._drawn.get("overview_epochs") != longest:
            self._drawn["overview_epochs"] = longest
            _whole_epoch_ticks(self.overview_plot, longest)

    def set_objective(self, objective: str, lower_is_better: bool, title: str) -> None:
        """Title, y label, legend corner and y range of the all-trials plot for an objective."""
        if self._drawn.get("objective") == objective:
            return
        self._drawn["objective"] = objective
        self.set_title(self.overview_plot, title)
        self.overview_plot.setLabel("left", objective)
        # Legend where curves rarely go: low for accuracies, high for losses.
        self.overview_legend.setOffset((-10, 10) if lower_is_better else (-10, -10))
        if "accuracy" in objective:
            self.overview_plot.setYRange(0.0, 1.0, padding=0.02)
            self.overview_plot.enableAutoRange(axis="y", enable=False)
        else:
            self.overview_plot.enableAutoRange(axis="y", enable=True)

    def set_title(self, plot: pg.PlotItem, text: str) -> None:
        key = ("title", id(plot))
        if self._drawn.get(key) != text:
            self._drawn[key] = text
            plot.setTitle(text, color=self._colors.foreground, size="10pt")

    def set_legend_text(self, name: str, text: str) -> None:
        label = self.overview_legend.getLabel(self.curves[name])
        if label is not None and label.text != text:
            label.setText(text)

    # ------------------------------------------------------------------ look

    def apply_theme(self, c: theme.Colors) -> None:
        self._colors = c
        self._drawn.clear()  # titles carry the text colour
        self.graphics.setBackground(c.background)
        for plot in self.plots():
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setPen(pg.mkPen(c.foreground))
                axis.setTextPen(pg.mkPen(c.foreground))
        legend = self.overview_legend
        legend.setLabelTextColor(c.foreground)
        for _sample, label in legend.items:
            label.setText(label.text, color=legend.opts["labelTextColor"])
        legend.setZValue(100)  # above the curves, so its backdrop keeps the text readable
        fill = pg.mkColor(c.background)
        # Light enough that the lines under it still show (at 200 the best trial's last epochs on the
        # sample faded out behind it), dense enough that its text stays readable over them.
        fill.setAlpha(140)
        legend.setBrush(pg.mkBrush(fill))
        styles = {
            "loss": (c.train, 2.0), "val_loss": (c.validation, 2.0),
            "accuracy": (c.train, 2.0), "val_accuracy": (c.validation, 2.0),
            "batch_loss": (c.batch, 1.0), "overlay": (c.overlay, 1.0),
            "best": (c.best, 2.5), "selected": (c.selected, 2.0),
        }
        for name, (color, width) in styles.items():
            item = self.curves[name]
            item.setPen(pg.mkPen(color, width=width, style=Qt.PenStyle.SolidLine))
            if item.opts.get("symbol"):
                item.setSymbolPen(pg.mkPen(color))
                item.setSymbolBrush(pg.mkBrush(color))
        self.best_marker.setPen(pg.mkPen(c.foreground, width=0.8))
        self.best_marker.setBrush(pg.mkBrush(c.best))

    # ------------------------------------------------------------------ hit testing

    def line_near(self, scene_pos, lines: Iterable[tuple[str, Series]], max_pixels: float = 8.0) -> str | None:
        """The name of the line in the all-trials plot passing within a few pixels of a point."""
        view = self.overview_plot.vb
        if not view.sceneBoundingRect().contains(scene_pos):
            return None
        point = view.mapSceneToView(scene_pos)
        x_per_px, y_per_px = view.viewPixelSize()
        if not (x_per_px and y_per_px):
            return None
        nearest, nearest_distance = None, max_pixels
        for name, (x, y) in lines:
            if not len(x):
                continue
            distance = np.hypot((x - point.x()) / x_per_px, (y - point.y()) / y_per_px).min()
            if x[0] <= point.x() <= x[-1]:
                # Between epochs, measure to the line itself, not only to its points.
                on_line = abs(np.interp(point.x(), x, y) - point.y()) / y_per_px
                distance = min(distance, on_line)
            if distance < nearest_distance:
                nearest, nearest_distance = name, float(distance)
        return nearest


def _whole_epoch_ticks(plot: pg.PlotItem, epochs: int) -> None:
    """Tick every epoch on short runs (pyqtgraph would label 1.5); automatic ticks on long ones."""
    axis = plot.getAxis("bottom")
    if epochs <= 20:
        step = 1 if epochs <= 12 else 2
        axis.setTickSpacing(major=step, minor=step)
    else:
        axis.setTickSpacing()
