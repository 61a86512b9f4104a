"""The Keras Tuner subclass that reports every trial, epoch and batch as events, and the tuner built from a config."""
from __future__ import annotations

import math
import re
import time
from pathlib import Path

from app.core.search import events as ev
from app.core.search.planning.budget import RECENT_EPOCHS, STOP_BUDGET, STOP_PLATEAU, STOP_PRUNED, STOP_USER, BudgetPlanner
from app.core.search.checkpoints import prune_checkpoints
from app.core.options.config import SearchConfig
from app.core.search.planning.plan_notice import PlanNotices
from app.core.search.local_search import LOCAL_SEARCH_MAX_TRIALS, install as install_local_search
from app.core.search.search_dir import TUNER_PROJECT
from app.core.util.diskspace import fsync_replace, is_disk_full
from app.core.search.search_state import kept_confusion, objective_direction
from app.core.util.i18n import QT_TRANSLATE_NOOP
from app.core.util.messages import message

BATCH_EVENT_INTERVAL_S = 0.25


def _make_tuner_class(base):
    """A subclass of a Keras Tuner class that reports through hooks and can be cancelled.

    Made here, not at import: Keras Tuner is imported only in the training process, and the base
    (random, grid, Hyperband, Bayesian) is chosen per search.
    """
    import keras_tuner as kt

    class SearchCancelled(kt.errors.FatalError):
        pass

    class ProcessRecycle(kt.errors.FatalError):
        """This process has run its share of trials; a fresh one resumes the search."""

    class BudgetDone(kt.errors.FatalError):
        """The time budget or the plateau rule ends the search before another trial."""

    class NonFiniteLoss(RuntimeError):
        pass

    class DiskFull(kt.errors.FatalError):
        """The disk filled during a trial: the search stops (the trial stays interrupted, so resume
        runs it again) instead of failing trial after trial."""
        disk_full = True

    class StudioTuner(TunerHooks, base):
        cancelled_error = SearchCancelled
        recycle_error = ProcessRecycle
        budget_error = BudgetDone
        disk_full_error = DiskFull

    StudioTuner.NonFiniteLoss = NonFiniteLoss
    return StudioTuner


