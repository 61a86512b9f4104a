"""Live training curves of a search: what to show, and when to redraw it.

The panel draws the search's :class:`~app.core.search.search_state.SearchState` (the window's search
model's once attached, see ``app/gui/widgets/state_panel.py``): trial status, best and running trial and
each trial's history come from there. The panel itself only keeps what is about its view: the
trial pinned by a click, the live batch-loss line, and what the plots already show.

The plots are ``app/gui/training/curve_plots.py``; above them ``app/gui/training/curves_header.py`` follows the
running epoch batch by batch. Events only mark what changed; a single-shot ``QTimer`` redraws at
most ``REDRAW_INTERVAL_MS`` apart, so a burst of events costs one redraw, and every curve is
created once and refreshed with ``setData``.
"""
from __future__ import annotations

import html
import math

import numpy as np
from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.core.util.formatting import format_clock, format_score
from app.core.search.search_state import TrialState, lower_is_better
from app.gui.text import core_text
from app.gui.paint import theme
from app.gui.training.curve_plots import CURVE_NAMES, CurvePlots
from app.gui.training.curve_series import GrowingSeries, epoch_count, number, trial_label, trial_series, whole
from app.gui.training.curves_header import CurvesHeader
from app.gui.widgets.state_panel import StatePanel

REDRAW_INTERVAL_MS = 100  # 10 Hz looks live and leaves the CPU to training
# Batch events alone redraw at most once a second: each repaint of the plots costs 20-60 ms of
# the GUI thread on a busy machine (axis text), and batch progress needs no more than 1 Hz.
BATCH_REDRAW_INTERVAL_MS = 1000


