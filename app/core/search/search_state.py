"""What a search is doing, kept from its events: trials, best trial, running trial, progress, ETA.

:class:`SearchState` is a :class:`~app.core.search.events.SearchListener` with no Qt in it. The window
wraps it in a QObject (``app/gui/session/search_model.py``) and the panels observe that; History loads a
stored search into the same state; tests feed it event streams directly.

The rules every view shares live here once:

* :func:`settle_status` - a trial the search ended around (cancel, crash, budget) is ``CANCELLED``,
  in the live panels, in History and in the runner's final event alike. Old history databases
  said ``INTERRUPTED``; :func:`normalize_status` reads that as ``CANCELLED``.
* :func:`lower_is_better` (and :func:`objective_direction`, Keras' words for it) - the direction of
  an objective: the tuner, early stopping, the budget planner, k-fold, History and every view ask here.
* :func:`best_trial` - the best completed trial.
* :func:`kept_confusion` - the confusion matrix of the epoch whose weights were kept (the tuner's
  trial summary and :meth:`TrialState.kept_confusion`, which the views draw).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from app.core.search.events import SearchListener, dispatch
from app.core.search.stages import STAGES as PREPARATION_STAGES, stage_text
from app.core.util.formatting import format_clock

RUNNING = "RUNNING"
COMPLETED = "COMPLETED"
# The one verdict for a trial that was still running when its search ended.
UNFINISHED = "CANCELLED"
TRIAL_STATUSES = (RUNNING, COMPLETED, "FAILED", "INVALID", "STOPPED", UNFINISHED)
# Statuses earlier versions wrote, read as today's.
LEGACY_STATUSES = {"INTERRUPTED": UNFINISHED}


def normalize_status(status: object) -> str:
    """A trial status in today's vocabulary (upper case; legacy names mapped)."""
    text = str(status or COMPLETED).upper()
    return LEGACY_STATUSES.get(text, text)


def settle_status(status: object) -> str:
    """The status a trial keeps once its search has ended: running ones did not finish."""
    text = normalize_status(status)
    return UNFINISHED if text == RUNNING else text


def lower_is_better(objective: str | None) -> bool:
    """Direction of an objective metric: losses and errors go down, everything else up."""
    name = str(objective or "")
    return "loss" in name or "error" in name


def objective_direction(objective: str | None) -> str:
    """``"min"`` or ``"max"``, as Keras Tuner's ``Objective`` and Keras' callbacks take it."""
    return "min" if lower_is_better(objective) else "max"


def kept_confusion(by_epoch: dict[int, list], best_step: object,
                   final: list | None = None) -> tuple[list | None, int | None]:
    """(matrix, epoch) of the epoch whose weights were kept: ``best_step`` when its matrix is known,
    else ``final`` (the matrix the trial's summary carried, of ``best_step``), else the last epoch's."""
    if isinstance(best_step, int) and by_epoch.get(best_step) is not None:
        return by_epoch[best_step], best_step
    if final is not None:
        return final, best_step if isinstance(best_step, int) else None
    known = [epoch for epoch, matrix in by_epoch.items() if matrix is not None]
    if known:
        return by_epoch[max(known)], max(known)
    return None, None