class TunerHooks:
    """What the studio's tuner adds to a Keras Tuner class (:func:`_make_tuner_class` puts it before
    the base): events for every trial, epoch and batch, cancel, the budget planner and checkpoint pruning.

    The errors it raises are made with the class, on Keras Tuner's ``FatalError``.
    """

    cancelled_error: type[Exception]
    recycle_error: type[Exception]
    disk_full_error: type[Exception]
    budget_error: type[Exception]
    NonFiniteLoss: type[Exception]
    recycle_after: int | None = None

    def setup_budget(self, planner: BudgetPlanner, first_epoch_estimate: float | None, steps_of):
        import keras_tuner as kt

        self._planner = planner
        self._epoch_estimate = first_epoch_estimate
        self._steps_of = steps_of  # hp -> training steps per epoch
        self._epoch_started = self._trial_begun_at = time.monotonic()
        self._first_batch_s = None
        self._plan_notices = PlanNotices()
        # Hyperband decides each round's epochs itself: only the budget cut applies there.
        self._plan_epochs = not isinstance(self.oracle, kt.oracles.HyperbandOracle)

    def setup_reporting(self, emit, cancel, class_names, planned_epochs, config):
        self._keep_checkpoints = config.keep_best_checkpoints
        self._objective_name = config.objective
        # Hyperband reloads earlier rounds' checkpoints when it promotes a trial: prune at the end.
        self._prune_during_search = config.tuner != "hyperband"
        self._emit = emit
        self._cancel = cancel
        self._class_names = class_names
        self._planned_epochs = planned_epochs
        self._trial_started: dict[str, float] = {}
        self._history: dict[str, dict[str, list]] = {}
        self._confusions: dict[str, dict[int, list]] = {}  # trial -> epoch -> matrix
        self._last_batch_event = 0.0
        self._steps: dict[str, int] = {}
        self._epoch = 0
        self._trials_begun = 0
        self.ended_events: dict[str, dict] = {}
        self.current_trial_id: str | None = None
        self.resize_schedule = None  # the running trial's progressive sizes (set by its fit)

    def _check_cancel(self):
        if self._cancel.is_set():
            raise self.cancelled_error("search stopped by user")

    def pre_create_trial(self):
        self._check_cancel()
        budget_spent = bool(self.oracle.max_trials) and len(self.oracle.trials) >= self.oracle.max_trials
        if self.recycle_after and self._trials_begun >= self.recycle_after and not budget_spent:
            raise self.recycle_error(f"{self._trials_begun} trials run in this process")
        if not budget_spent and self._planner.plan_trial(None, self._epoch_estimate) is None:
            raise self.budget_error(self._planner.stop_reason or "budget spent")
        self._choose_sampling()
        super().pre_create_trial()

    def _choose_sampling(self):
        """Few trials fit in the budget: refine the best trial instead of sampling the whole
        space (app/core/search/local_search.py)."""
        if not hasattr(self.oracle, "studio_local_search"):
            return
        expected = self._planner.expected_trials(self._epoch_estimate)
        local = expected is not None and expected <= LOCAL_SEARCH_MAX_TRIALS
        if local and not self.oracle.studio_local_search and self.oracle.trials:
            self._emit(ev.make_event(
                ev.NOTICE, level="info", reason="local_search",
                message=f"The budget holds about {expected} trials: the next trials keep the best trial's "
                        "choices and refine its numeric settings (learning rate, dropout, ...) instead of "
                        "sampling the whole search space."))
        self.oracle.studio_local_search = local

    def run_trial(self, trial, *args, **kwargs):
        try:
            return super().run_trial(trial, *args, **kwargs)
        except Exception as exc:
            if is_disk_full(exc):
                raise self.disk_full_error(str(exc)) from exc
            raise

    def on_trial_begin(self, trial):
        super().on_trial_begin(trial)
        self._check_cancel()
        tid = trial.trial_id
        self.current_trial_id = tid
        self._trials_begun += 1
        self._trial_started[tid] = time.time()
        self._trial_begun_at = time.monotonic()
        self._first_batch_s = None
        if self._planner.current is not None:
            self._planner.current.trial_id = tid
        summary = self._plan_notices.at_trial_start(self._planner, self._epoch_estimate, ev.trial_number(tid))
        if summary:
            self._emit(ev.make_event(ev.NOTICE, level="info", reason="plan", message=summary))
        self._history[tid] = {}
        self._confusions.pop(tid, None)
        values = dict(trial.hyperparameters.values)
        self._emit(ev.make_event(ev.TRIAL_STARTED, trial_id=tid, number=ev.trial_number(tid),
                                 hyperparameters=values, batch_size=values.get("batch_size"),
                                 epochs_planned=self.planned_epochs()))

    def planned_epochs(self) -> int:
        plan = self._planner.current
        return plan.planned_epochs if plan is not None and self._plan_epochs else self._planned_epochs

    def _stop_for_user(self, model) -> bool:
        """Stop pressed: a trial with a finished epoch ends now and keeps its best epoch."""
        plan = self._planner.current
        if plan is None or plan.epochs_done < 1:
            return False
        plan.stopped = plan.stopped or STOP_USER
        model.stop_training = True
        return True

    def on_epoch_begin(self, trial, model, epoch, logs=None):
        if not (self._cancel.is_set() and self._stop_for_user(model)):
            self._check_cancel()
        self._epoch = epoch
        self._epoch_started = time.monotonic()
        super().on_epoch_begin(trial, model, epoch, logs)

    def on_batch_end(self, trial, model, batch, logs=None):
        logs = logs or {}
        loss = logs.get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            raise self.NonFiniteLoss(f"non-finite loss ({float(loss)}) at batch {batch + 1}: "
                                "the learning rate is probably too high")
        if not (self._cancel.is_set() and self._stop_for_user(model)):
            self._check_cancel()
        now = time.monotonic()
        if batch == 0 and self._first_batch_s is None:
            self._first_batch_s = now - self._epoch_started  # includes tracing the train step
        steps = self._steps.get(trial.trial_id, 0)
        if now - self._last_batch_event >= BATCH_EVENT_INTERVAL_S or batch + 1 >= steps:
            self._last_batch_event = now
            self._emit(ev.make_event(ev.BATCH_ENDED, trial_id=trial.trial_id, epoch=self._epoch,
                                     batch=batch, steps=steps,
                                     logs={k: v for k, v in logs.items() if "confusion" not in k}))

    def on_epoch_end(self, trial, model, epoch, logs=None):
        import numpy as np

        logs = dict(logs or {})
        confusion = logs.pop("val_confusion", None)
        logs.pop("confusion", None)
        scalars = {k: float(v) for k, v in logs.items() if np.ndim(v) == 0}
        history = self._history.setdefault(trial.trial_id, {})
        for k, v in scalars.items():
            history.setdefault(k, []).append(v if math.isfinite(v) else None)
        matrix = np.rint(np.asarray(confusion)).astype(int).tolist() if confusion is not None else None
        self._confusions.setdefault(trial.trial_id, {})[epoch] = matrix
        self._budget_epoch_end(trial, model, epoch, scalars)
        clock = self._planner.clock
        self._emit(ev.make_event(ev.EPOCH_ENDED, trial_id=trial.trial_id, epoch=epoch,
                                 epochs=self.planned_epochs(), logs=scalars, confusion=matrix,
                                 class_names=self._class_names, elapsed=clock.elapsed(),
                                 budget_remaining=clock.remaining() if clock.limited else None))
        super().on_epoch_end(trial, model, epoch, logs=scalars)

    def _budget_epoch_end(self, trial, model, epoch, scalars):
        """Re-plan the trial with this epoch's measured time; end it at an epoch boundary when
        the budget or early discarding says so; lay its schedule over the epochs it gets."""
        from app.core.model.models import optimizer_schedule

        planner = self._planner
        plan = planner.current
        seconds = time.monotonic() - self._epoch_started
        if plan is None:
            return
        steps = self._steps.get(trial.trial_id, 1)
        if plan.epochs_done == 0 and self._first_batch_s is not None and steps > 1:
            # The first epoch also traced the graph: count that once per trial, not per epoch.
            typical = (seconds - self._first_batch_s) / (steps - 1)
            excess = max(0.0, self._first_batch_s - typical)
            seconds -= excess
            planner.trial_overhead = max(planner.trial_overhead,
                                         excess + (self._epoch_started - self._trial_begun_at))
        before = plan.planned_epochs
        total, stop = planner.after_epoch(seconds, scalars.get(self._objective_name))
        # A trial's first epoch also traces its validation step (2-3x a later epoch on the sample):
        # until a few are measured, the estimate settled in the last trial says more.
        if self._epoch_estimate is None or plan.epochs_done >= min(RECENT_EPOCHS, plan.planned_epochs):
            self._epoch_estimate = plan.epoch_time() or seconds
        # Said when the first real epoch fixed the plan, and again when measured times change it.
        summary = self._plan_notices.after_epoch(planner, self._epoch_estimate, ev.trial_number(trial.trial_id))
        if summary:
            self._emit(ev.make_event(ev.NOTICE, level="info", reason="plan", message=summary))
        if not self._plan_epochs:
            if stop == STOP_BUDGET:
                model.stop_training = True
            return
        if total != before:
            schedule = optimizer_schedule(model.optimizer)
            if schedule is not None:
                schedule.set_total_steps(total * self._steps.get(trial.trial_id, 1))
            if self.resize_schedule is not None:  # the full-size tail moves with the end
                self.resize_schedule.plan(total)
        if stop or plan.epochs_done >= total:
            model.stop_training = True
        if self._cancel.is_set():
            self._stop_for_user(model)

    def on_trial_end(self, trial):
        super().on_trial_end(trial)
        self.current_trial_id = None
        stored = self.oracle.get_trial(trial.trial_id)
        plan = self._planner.current
        history = self._history.get(trial.trial_id, {})
        summary = trial_summary_event(stored, self._trial_started.get(trial.trial_id), history,
                                      kept_confusion(self._confusions.get(trial.trial_id, {}), stored.best_step)[0])
        summary["stopped"] = plan.stopped if plan is not None else None
        summary["epochs_planned"] = plan.planned_epochs if plan is not None else None
        summary["epochs_run"] = plan.epochs_done if plan is not None else len(history.get("loss", []))
        if stored.status == "COMPLETED":
            self._planner.trial_finished(stored.score, history.get(self._objective_name, []))
        else:
            self._planner.current = None
        self.ended_events[trial.trial_id] = summary
        self._emit(summary)
        if self._planner.stop_kind == STOP_PLATEAU and not getattr(self, "_plateau_said", False):
            self._plateau_said = True
            self._emit(ev.make_event(ev.NOTICE, level="info", reason=STOP_PLATEAU,
                                     message=self._planner.stop_reason))
        if summary["stopped"] == STOP_PRUNED:
            self._emit(ev.make_event(
                ev.NOTICE, level="info", reason=STOP_PRUNED, trial_id=trial.trial_id,
                message=message(QT_TRANSLATE_NOOP(
                    "CoreMessages", "Trial {n} stopped after {epochs} epochs: clearly behind the best trial at the "
                                    "same epoch; its time goes to the next trial.", "search.trial_pruned"),
                    n=ev.trial_number(trial.trial_id), epochs=summary["epochs_run"])))
        if self._prune_during_search:
            self.prune_checkpoints()

    def prune_checkpoints(self):
        prune_checkpoints(self.directory, self._objective_name, self._keep_checkpoints)




