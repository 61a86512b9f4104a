"""Live training curves of a search.

Three pyqtgraph plots in one ``GraphicsLayoutWidget``:

* loss of the shown trial, train and validation per epoch, plus a thin live batch-loss line;
* accuracy of the shown trial, train and validation per epoch;
* every trial's objective (e.g. ``val_accuracy``) overlaid faintly, the best trial highlighted
  and the shown trial drawn on top.

Above them a line of text and a progress bar follow the running epoch batch by batch.

Events only update plain Python state and mark what changed; a single-shot ``QTimer`` redraws
at most ``REDRAW_INTERVAL_MS`` apart, so a burst of events costs one redraw. Every curve is
created once and refreshed with ``setData``. The faint overlay of all trials is a *single*
``PlotDataItem`` whose ``connect`` array breaks the line between trials: one path for 100 trials
instead of 100 items, which is what keeps 100 trials x 100 epochs cheap to redraw.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from app.core.events import SearchListener, dispatch
from app.core.formatting import format_score
from app.core.search_state import best_trial, finite_or_none, lower_is_better, normalize_status, settle_status
from app.gui import core_text, theme

REDRAW_INTERVAL_MS = 100  # 10 Hz looks live and leaves the CPU to training
# Batch events alone redraw at most once a second: each repaint of the plots costs 20-60 ms of
# the GUI thread on a busy machine (axis text), and batch progress needs no more than 1 Hz.
BATCH_REDRAW_INTERVAL_MS = 1000

MAX_EPOCHS_WITH_DOTS = 40
_SYMBOL_CURVES = ("loss", "val_loss", "accuracy", "val_accuracy", "best", "selected")

# Curve names accepted by ``CurvesPanel.curve_data``.
CURVE_NAMES = ("loss", "val_loss", "accuracy", "val_accuracy", "batch_loss",
               "overlay", "best", "selected")


class _Series:
    """x/y samples in preallocated numpy buffers that double when full.

    pyqtgraph's own scrolling-plot idiom: appending is O(1) amortised and ``data()`` hands
    ``setData`` views, so no list is converted on each redraw.
    """

    def __init__(self, capacity: int = 256) -> None:
        self._x = np.empty(capacity)
        self._y = np.empty(capacity)
        self._n = 0
        self.generation = 0  # changes on clear(), so a redraw can tell old data from new

    def append(self, x: float, y: float) -> None:
        if self._n == len(self._x):
            self._x = np.concatenate([self._x, np.empty(len(self._x))])
            self._y = np.concatenate([self._y, np.empty(len(self._y))])
        self._x[self._n] = x
        self._y[self._n] = y
        self._n += 1

    def clear(self) -> None:
        # Fresh buffers: a curve may still hold a view of the old ones until its next setData.
        self._x = np.empty(256)
        self._y = np.empty(256)
        self._n = 0
        self.generation += 1

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x[:self._n], self._y[:self._n]

    def __len__(self) -> int:
        return self._n


@dataclass
class _Trial:
    """What the panel knows about one trial: per-epoch metrics aligned on ``epochs``."""

    trial_id: str
    number: int | None = None
    status: str = "RUNNING"
    score: float | None = None
    planned_epochs: int | None = None
    epochs: list[int] = field(default_factory=list)  # 1-based: epoch 0 ends at x = 1
    metrics: dict[str, list[float]] = field(default_factory=dict)
    version: int = 0  # bumped on every data change; redraws skip curves whose version is drawn

    def add_epoch(self, epoch: int, logs: dict) -> None:
        x = int(epoch) + 1
        if self.epochs and x <= self.epochs[-1]:
            # A second execution of the trial restarts at epoch 0: show the newest run.
            self.epochs.clear()
            self.metrics.clear()
        self.version += 1
        self.epochs.append(x)
        for key in logs:
            self.metrics.setdefault(key, [math.nan] * (len(self.epochs) - 1))
        for key, values in self.metrics.items():
            values.append(_number(logs.get(key)))

    def set_history(self, history: dict) -> None:
        lengths = [len(v) for v in history.values() if isinstance(v, (list, tuple))]
        n = max(lengths, default=0)
        self.version += 1
        self.epochs = list(range(1, n + 1))
        self.metrics = {}
        for key, values in history.items():
            if isinstance(values, (list, tuple)):
                padded = [_number(v) for v in values] + [math.nan] * (n - len(values))
                self.metrics[str(key)] = padded

    def series(self, metric: str, finite_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
        values = self.metrics.get(metric)
        if not values:
            return np.empty(0), np.empty(0)
        x = np.asarray(self.epochs, dtype=float)
        y = np.asarray(values, dtype=float)
        if finite_only:
            keep = np.isfinite(y)
            return x[keep], y[keep]
        return x, y

    @property
    def label(self) -> str:
        # The runner numbers trials from 1; 0 or None means it could not (odd trial ids).
        return QCoreApplication.translate("CurvesPanel", "trial {n}").format(n=self.number or self.trial_id)


def _number(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


class CurvesPanel(QWidget, SearchListener):
    """Loss and accuracy curves of one trial, and the objective of every trial."""

    trialClicked = Signal(str)
    """A trial's line in the all-trials plot was clicked (its trial id)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("curvesPlot")
        self._trials: dict[str, _Trial] = {}
        self._objective = "val_accuracy"
        self._max_trials: int | None = None
        self._running_id: str | None = None
        self._pinned_id: str | None = None
        self._best_id: str | None = None
        self._last_ended_id: str | None = None
        self._batch = _Series()
        self._progress: dict = {}
        self._search_state = ""
        self._overview_ids: list[str] = []
        self._drawn: dict[object, object] = {}  # what each curve/label shows now, to skip no-ops
        self._dirty = False

        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(REDRAW_INTERVAL_MS)
        self._redraw_timer.timeout.connect(self.flush)

        self._status_label = QLabel(self.tr("No search running."))
        self._status_label.setObjectName("curvesStatus")
        self._status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._batch_bar = QProgressBar()
        self._batch_bar.setObjectName("batchProgress")
        self._batch_bar.setMinimumWidth(150)
        self._batch_bar.setMaximumWidth(260)
        self._batch_bar.setTextVisible(True)
        self._batch_bar.setRange(0, 1)
        self._batch_bar.setValue(0)
        self._batch_bar.setFormat(self.tr("idle"))
        self._batch_bar.setToolTip(self.tr("Batches done in the running epoch"))

        self._graphics = pg.GraphicsLayoutWidget()
        self._graphics.setMinimumSize(320, 260)
        self._graphics.setAccessibleName(self.tr("Training curves"))
        self._graphics.setAccessibleDescription(self.tr(
            "Loss and accuracy per epoch of the shown trial, and every trial's objective"))
        self._loss_plot = self._graphics.addPlot(row=0, col=0)
        self._accuracy_plot = self._graphics.addPlot(row=0, col=1)
        self._overview_plot = self._graphics.addPlot(row=1, col=0, colspan=2)
        for plot in (self._loss_plot, self._accuracy_plot, self._overview_plot):
            # Horizontal grid lines on major ticks only: a full grid with minor levels tripled
            # the paint time (bench/plot_update.py) for little reading benefit.
            plot.showGrid(x=False, y=True, alpha=0.15)
            plot.getAxis("left").setStyle(maxTickLevel=0)
            plot.setLabel("bottom", self.tr("epoch"))
            plot.setMenuEnabled(True)
        # Loss and accuracy of one trial share their epoch axis.
        self._accuracy_plot.setXLink(self._loss_plot)
        self._accuracy_plot.setYRange(0.0, 1.0, padding=0.02)
        self._accuracy_plot.enableAutoRange(axis="y", enable=False)

        c = theme.colors(self.palette())
        self._curves: dict[str, pg.PlotDataItem] = {}
        # Loss and accuracy name their lines in the title (see _series_title): a legend box
        # would cover the data of short runs, which fill the whole plot.
        self._overview_legend = self._overview_plot.addLegend(offset=(-10, -10),
                                                              labelTextSize="8pt")
        # The batch line grows without bound during long epochs: clip and peak-downsample it.
        self._curves["batch_loss"] = self._loss_plot.plot(
            antialias=False, clipToView=True,
            autoDownsample=True, downsampleMethod="peak")
        for plot, metric in ((self._loss_plot, "loss"), (self._loss_plot, "val_loss"),
                             (self._accuracy_plot, "accuracy"),
                             (self._accuracy_plot, "val_accuracy")):
            # Symbols keep a 1-epoch trial visible: a single point draws no line.
            self._curves[metric] = plot.plot(antialias=False, symbol="o", symbolSize=5)
        # Concatenated trials are not sorted by x, so clip-to-view (which bisects x) stays off.
        self._curves["overlay"] = self._overview_plot.plot(name=self.tr("other trials"),
                                                           antialias=False, clipToView=False)
        self._curves["best"] = self._overview_plot.plot(name=self.tr("best"), antialias=False,
                                                        symbol="o", symbolSize=4)
        self._curves["selected"] = self._overview_plot.plot(name=self.tr("shown"), antialias=False,
                                                            symbol="o", symbolSize=4)
        self._best_marker = pg.ScatterPlotItem(size=14, symbol="star")
        self._overview_plot.addItem(self._best_marker)
        self._overview_plot.scene().sigMouseClicked.connect(self._on_scene_clicked)
        # Hover names the trial under the mouse; at most 20 look-ups a second.
        self._hover_proxy = pg.SignalProxy(self._overview_plot.scene().sigMouseMoved,
                                           rateLimit=20, slot=self._on_mouse_moved)
        self._apply_theme(c)

        header = QHBoxLayout()
        header.setContentsMargins(4, 2, 4, 2)
        header.addWidget(self._status_label, 1)
        header.addWidget(self._batch_bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self._graphics, 1)
        self._mark_dirty()
        self.flush()

    # ------------------------------------------------------------------ public API

    def handle_event(self, event: dict) -> None:
        """Take one event of ``app/core/events.py``; the plots catch up on the next redraw."""
        dispatch(event, self)

    def reset(self) -> None:
        """Forget every trial and clear the plots."""
        self._trials.clear()
        self._running_id = self._pinned_id = self._best_id = self._last_ended_id = None
        self._max_trials = None
        self._batch.clear()
        self._progress = {}
        self._search_state = ""
        self._drawn.clear()
        self._mark_dirty()
        self.flush()

    def show_trial(self, trial_id: str | None) -> bool:
        """Show one trial's loss and accuracy; None (or the running trial) follows the live one.

        Returns False, changing nothing, for a trial the panel does not know.
        """
        if trial_id is not None and str(trial_id) not in self._trials:
            return False
        trial_id = None if trial_id is None else str(trial_id)
        self._pinned_id = None if trial_id == self._running_id else trial_id
        self._mark_dirty()
        self.flush()  # a click deserves an immediate answer
        return True

    def load_trials(self, trials: list[dict], objective: str | None = None) -> None:
        """Show stored trials (each with trial_id, status, score, history {metric: [values]})."""
        self.reset()
        if objective:
            self._objective = objective
        for summary in trials or []:
            if not isinstance(summary, dict) or summary.get("trial_id") is None:
                continue
            trial = self._trial(summary["trial_id"])
            trial.number = summary.get("number", trial.number)
            trial.status = normalize_status(summary.get("status"))
            trial.score = finite_or_none(summary.get("score"))
            if isinstance(summary.get("history"), dict):
                trial.set_history(summary["history"])
        self._recompute_best()
        self._pinned_id = self._best_id or (next(reversed(self._trials)) if self._trials else None)
        self._search_state = (self.tr("{count} stored trial(s)").format(count=len(self._trials))
                              if self._trials else self.tr("No stored trials."))
        self._mark_dirty()
        self.flush()

    def flush(self) -> None:
        """Redraw now whatever changed since the last redraw."""
        self._redraw_timer.stop()
        if not self._dirty:
            return
        self._dirty = False
        self._redraw()

    def redraw_everything(self) -> None:
        """Redraw every curve from scratch now (after a palette change; for benchmarks)."""
        self._drawn.clear()
        self._mark_dirty()
        self.flush()

    def redraw_pending(self) -> bool:
        """True while changes wait for the throttled redraw."""
        return self._dirty

    def curve_data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The (x, y) a curve currently draws (pending changes are drawn first). For tests."""
        if name not in self._curves:
            raise KeyError(f"unknown curve {name!r}; known: {', '.join(CURVE_NAMES)}")
        self.flush()
        item = self._curves[name]
        x = item.xData if item.xData is not None else np.empty(0)
        y = item.yData if item.yData is not None else np.empty(0)
        return np.asarray(x), np.asarray(y)

    def trial_curve_count(self) -> int:
        """How many trials have a line in the all-trials plot."""
        self.flush()
        return len(self._overview_ids)

    def best_trial_id(self) -> str | None:
        return self._best_id

    def displayed_trial_id(self) -> str | None:
        """The trial whose loss and accuracy are on screen."""
        return self._displayed_id()

    def objective(self) -> str:
        return self._objective

    def status_text(self) -> str:
        self.flush()
        return self._status_label.text()

    # ------------------------------------------------------------------ events

    def on_search_started(self, event: dict) -> None:
        self._mark_dirty()
        self.reset()
        config = event.get("config") if isinstance(event.get("config"), dict) else {}
        self._objective = str(config.get("objective") or "val_accuracy")
        self._max_trials = event.get("max_trials")
        self._search_state = self.tr("Search started")

    def on_trial_started(self, event: dict) -> None:
        self._mark_dirty()
        trial = self._trial(event.get("trial_id"))
        trial.number = event.get("number", trial.number)
        trial.status = "RUNNING"
        trial.score = None
        self._running_id = trial.trial_id
        self._batch.clear()
        self._progress = {}

    def on_batch_ended(self, event: dict) -> None:
        self._mark_dirty(BATCH_REDRAW_INTERVAL_MS)
        trial_id = str(event.get("trial_id"))
        if trial_id != self._running_id:
            self.on_trial_started({"trial_id": trial_id})
        epoch = _int(event.get("epoch"))
        batch = _int(event.get("batch"))
        steps = max(1, _int(event.get("steps"), 1))
        logs = event.get("logs") if isinstance(event.get("logs"), dict) else {}
        loss = _number(logs.get("loss"))
        x = epoch + min(batch + 1, steps) / steps
        if len(self._batch) and x < self._batch.data()[0][-1]:
            self._batch.clear()  # a new execution of the same trial
        if math.isfinite(loss):
            self._batch.append(x, loss)
        self._progress = {"epoch": epoch, "batch": batch, "steps": steps, "loss": loss}

    def on_epoch_ended(self, event: dict) -> None:
        self._mark_dirty()
        trial = self._trial(event.get("trial_id"))
        if trial.trial_id != self._running_id and trial.status == "RUNNING":
            self._running_id = trial.trial_id
        logs = event.get("logs") if isinstance(event.get("logs"), dict) else {}
        trial.add_epoch(_int(event.get("epoch")), logs)
        planned = event.get("epochs")
        if isinstance(planned, int) and planned > 0:
            trial.planned_epochs = planned

    def on_trial_ended(self, event: dict) -> None:
        self._mark_dirty()
        trial = self._trial(event.get("trial_id"))
        trial.number = event.get("number", trial.number)
        trial.status = normalize_status(event.get("status"))
        trial.score = finite_or_none(event.get("score"))
        history = event.get("history")
        # The final history is authoritative when live epochs were missed (throttled, resumed).
        if isinstance(history, dict) and history:
            longest = max((len(v) for v in history.values() if isinstance(v, list)), default=0)
            if longest > len(trial.epochs):
                trial.set_history(history)
        if trial.trial_id == self._running_id:
            self._running_id = None
        # Until the next trial starts, the one that just ended stays on screen.
        self._last_ended_id = trial.trial_id
        self._recompute_best()

    def on_search_finished(self, event: dict) -> None:
        self._mark_dirty()
        for summary in event.get("trials") or []:
            if isinstance(summary, dict) and summary.get("trial_id") is not None:
                trial = self._trial(summary["trial_id"])
                trial.status = normalize_status(summary.get("status") or trial.status)
                trial.score = finite_or_none(summary.get("score", trial.score))
                if not trial.epochs and isinstance(summary.get("history"), dict):
                    trial.set_history(summary["history"])
        status = str(event.get("status") or "completed")
        for trial in self._trials.values():
            trial.status = settle_status(trial.status)
        self._running_id = None
        self._recompute_best()
        best = event.get("best_trial_id")
        if best is not None and str(best) in self._trials:
            self._best_id = str(best)
        self._search_state = {
            "completed": self.tr("Search completed"),
            "cancelled": self.tr("Search cancelled"),
            "failed": self.tr("Search failed"),
        }.get(status, self.tr("Search ended"))

    # ------------------------------------------------------------------ state helpers

    def _trial(self, trial_id) -> _Trial:
        trial_id = str(trial_id)
        trial = self._trials.get(trial_id)
        if trial is None:
            trial = self._trials[trial_id] = _Trial(trial_id)
        return trial

    def _displayed_id(self) -> str | None:
        if self._pinned_id is not None:
            return self._pinned_id
        if self._running_id is not None:
            return self._running_id
        if self._last_ended_id in self._trials:
            return self._last_ended_id
        return next(reversed(self._trials)) if self._trials else None

    def _recompute_best(self) -> None:
        best = best_trial(({"trial_id": t.trial_id, "status": t.status, "score": t.score}
                           for t in self._trials.values()), self._objective)
        self._best_id = best["trial_id"] if best else None

    def _mark_dirty(self, interval_ms: int | None = None) -> None:
        self._dirty = True
        interval_ms = REDRAW_INTERVAL_MS if interval_ms is None else interval_ms
        timer = self._redraw_timer
        if not timer.isActive():
            timer.start(interval_ms)
        elif timer.interval() > interval_ms:
            # An epoch or trial event brings forward a redraw that batch events scheduled for later
            # (compared by interval: remainingTime() of a coarse timer can exceed its interval).
            timer.start(min(interval_ms, max(timer.remainingTime(), 0)))

    # ------------------------------------------------------------------ drawing

    def _redraw(self) -> None:
        shown = self._trials.get(self._displayed_id() or "")
        live = shown is not None and shown.trial_id == self._running_id
        shown_key = (shown.trial_id, shown.version) if shown else None
        for metric in ("loss", "val_loss", "accuracy", "val_accuracy"):
            self._set_curve(metric, shown_key,
                            (lambda m=metric: shown.series(m)) if shown else None)
        if live:
            self._set_curve("batch_loss", (shown.trial_id, self._batch.generation, len(self._batch)),
                            self._batch.data)
        else:
            self._set_curve("batch_loss", None, None)
        self._fit_epoch_axis(shown, live)
        self._set_title(self._loss_plot, self._series_title(self.tr("Loss"), shown, live))
        self._set_title(self._accuracy_plot, self._series_title(self.tr("Accuracy"), shown, False))
        self._redraw_overview(shown)
        self._redraw_header(shown)

    def _series_title(self, what: str, shown: _Trial | None, with_batch: bool) -> str:
        """'Loss — trial 3  ━ train ━ validation': the title doubles as the legend."""
        c = self._colors
        title = f"{what} \u2014 {shown.label}" if shown else what
        keys = [(c.train, self.tr("train")), (c.validation, self.tr("validation"))]
        if with_batch:
            keys.append((c.batch, self.tr("batch")))
        swatches = "&nbsp;&nbsp;".join(
            f"<span style='color:{color.name()}'>\u2501&nbsp;{html.escape(name)}</span>"
            for color, name in keys)
        return f"{html.escape(title)}&nbsp;&nbsp;&nbsp;<span style='font-size:8pt'>{swatches}</span>"

    def _fit_epoch_axis(self, shown: _Trial | None, live: bool) -> None:
        """Frame the shown trial's planned epochs, so a live curve grows into a steady plot.

        Only reframes when the trial or its length changes, leaving the user's zoom alone.
        """
        if shown is None:
            return
        last = shown.epochs[-1] if shown.epochs else 0
        planned = shown.planned_epochs if live else None
        right = max(planned or 0, last, 1)
        key = (shown.trial_id, right)
        if self._drawn.get("epoch_axis") == key:
            return
        self._drawn["epoch_axis"] = key
        self._loss_plot.enableAutoRange(axis="x", enable=False)
        self._loss_plot.setXRange(0.0 if live else 0.5, right + 0.5, padding=0.0)
        for plot in (self._loss_plot, self._accuracy_plot):
            _whole_epoch_ticks(plot, right)

    def _redraw_overview(self, shown: _Trial | None) -> None:
        objective = self._objective
        best = self._trials.get(self._best_id or "")
        special = {t.trial_id for t in (best, shown) if t is not None}
        overlay_trials, ids = [], []
        for trial in self._trials.values():
            if objective not in trial.metrics:
                continue
            ids.append(trial.trial_id)
            if trial.trial_id not in special:
                overlay_trials.append(trial)
        overlay_key = (objective, tuple((t.trial_id, t.version) for t in overlay_trials))
        if self._drawn.get("overlay") != overlay_key:
            self._drawn["overlay"] = overlay_key
            xs, ys, connects = [], [], []
            for trial in overlay_trials:
                x, y = trial.series(objective, finite_only=True)
                if not len(x):
                    continue
                connect = np.ones(len(x), dtype=np.int32)
                connect[-1] = 0  # no line from this trial's last epoch to the next trial's first
                xs.append(x)
                ys.append(y)
                connects.append(connect)
            overlay = self._curves["overlay"]
            if xs:
                overlay.setData(np.concatenate(xs), np.concatenate(ys),
                                connect=np.concatenate(connects), skipFiniteCheck=True)
            else:
                overlay.setData(np.empty(0), np.empty(0))
        self._overview_ids = [tid for tid in ids if self._has_points(self._trials[tid])]
        longest = max((len(self._trials[tid].epochs) for tid in ids), default=0)
        if self._drawn.get("overview_epochs") != longest:
            self._drawn["overview_epochs"] = longest
            _whole_epoch_ticks(self._overview_plot, longest)

        if best is not None:
            best_key = (objective, best.trial_id, best.version)
            if self._drawn.get("best") != best_key:
                bx, by = best.series(objective, finite_only=True)
                if len(by):
                    i = int(np.argmin(by) if lower_is_better(objective) else np.argmax(by))
                    self._best_marker.setData([bx[i]], [by[i]])
                else:
                    self._best_marker.setData([], [])
            self._set_curve("best", best_key, lambda: best.series(objective, finite_only=True))
            best_name = self.tr("best: {trial} ({score})").format(
                trial=best.label, score=format_score(best.score))
        else:
            if self._drawn.get("best") is not None:
                self._best_marker.setData([], [])
            self._set_curve("best", None, None)
            best_name = self.tr("best")
        self._set_legend_text(self._overview_legend, self._curves["best"], best_name)

        if shown is not None and shown is not best:
            self._set_curve("selected", (objective, shown.trial_id, shown.version),
                            lambda: shown.series(objective, finite_only=True))
            state = self.tr("running") if shown.trial_id == self._running_id else self.tr("shown")
            self._set_legend_text(self._overview_legend, self._curves["selected"],
                                  f"{shown.label} ({state})")
        else:
            self._set_curve("selected", None, None)
        if self._drawn.get("objective") != objective:
            self._drawn["objective"] = objective
            direction = self.tr("lower is better") if lower_is_better(objective) else self.tr(
                "higher is better")
            self._set_title(self._overview_plot, self.tr(
                "All trials \u2014 {objective} ({direction})").format(
                    objective=objective, direction=direction))
            self._overview_plot.setLabel("left", objective)
            # Legend where curves rarely go: low for accuracies, high for losses.
            corner = (-10, 10) if lower_is_better(objective) else (-10, -10)
            self._overview_legend.setOffset(corner)
            if "accuracy" in objective:
                self._overview_plot.setYRange(0.0, 1.0, padding=0.02)
                self._overview_plot.enableAutoRange(axis="y", enable=False)
            else:
                self._overview_plot.enableAutoRange(axis="y", enable=True)

    def _redraw_header(self, shown: _Trial | None) -> None:
        running = self._trials.get(self._running_id or "")
        if running is not None:
            total = f"/{self._max_trials}" if isinstance(self._max_trials, int) else ""
            parts = [self.tr("Trial {n}{total} running").format(
                n=running.number or running.trial_id,
                total=total)]
            p = self._progress
            if p:
                planned = running.planned_epochs
                epoch_text = f"{p['epoch'] + 1}/{planned}" if planned else str(p["epoch"] + 1)
                parts.append(self.tr("epoch {e}").format(e=epoch_text))
                if math.isfinite(p.get("loss", math.nan)):
                    parts.append(self.tr("batch loss {loss:.4f}").format(loss=p["loss"]))
                self._batch_bar.setRange(0, p["steps"])
                self._batch_bar.setValue(min(p["batch"] + 1, p["steps"]))
                self._batch_bar.setFormat(self.tr("batch %v/%m"))
            else:
                self._batch_bar.setRange(0, 0)  # busy indicator until the first batch
                self._batch_bar.setFormat(self.tr("starting"))
            if shown is not None and shown is not running:
                parts.append(self.tr("showing {trial}").format(trial=shown.label))
            text = " \u00b7 ".join(parts)
        else:
            self._batch_bar.setRange(0, 1)
            self._batch_bar.setValue(0)
            if not self._trials:
                text = self._search_state or self.tr("No search running.")
            else:
                parts = [self._search_state] if self._search_state else []
                best = self._trials.get(self._best_id or "")
                if best is not None:
                    parts.append(self.tr("best {trial}: {objective} {score}").format(
                        trial=best.label, objective=self._objective,
                        score=format_score(best.score)))
                if shown is not None:
                    parts.append(self.tr("showing {trial} ({status})").format(
                        trial=shown.label, status=core_text.status_word(shown.status)))
                text = " \u00b7 ".join(parts)
        self._status_label.setText(text)
        self._batch_bar.setVisible(running is not None)

    def _set_curve(self, name: str, key, data) -> None:
        """Give a curve new data unless ``key`` says it already shows it.

        ``data`` is a callable returning (x, y), or None for an empty curve.
        """
        if key is not None and self._drawn.get(name) == key:
            return
        if key is None and name in self._drawn and self._drawn[name] is None:
            return
        self._drawn[name] = key
        x, y = data() if data is not None else (np.empty(0), np.empty(0))
        item = self._curves[name]
        if item.opts.get("symbol") is not None or name in _SYMBOL_CURVES:
            # Dots mark the epochs of short runs (a 1-epoch run draws no line at all);
            # on long runs they only cost paint time.
            symbol = "o" if len(x) <= MAX_EPOCHS_WITH_DOTS else None
            if item.opts.get("symbol") != symbol:
                item.setSymbol(symbol)
        finite = bool(len(y) == 0 or np.isfinite(y).all())
        item.setData(x, y, skipFiniteCheck=finite, connect="all" if finite else "finite")

    def _has_points(self, trial: _Trial) -> bool:
        """Whether the trial has a finite objective value to draw (cached per data version)."""
        key = ("points", trial.trial_id)
        cached = self._drawn.get(key)
        if cached is not None and cached[:2] == (trial.version, self._objective):
            return cached[2]
        has = bool(np.isfinite(trial.series(self._objective)[1]).any())
        self._drawn[key] = (trial.version, self._objective, has)
        return has

    def _set_title(self, plot: pg.PlotItem, text: str) -> None:
        key = ("title", id(plot))
        if self._drawn.get(key) != text:
            self._drawn[key] = text
            plot.setTitle(text, color=self._colors.foreground, size="10pt")

    @staticmethod
    def _set_legend_text(legend: pg.LegendItem, item: pg.PlotDataItem, text: str) -> None:
        label = legend.getLabel(item)
        if label is not None and label.text != text:
            label.setText(text)

    # ------------------------------------------------------------------ look

    def _apply_theme(self, c: theme.Colors) -> None:
        self._colors = c
        self._graphics.setBackground(c.background)
        for plot in (self._loss_plot, self._accuracy_plot, self._overview_plot):
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setPen(pg.mkPen(c.foreground))
                axis.setTextPen(pg.mkPen(c.foreground))
        legend = self._overview_legend
        legend.setLabelTextColor(c.foreground)
        self._refresh_legend_colors(legend)
        legend.setZValue(100)  # above the curves, so its backdrop keeps the text readable
        fill = pg.mkColor(c.background)
        fill.setAlpha(200)
        legend.setBrush(pg.mkBrush(fill))
        styles = {
            "loss": (c.train, 2.0, Qt.PenStyle.SolidLine),
            "val_loss": (c.validation, 2.0, Qt.PenStyle.SolidLine),
            "accuracy": (c.train, 2.0, Qt.PenStyle.SolidLine),
            "val_accuracy": (c.validation, 2.0, Qt.PenStyle.SolidLine),
            "batch_loss": (c.batch, 1.0, Qt.PenStyle.SolidLine),
            "overlay": (c.overlay, 1.0, Qt.PenStyle.SolidLine),
            "best": (c.best, 2.5, Qt.PenStyle.SolidLine),
            "selected": (c.selected, 2.0, Qt.PenStyle.SolidLine),
        }
        for name, (color, width, style) in styles.items():
            item = self._curves[name]
            item.setPen(pg.mkPen(color, width=width, style=style))
            if item.opts.get("symbol"):
                item.setSymbolPen(pg.mkPen(color))
                item.setSymbolBrush(pg.mkBrush(color))
        self._best_marker.setPen(pg.mkPen(c.foreground, width=0.8))
        self._best_marker.setBrush(pg.mkBrush(c.best))

    @staticmethod
    def _refresh_legend_colors(legend: pg.LegendItem) -> None:
        for _sample, label in legend.items:
            label.setText(label.text, color=legend.opts["labelTextColor"])

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_theme(theme.colors(self.palette()))
            self._drawn.clear()  # titles carry the text colour
            self._mark_dirty()
        super().changeEvent(event)

    def _on_scene_clicked(self, mouse_event) -> None:
        trial_id = self._trial_near(mouse_event.scenePos())
        if trial_id is not None:
            self.trialClicked.emit(trial_id)

    def _on_mouse_moved(self, args) -> None:
        """Name the trial under the mouse in the all-trials plot (rate-limited by SignalProxy)."""
        scene_pos = args[0]
        trial_id = self._trial_near(scene_pos)
        if trial_id is None:
            self._graphics.setToolTip("")
            return
        trial = self._trials[trial_id]
        score = format_score(trial.score) if trial.score is not None else core_text.status_word(trial.status)
        best = self.tr(" (best)") if trial_id == self._best_id else ""
        self._graphics.setToolTip(self.tr("{trial}{best}: {objective} {score}\nclick to select")
                                  .format(trial=trial.label, best=best,
                                          objective=self._objective, score=score))

    def _trial_near(self, scene_pos, max_pixels: float = 8.0) -> str | None:
        """The trial whose line in the all-trials plot passes within a few pixels of a point."""
        view = self._overview_plot.vb
        if not view.sceneBoundingRect().contains(scene_pos):
            return None
        point = view.mapSceneToView(scene_pos)
        x_per_px, y_per_px = view.viewPixelSize()
        if not (x_per_px and y_per_px):
            return None
        nearest, nearest_distance = None, max_pixels
        for trial_id in self._overview_ids:
            x, y = self._trials[trial_id].series(self._objective, finite_only=True)
            if not len(x):
                continue
            distance = np.hypot((x - point.x()) / x_per_px, (y - point.y()) / y_per_px).min()
            if x[0] <= point.x() <= x[-1]:
                # Between epochs, measure to the line itself, not only to its points.
                on_line = abs(np.interp(point.x(), x, y) - point.y()) / y_per_px
                distance = min(distance, on_line)
            if distance < nearest_distance:
                nearest, nearest_distance = trial_id, float(distance)
        return nearest

def _whole_epoch_ticks(plot: pg.PlotItem, epochs: int) -> None:
    """Tick every epoch on short runs (pyqtgraph would label 1.5); automatic ticks on long ones."""
    axis = plot.getAxis("bottom")
    if epochs <= 20:
        step = 1 if epochs <= 12 else 2
        axis.setTickSpacing(major=step, minor=step)
    else:
        axis.setTickSpacing()


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