def finite_or_none(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def best_trial(trials: Iterable[dict], objective: str | None) -> dict | None:
    """The best completed trial with a finite score (trial summaries as dicts), or None."""
    scored = [t for t in trials if normalize_status(t.get("status")) == COMPLETED
              and finite_or_none(t.get("score")) is not None]
    if not scored:
        return None
    sign = 1.0 if lower_is_better(objective) else -1.0
    return min(scored, key=lambda t: sign * float(t["score"]))


# A staged transfer search's stages as the status line names them (app/gui/core_text.py translates).
STAGE_NAMES = {"head": "Head trials", "fine_tune": "Fine-tuning"}


@dataclass
class TrialState:
    """One trial as the events told it."""

    trial_id: str
    number: int | None = None
    status: str = RUNNING
    score: float | None = None
    live_score: float | None = None
    best_step: int | None = None
    duration: float | None = None
    started_at: float | None = None  # event time
    epochs_done: int = 0
    epochs_planned: int | None = None
    message: str = ""
    stopped: str | None = None
    hyperparameters: dict = field(default_factory=dict)
    history: dict = field(default_factory=dict)  # metric -> per-epoch values
    confusions: dict = field(default_factory=dict)  # epoch (0-based) -> matrix
    final_confusion: list | None = None  # as the trial_ended event carried it
    class_names: list = field(default_factory=list)
    stage: str | None = None  # a staged transfer search's "head" or "fine_tune" trial

    def kept_confusion(self) -> tuple[list | None, int | None]:
        """(matrix, epoch) of the epoch whose weights were kept (:func:`kept_confusion`)."""
        return kept_confusion(self.confusions, self.best_step, self.final_confusion)

    def summary(self) -> dict:
        """The trial as a ``trial_ended``-like dict (what stored-trial views load)."""
        matrix, _epoch = self.kept_confusion()
        return {"trial_id": self.trial_id, "number": self.number, "status": self.status,
                "score": self.score, "best_step": self.best_step, "duration": self.duration,
                "message": self.message, "hyperparameters": dict(self.hyperparameters),
                "history": {k: list(v) for k, v in self.history.items()}, "confusion": matrix,
                "class_names": list(self.class_names), "stopped": self.stopped}


class SearchState(SearchListener):
    """Trials, best and running trial, notices, progress and ETA of one search.

    ``clock`` (monotonic seconds) drives elapsed time and the ETA; tests pass a fake one.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.reset()

    def reset(self, max_trials: int | None = None) -> None:
        self.search_id: str | None = None
        self.search_dir: str | None = None
        self.objective = "val_accuracy"
        self.classes: list[str] = []
        self.max_trials = max_trials
        self.device: str | None = None
        self.devices: list[str] = []
        self.resumed = False
        self.completed_before = 0
        self.time_budget: float | None = None
        self.budget_spent_before = 0.0
        self.trials: dict[str, TrialState] = {}
        self.running_id: str | None = None
        self.notices: list[dict] = []
        self.final: dict | None = None
        self.status = "idle"  # "running", then the final status
        self.started_at: float | None = None  # clock time of search_started
        self.trial_started_at: float | None = None
        self.trial_number = 0
        self.trials_done = 0
        self.epoch = 0
        self.epochs = 0
        self.batch_fraction = 0.0
        self.trial_durations: list[float] = []
        # The stage under way: a preparation stage (app/core/search/stages.py) before the first trial,
        # or a staged transfer search's (app/core/search/transfer/transfer_search.py), with its progress.
        self.stage: str | None = None
        self.stage_event: dict | None = None
        self.stage_done = 0
        self.stage_total = 0

    # ------------------------------------------------------------------ feeding

    def handle_event(self, event: dict) -> None:
        dispatch(event, self)

    def replay(self, events: Iterable[dict]) -> None:
        """Rebuild the state of a stored search from its events (oldest first)."""
        self.reset()
        for event in events:
            dispatch(event, self)

    def load_trials(self, summaries: Iterable[dict], objective: str | None = None) -> None:
        """Show stored trial summaries (as in ``trial_ended``) with no search around them."""
        self.reset()
        if objective:
            self.objective = str(objective)
        for summary in summaries or []:
            if isinstance(summary, dict) and summary.get("trial_id") is not None:
                self.on_trial_ended(summary)

    def on_search_started(self, event: dict) -> None:
        config = event.get("config") if isinstance(event.get("config"), dict) else {}
        earlier = {k: t for k, t in self.trials.items() if t.status != RUNNING} if event.get("resumed") else {}
        self.reset(event.get("max_trials") or None)
        self.trials.update(earlier)
        self.status = "running"
        self.search_id = event.get("search_id")
        self.search_dir = event.get("search_dir")
        self.objective = str(config.get("objective") or "val_accuracy")
        self.classes = [str(c) for c in event.get("classes") or []]
        self.device = event.get("device")
        self.devices = [str(d) for d in event.get("devices") or []]
        self.resumed = bool(event.get("resumed"))
        self.completed_before = self.trials_done = int(event.get("completed_trials") or 0)
        budget = finite_or_none(event.get("time_budget"))
        self.time_budget = budget if budget and budget > 0 else None
        self.budget_spent_before = finite_or_none(event.get("budget_spent_before")) or 0.0
        planned = config.get("epochs")
        self.epochs = planned if isinstance(planned, int) and planned > 0 else 0
        self.started_at = self._started_at(event)

    def _started_at(self, event: dict) -> float:
        """When the budget started counting for this run: the preparation before this event counts."""
        spent = finite_or_none(event.get("budget_spent"))
        before = finite_or_none(event.get("budget_spent_before")) or 0.0
        return self._clock() - max(0.0, (spent - before) if spent is not None else 0.0)

    def on_stage(self, event: dict) -> None:
        """A stage. A preparation stage means the search is under way and its budget counting
        before any trial; a transfer search's stage carries the features' progress."""
        self.stage, self.stage_event = event.get("stage"), event
        self.stage_done = int(event.get("done") or 0)
        self.stage_total = int(event.get("total") or 0)
        if self.stage not in PREPARATION_STAGES:
            return
        if self.status != "preparing":  # trials shown already (a resumed search's) stay
            self.status = "preparing"
            self.final = None
            self.started_at = self._started_at(event)
        budget = finite_or_none(event.get("time_budget"))
        self.time_budget = budget if budget and budget > 0 else None
        self.budget_spent_before = finite_or_none(event.get("budget_spent_before")) or 0.0

    def on_notice(self, event: dict) -> None:
        self.notices.append(event)

    def features_running(self) -> bool:
        """Whether stage 1 (the backbone reading every image) is under way."""
        return self.stage == "features" and self.stage_total > 0 and self.status == "running"

    def on_trial_started(self, event: dict) -> None:
        trial = self.trial(event.get("trial_id"))
        trial.number = event.get("number", trial.number)
        trial.status = RUNNING
        trial.score = trial.live_score = trial.best_step = None
        trial.message, trial.stopped = "", None
        trial.started_at = finite_or_none(event.get("time"))
        trial.duration = 0.0
        trial.epochs_done = 0
        trial.history, trial.confusions, trial.final_confusion = {}, {}, None
        if isinstance(event.get("hyperparameters"), dict):
            trial.hyperparameters = dict(event["hyperparameters"])
        trial.stage = event.get("stage") or trial.hyperparameters.get("stage")
        if trial.stage:
            self.stage = trial.stage
        planned = event.get("epochs_planned")
        if isinstance(planned, int) and planned > 0:  # the budget planner's share for this trial
            trial.epochs_planned = self.epochs = planned
        self.running_id = trial.trial_id
        self.trial_number = int(event.get("number") or self.trials_done + 1)
        self.epoch, self.batch_fraction = 0, 0.0
        self.trial_started_at = self._clock()

    def on_batch_ended(self, event: dict) -> None:
        steps = max(int(event.get("steps") or 1), 1)
        self.epoch = int(event.get("epoch") or 0)
        self.batch_fraction = min((int(event.get("batch") or 0) + 1) / steps, 1.0)
        self._touch(event)

    def on_epoch_ended(self, event: dict) -> None:
        trial = self._touch(event)
        epoch = int(event.get("epoch") or 0)
        if epoch < trial.epochs_done:
            # A second execution of the trial (the out-of-memory retry at half the batch size)
            # starts again at epoch 0: keep the newest run, not a mix of both.
            trial.history = {name: values[:epoch] for name, values in trial.history.items()}
            trial.confusions = {e: m for e, m in trial.confusions.items() if e < epoch}
            trial.epochs_done = epoch
        logs = event.get("logs") if isinstance(event.get("logs"), dict) else {}
        for name, value in logs.items():
            values = trial.history.setdefault(name, [])
            values.extend([None] * (epoch - len(values)))  # a missed epoch stays a gap
            values[epoch:epoch + 1] = [finite_or_none(value)]
        trial.live_score = finite_or_none(logs.get(self.objective))
        trial.epochs_done = max(trial.epochs_done, epoch + 1)
        planned = event.get("epochs")
        if isinstance(planned, int) and planned > 0:
            trial.epochs_planned = self.epochs = planned
        if event.get("confusion") is not None:
            trial.confusions[epoch] = event["confusion"]
        if event.get("class_names"):
            trial.class_names = list(event["class_names"])
        self.epoch = epoch + 1
        self.batch_fraction = 0.0

    def on_trial_ended(self, event: dict) -> None:
        trial = self.trial(event.get("trial_id"))
        self._apply_summary(trial, event)
        if trial.trial_id == self.running_id:
            self.running_id = None
        self.trials_done += 1
        if trial.duration is not None:
            self.trial_durations.append(trial.duration)
        self.trial_started_at = None

    def on_search_finished(self, event: dict) -> None:
        for summary in event.get("trials") or []:
            if isinstance(summary, dict) and summary.get("trial_id") is not None:
                self._apply_summary(self.trial(summary["trial_id"]), summary, keep_live=True)
        ending = str(event.get("error") or event.get("reason") or "the search ended")
        for trial in self.trials.values():
            if trial.status == RUNNING:
                trial.status = settle_status(trial.status)
                trial.message = trial.message or ending
        self.running_id = None
        self.trial_started_at = None
        self.final = event
        self.status = str(event.get("status") or "completed")
        if event.get("search_dir"):
            self.search_dir = str(event["search_dir"])

    # ------------------------------------------------------------------ reading

    def trial(self, trial_id: object) -> TrialState:
        key = str(trial_id)
        if key not in self.trials:
            self.trials[key] = TrialState(key)
        return self.trials[key]

    def summaries(self) -> list[dict]:
        return [t.summary() for t in self.trials.values()]

    @property
    def best_id(self) -> str | None:
        """The best trial: the runner's verdict once the search finished, else computed."""
        if self.final and self.final.get("best_trial_id") is not None:
            return str(self.final["best_trial_id"])
        best = best_trial(({"status": t.status, "score": t.score, "trial_id": t.trial_id}
                           for t in self.trials.values()), self.objective)
        return None if best is None else best["trial_id"]

    @property
    def best(self) -> TrialState | None:
        best_id = self.best_id
        return self.trials.get(best_id) if best_id is not None else None

    @property
    def running(self) -> TrialState | None:
        return self.trials.get(self.running_id) if self.running_id is not None else None

    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for trial in self.trials.values():
            counts[trial.status] = counts.get(trial.status, 0) + 1
        return counts

    # ------------------------------------------------------------------ progress, budget, ETA

    def elapsed(self) -> float:
        """Seconds this run of the search has been going."""
        return 0.0 if self.started_at is None else max(self._clock() - self.started_at, 0.0)

    def budget_spent(self) -> float:
        """Seconds counted against the time budget (earlier runs of a resumed search included)."""
        return self.budget_spent_before + self.elapsed()

    def trial_fraction(self) -> float:
        """How much of the running trial is done (0 to 1), from epochs and batches."""
        if self.trial_started_at is None or not self.epochs:
            return 0.0
        return min((self.epoch + self.batch_fraction) / self.epochs, 1.0)

    def overall_fraction(self) -> float | None:
        """Share of the search done: of the time budget when there is one (the bar then reads as a
        clock), else of the trial count; None when neither is known (Hyperband, Grid)."""
        if self.time_budget:
            return min(self.budget_spent() / self.time_budget, 1.0)
        if self.max_trials:
            running = self.trial_fraction() if self.trial_started_at is not None else 0.0
            return min((self.trials_done + running) / self.max_trials, 1.0)
        return None

    def eta_seconds(self) -> float | None:
        """Seconds left: from trial durations, capped by what is left of the budget."""
        left_by_trials = self._eta_by_trials()
        if self.time_budget:
            left_by_budget = max(self.time_budget - self.budget_spent(), 0.0)
            return left_by_budget if left_by_trials is None else min(left_by_budget, left_by_trials)
        return left_by_trials

    def _eta_by_trials(self) -> float | None:
        if not self.max_trials:
            return None
        fraction = self.trial_fraction()
        current_left = 0.0
        per_trial = sum(self.trial_durations) / len(self.trial_durations) if self.trial_durations else None
        if self.trial_started_at is not None:
            spent = self._clock() - self.trial_started_at
            if fraction > 0.05:
                estimate = spent / fraction
                per_trial = per_trial or estimate
                current_left = max(estimate - spent, 0.0)
            elif per_trial is not None:
                current_left = max(per_trial - spent, 0.0)
            else:
                return None
        if per_trial is None:
            return None
        running = 1 if self.trial_started_at is not None else 0
        later = max(self.max_trials - self.trials_done - running, 0)
        return current_left + later * per_trial

    def status_text(self) -> str:
        """``Trial 3 of 10 · epoch 4/12 · 4:10 of 10:00 · about 5:50 left``."""
        parts = []
        if self.features_running():
            parts.append(f"Features: {self.stage_done} of {self.stage_total} images")
        elif self.stage in STAGE_NAMES:
            parts.append(STAGE_NAMES[self.stage])
        if self.trial_number:
            of = f" of {self.max_trials}" if self.max_trials else ""
            parts.append(f"Trial {self.trial_number}{of}")
        if self.epochs and self.trial_started_at is not None:
            parts.append(f"epoch {min(self.epoch + 1, self.epochs)}/{self.epochs}")
        if not self.trial_number and self.status == "preparing" and self.stage_event:
            parts.append(stage_text(self.stage_event))
        if self.time_budget:
            parts.append(f"{format_clock(self.budget_spent())} of {format_clock(self.time_budget)}")
        else:
            parts.append(f"elapsed {format_clock(self.elapsed())}")
        eta = self.eta_seconds()
        if eta is not None:
            parts.append(f"about {format_clock(eta)} left")
        return " · ".join(parts)

    # ------------------------------------------------------------------ internals

    def _touch(self, event: dict) -> TrialState:
        """The trial a progress event belongs to, which is running (its start may be missed)."""
        trial = self.trial(event.get("trial_id"))
        if trial.status == RUNNING and self.running_id is None:
            self.running_id = trial.trial_id
        now = finite_or_none(event.get("time"))
        if trial.started_at is not None and now is not None:
            trial.duration = max(0.0, now - trial.started_at)
        return trial

    def _apply_summary(self, trial: TrialState, summary: dict, keep_live: bool = False) -> None:
        trial.number = summary.get("number", trial.number)
        trial.status = normalize_status(summary.get("status") or (trial.status if keep_live else None))
        trial.score = finite_or_none(summary.get("score"))
        if summary.get("best_step") is not None:
            trial.best_step = int(summary["best_step"])
        duration = finite_or_none(summary.get("duration"))
        if duration is not None:
            trial.duration = duration
        trial.message = str(summary.get("message") or trial.message or "")
        trial.stopped = summary.get("stopped") or trial.stopped  # a later summary without a reason keeps it
        if summary.get("epochs_planned"):
            trial.epochs_planned = int(summary["epochs_planned"])
        if isinstance(summary.get("hyperparameters"), dict) and summary["hyperparameters"]:
            trial.hyperparameters = dict(summary["hyperparameters"])
        trial.stage = summary.get("stage") or trial.hyperparameters.get("stage") or trial.stage
        history = summary.get("history")
        if isinstance(history, dict) and history:
            longest = max((len(v) for v in history.values() if isinstance(v, list)), default=0)
            if longest >= trial.epochs_done:  # the final history is authoritative
                trial.history = {k: [finite_or_none(x) for x in v] for k, v in history.items()
                                 if isinstance(v, list)}
                trial.epochs_done = longest
        if summary.get("confusion") is not None:
            trial.final_confusion = summary["confusion"]
        if summary.get("class_names"):
            trial.class_names = list(summary["class_names"])
        elif not trial.class_names:
            trial.class_names = list(self.classes)