def failure_reason(message: str | None) -> str:
    """The last meaningful line of a Keras Tuner failure traceback."""
    if not message:
        return ""
    lines = [ln.strip() for ln in str(message).strip().splitlines() if ln.strip()]
    for line in reversed(lines):
        if not line.startswith(("File ", "^", "~")) and "Traceback" not in line:
            reason = re.sub(r"^[\w.]*?(NonFiniteLoss|Error|Exception)\w*:\s*", "", line)
            if "OOM" in line or "ResourceExhausted" in line:
                return f"out of memory: {reason[:300]}"
            return reason[:500]
    return lines[-1][:500]


def trial_summary_event(trial, started: float | None, history: dict, confusion) -> dict:
    status = str(trial.status)
    message = failure_reason(getattr(trial, "message", None)) if status in ("FAILED", "INVALID") else ""
    return ev.make_event(
        ev.TRIAL_ENDED, trial_id=trial.trial_id, number=ev.trial_number(trial.trial_id), status=status,
        score=trial.score, best_step=trial.best_step,
        duration=(time.time() - started) if started else None, message=message,
        hyperparameters=dict(trial.hyperparameters.values), history=history, confusion=confusion)


def _objective(config: SearchConfig):
    import keras_tuner as kt

    return kt.Objective(config.objective, direction=objective_direction(config.objective))