class CurvesPanel(QWidget, StatePanel):
    """Loss and accuracy curves of one trial, and the objective of every trial."""

    trialClicked = Signal(str)
    """A trial's line in the all-trials plot was clicked (its trial id)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("curvesPlot")
        self._init_state()
        self._pinned_id: str | None = None
        self._last_ended_id: str | None = None
        self._stored = False  # showing load_trials' trials rather than a search
        self._stored_title: str | None = None
        self._versions: dict[str, int] = {}  # per trial, bumped when its data changes
        self._batch = GrowingSeries()
        self._batch_trial: str | None = None
        self._progress: dict = {}
        self._overview_ids: list[str] = []
        self._has_points_cache: dict[str, tuple] = {}
        self._dirty = False

        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(REDRAW_INTERVAL_MS)
        self._redraw_timer.timeout.connect(self.flush)

        self.header = CurvesHeader()
        self.plots = CurvePlots(
            {"epoch": self.tr("epoch"), "other trials": self.tr("other trials"), "best": self.tr("best"),
             "shown": self.tr("shown"), "accessible name": self.tr("Training curves"),
             "accessible description": self.tr(
                 "Loss and accuracy per epoch of the shown trial, and every trial's objective")},
            theme.colors(self.palette()), on_click=self._on_plot_clicked, on_hover=self._on_plot_hovered)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.plots.graphics, 1)
        self._mark_dirty()
        self.flush()

    # ------------------------------------------------------------------ public API

    def show_trial(self, trial_id: str | None) -> bool:
        """Show one trial's loss and accuracy; None (or the running trial) follows the live one.

        Returns False, changing nothing, for a trial the panel does not know.
        """
        if trial_id is not None and str(trial_id) not in self._state.trials:
            return False
        trial_id = None if trial_id is None else str(trial_id)
        self._pinned_id = None if trial_id == self._state.running_id else trial_id
        self._mark_dirty()
        self.flush()  # a click deserves an immediate answer
        return True

    def load_trials(self, trials: list[dict], objective: str | None = None, title: str | None = None) -> None:
        """Show stored trials (each with trial_id, status, score, history {metric: [values]});
        ``title`` replaces "N stored trial(s)" in the header (the Results page shows one of many)."""
        self._load_state(trials, objective)
        self._rebuild_view()
        self._stored = True
        self._stored_title = title
        best = self._state.best_id
        self._pinned_id = best or (next(reversed(self._state.trials)) if self._state.trials else None)
        self.flush()  # stored trials are shown at once, not on the next timer tick

    def flush(self) -> None:
        """Redraw now whatever changed since the last redraw."""
        self._redraw_timer.stop()
        if not self._dirty:
            return
        self._dirty = False
        self._redraw()

    def redraw_everything(self) -> None:
        """Redraw every curve from scratch now (after a palette change; for benchmarks)."""
        self.plots.forget_drawn()
        self._mark_dirty()
        self.flush()

    def redraw_pending(self) -> bool:
        """True while changes wait for the throttled redraw."""
        return self._dirty

    def curve_data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The (x, y) a curve currently draws (pending changes are drawn first). For tests."""
        if name not in CURVE_NAMES:
            raise KeyError(f"unknown curve {name!r}; known: {', '.join(CURVE_NAMES)}")
        self.flush()
        return self.plots.curve_data(name)

    def trial_curve_count(self) -> int:
        """How many trials have a line in the all-trials plot."""
        self.flush()
        return len(self._overview_ids)

    def best_trial_id(self) -> str | None:
        return self._state.best_id

    def displayed_trial_id(self) -> str | None:
        """The trial whose loss and accuracy are on screen."""
        shown = self._shown()
        return shown.trial_id if shown else None

    def objective(self) -> str:
        return self._state.objective

    def status_text(self) -> str:
        self.flush()
        return self.header.text()

    # ------------------------------------------------------------------ events (after the state's)

    def on_stage(self, event: dict) -> None:
        # The header shows the stage (the features' progress, redrawn like a batch's).
        self._mark_dirty(BATCH_REDRAW_INTERVAL_MS if event.get("stage") == "features" else None)

    def on_search_started(self, event: dict) -> None:
        self._rebuild_view()

    def on_trial_started(self, event: dict) -> None:
        self._changed(event.get("trial_id"))
        self._batch.clear()
        self._batch_trial = str(event.get("trial_id"))
        self._progress = {}

    def on_batch_ended(self, event: dict) -> None:
        self._mark_dirty(BATCH_REDRAW_INTERVAL_MS)
        trial_id = str(event.get("trial_id"))
        epoch, batch = whole(event.get("epoch")), whole(event.get("batch"))
        steps = max(1, whole(event.get("steps"), 1))
        logs = event.get("logs") if isinstance(event.get("logs"), dict) else {}
        loss = number(logs.get("loss"))
        x = epoch + min(batch + 1, steps) / steps
        last = self._batch.last_x()
        if trial_id != self._batch_trial or (last is not None and x < last):
            self._batch.clear()  # another trial, or a new execution of the same one
            self._batch_trial = trial_id
        if math.isfinite(loss):
            self._batch.append(x, loss)
        self._progress = {"epoch": epoch, "batch": batch, "steps": steps, "loss": loss}

    def on_epoch_ended(self, event: dict) -> None:
        self._changed(event.get("trial_id"))

    def on_trial_ended(self, event: dict) -> None:
        self._changed(event.get("trial_id"))
        # Until the next trial starts, the one that just ended stays on screen.
        self._last_ended_id = str(event.get("trial_id"))

    def on_search_finished(self, event: dict) -> None:
        for trial_id in self._state.trials:  # statuses settled, final histories taken in
            self._changed(trial_id)

    # ------------------------------------------------------------------ state helpers

    def _rebuild_view(self) -> None:
        """Forget the view (not the state); the next redraw draws the state afresh."""
        self._pinned_id = self._last_ended_id = self._batch_trial = None
        self._stored = False
        self._versions.clear()
        self._has_points_cache.clear()
        self._batch.clear()
        self._progress = {}
        self.plots.forget_drawn()
        self._mark_dirty()

    def _changed(self, trial_id) -> None:
        key = str(trial_id)
        self._versions[key] = self._versions.get(key, 0) + 1
        self._mark_dirty()

    def _version(self, trial: TrialState) -> tuple[str, int]:
        return trial.trial_id, self._versions.get(trial.trial_id, 0)

    def _shown(self) -> TrialState | None:
        trials = self._state.trials
        for trial_id in (self._pinned_id, self._state.running_id, self._last_ended_id):
            if trial_id is not None and trial_id in trials:
                return trials[trial_id]
        return next(reversed(trials.values())) if trials else None

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
        shown = self._shown()
        live = shown is not None and shown.trial_id == self._state.running_id
        shown_key = self._version(shown) if shown else None
        for metric in ("loss", "val_loss", "accuracy", "val_accuracy"):
            self.plots.set_curve(metric, shown_key,
                                 (lambda m=metric: trial_series(shown, m)) if shown else None)
        if live and self._batch_trial == shown.trial_id:
            self.plots.set_curve("batch_loss", (shown.trial_id, self._batch.generation, len(self._batch)),
                                 self._batch.data)
        else:
            self.plots.set_curve("batch_loss", None, None)
        if shown is not None:
            # Frame the planned epochs of a live trial, so its curve grows into a steady plot.
            right = max((shown.epochs_planned or 0) if live else 0, epoch_count(shown), 1)
            self.plots.fit_epoch_axis((shown.trial_id, right), 0.0 if live else 0.5, right)
        self.plots.set_title(self.plots.loss_plot, self._series_title(self.tr("Loss"), shown, live))
        self.plots.set_title(self.plots.accuracy_plot, self._series_title(self.tr("Accuracy"), shown, False))
        self._redraw_overview(shown)
        self._redraw_header(shown)

    def _series_title(self, what: str, shown: TrialState | None, with_batch: bool) -> str:
        """'Loss — trial 3  ━ train ━ validation': the title doubles as the legend."""
        c = self.plots.colors
        title = f"{what} \u2014 {trial_label(shown)}" if shown else what
        keys = [(c.train, self.tr("train")), (c.validation, self.tr("validation"))]
        if with_batch:
            keys.append((c.batch, self.tr("batch")))
        swatches = "&nbsp;&nbsp;".join(
            f"<span style='color:{color.name()}'>\u2501&nbsp;{html.escape(name)}</span>"
            for color, name in keys)
        return f"{html.escape(title)}&nbsp;&nbsp;&nbsp;<span style='font-size:8pt'>{swatches}</span>"

    def _redraw_overview(self, shown: TrialState | None) -> None:
        objective = self._state.objective
        lower = lower_is_better(objective)
        best = self._state.best
        special = {t.trial_id for t in (best, shown) if t is not None}
        drawn = [t for t in self._state.trials.values() if objective in t.history]
        others = [t for t in drawn if t.trial_id not in special]
        self.plots.set_overlay((objective, tuple(self._version(t) for t in others)),
                               lambda: (trial_series(t, objective, finite_only=True) for t in others))
        self._overview_ids = [t.trial_id for t in drawn if self._has_points(t)]
        self.plots.fit_overview_epochs(max((epoch_count(t) for t in drawn), default=0))

        if best is not None:
            self.plots.set_best((objective, *self._version(best)),
                                lambda: trial_series(best, objective, finite_only=True), lower)
            best_name = self.tr("best: {trial} ({score})").format(trial=trial_label(best),
                                                                  score=format_score(best.score))
        else:
            self.plots.set_best(None, None, lower)
            best_name = self.tr("best")
        self.plots.set_legend_text("best", best_name)

        if shown is not None and shown is not best:
            self.plots.set_curve("selected", (objective, *self._version(shown)),
                                 lambda: trial_series(shown, objective, finite_only=True))
            state = self.tr("running") if shown.trial_id == self._state.running_id else self.tr("shown")
            self.plots.set_legend_text("selected", f"{trial_label(shown)} ({state})")
        else:
            self.plots.set_curve("selected", None, None)
        direction = self.tr("lower is better") if lower else self.tr("higher is better")
        self.plots.set_objective(objective, lower, self.tr("All trials \u2014 {objective} ({direction})").format(
            objective=objective, direction=direction))

    def _redraw_header(self, shown: TrialState | None) -> None:
        state = self._state
        running = state.running
        if running is not None:
            self.header.show_running(running, state.max_trials, self._progress,
                                     shown if shown is not running else None)
            return
        if state.features_running():
            eta = state.eta_seconds()
            self.header.show_features(state.stage_done, state.stage_total, self.tr("about {clock} left").format(
                clock=format_clock(eta)) if eta is not None else "")
            return
        if self._stored:
            search = self._stored_title or (self.tr("{count} stored trial(s)").format(count=len(state.trials))
                                            if state.trials else self.tr("No stored trials."))
        else:
            search = {"idle": "", "running": self.tr("Search started"),
                      "completed": self.tr("Search completed"), "cancelled": self.tr("Search cancelled"),
                      "failed": self.tr("Search failed")}.get(state.status, self.tr("Search ended"))
        if state.status == "preparing":
            self.header.show_idle(core_text.stage_text(state.stage_event))
            return
        if not state.trials:
            self.header.show_idle(search or self.tr("No search running."))
            return
        parts = [search] if search else []
        best = state.best
        if best is not None:
            parts.append(self.tr("best {trial}: {objective} {score}").format(
                trial=trial_label(best), objective=state.objective, score=format_score(best.score)))
        if shown is not None:
            parts.append(self.tr("showing {trial} ({status})").format(
                trial=trial_label(shown), status=core_text.status_word(shown.status)))
        self.header.show_idle(" \u00b7 ".join(parts))

    def _has_points(self, trial: TrialState) -> bool:
        """Whether the trial has a finite objective value to draw (cached per data version)."""
        key = (self._version(trial), self._state.objective)
        cached = self._has_points_cache.get(trial.trial_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        has = bool(np.isfinite(trial_series(trial, self._state.objective)[1]).any())
        self._has_points_cache[trial.trial_id] = (key, has)
        return has

    # ------------------------------------------------------------------ look and mouse

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.PaletteChange:
            self.plots.apply_theme(theme.colors(self.palette()))
            self._mark_dirty()
        super().changeEvent(event)

    def _overview_lines(self):
        objective = self._state.objective
        for trial_id in self._overview_ids:
            yield trial_id, trial_series(self._state.trials[trial_id], objective, finite_only=True)

    def _on_plot_clicked(self, scene_pos) -> None:
        trial_id = self.plots.line_near(scene_pos, self._overview_lines())
        if trial_id is not None:
            self.trialClicked.emit(trial_id)

    def _on_plot_hovered(self, scene_pos) -> None:
        """Name the trial under the mouse in the all-trials plot (rate-limited by SignalProxy)."""
        trial_id = self.plots.line_near(scene_pos, self._overview_lines())
        if trial_id is None:
            self.plots.graphics.setToolTip("")
            return
        trial = self._state.trials[trial_id]
        score = format_score(trial.score) if trial.score is not None else core_text.status_word(trial.status)
        best = self.tr(" (best)") if trial_id == self._state.best_id else ""
        self.plots.graphics.setToolTip(self.tr("{trial}{best}: {objective} {score}\nclick to select")
                                       .format(trial=trial_label(trial), best=best,
                                               objective=self._state.objective, score=score))
