"""Score against each tuned hyperparameter, for the History tab: one small scatter plot per
hyperparameter, and a measure of how much each one mattered."""
from __future__ import annotations

import html
import json
import math
import random
from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.core.util.formatting import format_value
from app.gui.paint import theme
from app.gui.history.compare_view import TRIAL_COLORS, trial_label

MAX_SCATTER_COLUMNS = 3
MIN_SCATTER_ROW_HEIGHT = 220
MAX_CATEGORIES = 6  # numeric hyperparameters with at most this many values are plotted as columns


def json_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def hyperparameter_effect(values: list, scores: list[float]) -> float | None:
    """How much of the score's variation a hyperparameter explains, from 0 to 1.

    The trials are grouped by value (numbers with many values into up to five ranges of equal
    size, so a sweet spot in the middle counts too) and the share of the score's variance that
    lies between the groups is corrected for chance (epsilon squared): with few trials, any
    grouping explains a little by luck. None when there are too few trials to say.
    """
    n = len(scores)
    if n < 4 or len(values) != n:
        return None
    keys = [json_key(v) for v in values]
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    if numeric and len(set(keys)) > MAX_CATEGORIES:
        bins = max(2, min(5, n // 3))
        order = sorted(range(n), key=lambda i: values[i])
        position = {}
        for rank, i in enumerate(order):
            position.setdefault(keys[i], rank)  # equal values share the first position: same range
        keys = [str(position[k] * bins // n) for k in keys]
    groups: dict[str, list[float]] = {}
    for key, score in zip(keys, scores):
        groups.setdefault(key, []).append(score)
    k = len(groups)
    mean = sum(scores) / n
    total = sum((score - mean) ** 2 for score in scores)
    if k < 2 or n - k < 1 or not total:
        return None
    between = sum(len(g) * (sum(g) / len(g) - mean) ** 2 for g in groups.values())
    within_mean_square = (total - between) / (n - k)
    return min(1.0, max(0.0, (between - (k - 1) * within_mean_square) / total))


# --------------------------------------------------------------------------- scatter plots


def _varying_and_fixed(scored: list[dict]) -> tuple[list[str], list[str]]:
    """The hyperparameters whose value differs between the trials, and those the same in all."""
    names: list[str] = []
    for trial in scored:
        # "tuner/..." values are Hyperband's bookkeeping (epochs, bracket), not choices.
        names += [n for n in trial.get("hyperparameters") or {} if n not in names and not n.startswith("tuner/")]
    varying, fixed = [], []
    for name in names:
        values = {repr((t.get("hyperparameters") or {}).get(name)) for t in scored}
        (varying if len(values) > 1 else fixed).append(name)
    return varying, fixed


class ScoreScatterView(QWidget):
    """Score against each tuned hyperparameter: one small scatter plot per hyperparameter.

    Numbers sit on their value (a log axis when they span decades); categories and booleans sit
    on evenly spaced positions, jittered so equal values do not hide each other.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scoreScatter")
        self._caption = QLabel(self.tr("Open a search to see how each hyperparameter relates to the score."))
        self._caption.setWordWrap(True)
        self._graphics = pg.GraphicsLayoutWidget()
        self._graphics.setMinimumHeight(200)
        # Many hyperparameters make many rows: they scroll rather than shrink to nothing.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._graphics)
        self._plots: dict[str, pg.PlotItem] = {}
        self._points: dict[str, list[tuple[float, float]]] = {}
        self._pending: tuple[list[dict], str] | None = None
        self._effects: dict[str, float | None] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._caption)
        layout.addWidget(scroll, 1)

    def set_trials(self, trials: list[dict], objective: str = "val_accuracy") -> None:
        """Plot completed trials (dicts as ``HistoryStore.get_trials`` returns them).

        While the view is hidden (another tab is shown) the plots are only built when it
        appears: opening a search must not wait for plots nobody looks at."""
        self._pending = (list(trials), objective)
        if self.isVisible():
            self._draw()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self._pending is not None:
            self._draw()

    def plotted_hyperparameters(self) -> list[str]:
        self._draw()
        return list(self._plots)

    def points(self, name: str) -> list[tuple[float, float]]:
        self._draw()
        return list(self._points.get(name, []))

    def effects(self) -> dict[str, float | None]:
        """Per plotted hyperparameter: its effect on the score (0 to 1), or None."""
        self._draw()
        return dict(self._effects)

    def _draw(self) -> None:
        if self._pending is None:
            return
        trials, objective = self._pending
        self._pending = None
        self._graphics.clear()
        self._plots.clear()
        self._points.clear()
        self._effects = {}
        scored = [t for t in trials if t.get("status") == "COMPLETED" and isinstance(t.get("score"), (int, float))]
        varying, fixed = _varying_and_fixed(scored)
        if not scored:
            self._caption.setText(self.tr("No completed trials to plot."))
            return
        search_ids = sorted({t.get("search_id") for t in scored}, key=str)
        self._caption.setText(self._caption_text(scored, objective, fixed, search_ids))
        c = theme.colors(self.palette())
        self._graphics.setBackground(c.background)
        rng = random.Random(0)  # same jitter on every redraw
        scores = [float(t["score"]) for t in scored]
        effects = {name: hyperparameter_effect([(t.get("hyperparameters") or {}).get(name) for t in scored], scores)
                   for name in varying}
        # Strongest effect first: what mattered is what the user sees first.
        varying.sort(key=lambda n: -(effects[n] if effects[n] is not None else -1.0))
        self._effects = effects
        rows = math.ceil(len(varying) / MAX_SCATTER_COLUMNS)
        self._graphics.setMinimumHeight(max(200, rows * MIN_SCATTER_ROW_HEIGHT))
        brushes = {sid: pg.mkBrush(TRIAL_COLORS[i % len(TRIAL_COLORS)]) for i, sid in enumerate(search_ids)}
        for index, name in enumerate(varying):
            plot = self._graphics.addPlot(row=index // MAX_SCATTER_COLUMNS, col=index % MAX_SCATTER_COLUMNS)
            self._style_plot(plot, name, effects[name], objective, c)
            spots = self._spots(plot, [(t.get("hyperparameters") or {}).get(name) for t in scored], scored, rng)
            scatter = pg.ScatterPlotItem(hoverable=True, tip=None, size=9)
            scatter.addPoints([{
                "pos": (x, float(trial["score"])),
                "brush": brushes[trial.get("search_id")],
                "pen": pg.mkPen(None),
                "data": trial_label(trial, with_search=len(search_ids) > 1),
            } for x, trial in spots])
            scatter.sigHovered.connect(lambda item, points, ev, p=plot: self._on_hover(p, points))
            plot.addItem(scatter)
            self._plots[name] = plot
            self._points[name] = [(x, float(t["score"])) for x, t in spots]

    def _caption_text(self, scored: list[dict], objective: str, fixed: list[str], search_ids: list) -> str:
        text = self.tr("{objective} of {count} completed trial(s) against each hyperparameter that varied, "
                       "largest effect first (effect: the share of the score's variation explained by the "
                       "hyperparameter, 0 to 1, corrected for chance).").format(
                           objective=objective, count=len(scored))
        if fixed:
            text += " " + self.tr("Same in every trial: {names}.").format(names=", ".join(fixed))
        if len(search_ids) > 1:
            names = {t.get("search_id"): t.get("search_name") or t.get("search_id") for t in scored}
            text = text.replace("&", "&amp;").replace("<", "&lt;") + "<br>" + " &nbsp; ".join(
                f"<span style='color:{TRIAL_COLORS[i % len(TRIAL_COLORS)]}'>●</span> "
                f"{str(names[s]).replace('&', '&amp;').replace('<', '&lt;')}" for i, s in enumerate(search_ids))
        return text

    def _style_plot(self, plot: pg.PlotItem, name: str, strength: float | None, objective: str, c) -> None:
        title = (html.escape(str(name)) if strength is None
                 else f"{html.escape(str(name))} &nbsp;<small>{self.tr('effect')} {strength:.2f}</small>")
        plot.setTitle(title, color=c.foreground.name(), size="9pt")
        plot.setLabel("left", objective)
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.setMouseEnabled(x=False, y=False)
        for axis in ("left", "bottom"):
            plot.getAxis(axis).setTextPen(c.foreground)
            plot.getAxis(axis).setPen(c.foreground)

    def _spots(self, plot: pg.PlotItem, values: list, scored: list[dict], rng: random.Random) -> list:
        """(x, trial) for each trial: many numbers on a (log) axis, few values as jittered columns."""
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        distinct = {json_key(v) for v in values}
        spots = []
        if numeric and len(distinct) > MAX_CATEGORIES:
            positive = [float(v) for v in values if v > 0]
            use_log = len(positive) == len(values) and max(positive) / min(positive) >= 20
            for trial, value in zip(scored, values):
                spots.append((math.log10(value) if use_log else float(value), trial))
            if use_log:
                low, high = math.floor(min(x for x, _ in spots)), math.ceil(max(x for x, _ in spots))
                plot.getAxis("bottom").setTicks([[(e, f"1e{e}") for e in range(low, high + 1)]])
                plot.setLabel("bottom", self.tr("log scale"))
            return spots
        # Few values (categories, booleans, or numbers like depth 1-3): one column each,
        # jittered so trials with the same value and score stay visible.
        if numeric:
            categories = [format_value(v) for v in sorted({v for v in values})]
        else:
            categories = sorted({format_value(v) for v in values}, key=str)
        for trial, value in zip(scored, values):
            spots.append((categories.index(format_value(value)) + rng.uniform(-0.15, 0.15), trial))
        plot.getAxis("bottom").setTicks([list(enumerate(categories))])
        plot.setXRange(-0.5, len(categories) - 0.5, padding=0)
        return spots

    def _on_hover(self, plot: pg.PlotItem, points) -> None:
        if len(points):
            point = points[0]
            plot.vb.setToolTip(f"{point.data()}: {point.pos().y():.4f}")
        else:
            plot.vb.setToolTip("")


# --------------------------------------------------------------------------- the view