def build_tuner(config: SearchConfig, search_dir: Path, hypermodel, distribution_strategy=None):
    import keras_tuner as kt

    _atomic_keras_tuner_state()
    bases = {"random": kt.RandomSearch, "grid": kt.GridSearch, "hyperband": kt.Hyperband,
             "bayesian": kt.BayesianOptimization}
    cls = _make_tuner_class(bases[config.tuner])
    common = dict(hypermodel=hypermodel, objective=_objective(config), seed=config.seed,
                  directory=str(search_dir), project_name=TUNER_PROJECT, overwrite=False,
                  max_retries_per_trial=config.max_retries_per_trial,
                  max_consecutive_failed_trials=config.max_consecutive_failed_trials,
                  distribution_strategy=distribution_strategy)
    if config.tuner == "hyperband":
        tuner = cls(max_epochs=config.epochs, factor=config.hyperband_factor, **common)
        tuner.oracle.max_trials = config.max_trials  # the user's trial budget applies here too
    else:
        tuner = cls(max_trials=config.max_trials, **common)
    if config.tuner != "grid":
        _first_trial_defaults(tuner.oracle)
    if config.tuner == "random":
        install_local_search(tuner.oracle, config.seed)
    return tuner


def _atomic_keras_tuner_state() -> None:
    """Keras Tuner rewrites oracle.json, trial.json and tuner0.json in place: a full disk or a
    crash mid-write would leave a cut-off file and lose the search's state. Written here to a
    temporary file, synced, then put in place in one step."""
    import json

    from keras_tuner.src import utils

    if getattr(utils.save_json, "tunestudio", False):
        return

    def save_json(path, obj):
        text = json.dumps(obj)
        tmp = f"{path}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        fsync_replace(tmp, path)
        return text

    save_json.tunestudio = True
    utils.save_json = save_json


def _first_trial_defaults(oracle) -> None:
    """The first trial of a search is the known-good configuration: every tunable at its default
    (the spec's ``default``), as written in the config; random/Bayesian/Hyperband sampling
    explores around it from the second trial on."""
    from keras_tuner.src.engine import hyperparameters as hp_module

    sample = oracle._random_values

    def values():
        if oracle.trials:
            return sample()
        hps = hp_module.HyperParameters()
        for hp in oracle.hyperparameters.space:
            hps.merge([hp])
            if hps.is_active(hp):
                hps.values[hp.name] = hp.default
        return hps.values

    oracle._random_values = values
