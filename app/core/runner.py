"""Run a Keras Tuner search and report its progress as plain events.

``run_search`` works in the calling thread; ``app.core.process.run_search_in_subprocess`` runs the
same function in a child process (what the window uses). Progress is read through Keras Tuner's
own hooks (``on_trial_begin``, ``on_batch_end``, ``on_epoch_end``, ``on_trial_end``); cancelling
raises a ``FatalError`` subclass inside the running batch, which Keras Tuner re-raises without
recording the trial, so the search stays resumable.

A search folder holds ``search.json`` (config, classes, the exact split), ``tuner/`` (Keras
Tuner's project: trials and checkpoints), ``tensorboard/`` and ``events.jsonl``.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import re
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

from . import events as ev
from .budget import STOP_BUDGET, STOP_PLATEAU, STOP_PRUNED, STOP_USER, BudgetClock, BudgetPlanner
from .checkpoints import prune_checkpoints
from .config import SearchConfig, format_duration
from .dataset import (DatasetError, balanced_class_weights, decodable_path, heavily_imbalanced, native_image_size,
                      scan_dataset, split_dataset)
from .paths import cache_dir, searches_dir
from .search_dir import (  # noqa: F401 - re-exported: callers know them from here
    EVENTS_FILE, SEARCH_FILE, TUNER_PROJECT, SearchError, find_resumable, load_search_info, read_events,
    update_search_info as _update_search_info, write_json_atomic as _write_json_atomic,
)

BATCH_EVENT_INTERVAL_S = 0.25
# Internal: a child process stopped to be replaced (see run_search's max_trials_in_process).
RECYCLE = "recycle"
# Fault injection for tests of the failure paths (works across the process boundary).
FAULT_OOM_ABOVE_BATCH = "TUNESTUDIO_FAULT_OOM_ABOVE_BATCH"
FAULT_NAN_TRIALS = "TUNESTUDIO_FAULT_NAN_TRIALS"


def package_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in ("tensorflow", "keras", "keras-tuner", "numpy", "tunestudio"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def new_search_dir(config: SearchConfig) -> Path:
    """A fresh folder under ``TUNESTUDIO_HOME/searches`` named by time and search name."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    slug = re.sub(r"[^\w.-]+", "-", config.name or config.architecture, flags=re.UNICODE).strip("-.")[:40]
    base = searches_dir()
    candidate = base / f"{stamp}-{slug or 'search'}"
    n = 2
    while candidate.exists():
        candidate = base / f"{stamp}-{slug or 'search'}-{n}"
        n += 1
    candidate.mkdir(parents=True)
    return candidate


# --------------------------------------------------------------------------- preparation


def _prepare_split(config: SearchConfig, search_dir: Path, resume: bool, emit,
                   converted_dir: Path | None = None) -> dict:
    """Scan and split (new search) or reload the saved split (resume).

    ``converted_dir``: where images TensorFlow cannot read as they are get converted (default: the
    user's cache; a distributed search keeps them in its shared folder, for the workers)."""
    if resume:
        info = load_search_info(search_dir)
        return info
    try:
        report = scan_dataset(config.data_dir)
        report.check_trainable()
    except DatasetError as exc:
        raise SearchError(str(exc)) from None
    classes = report.usable_classes
    split = split_dataset(report, config.val_fraction, config.test_fraction, config.seed)
    for name in ("train", "val"):
        missing = sorted(set(classes) - {r.label for r in split[name]})
        if not split[name]:
            raise SearchError(f"The {name} split is empty: add more images (each class needs at least 2).")
        if missing and name == "train":
            raise SearchError(f"Classes with no training images: {', '.join(missing)}. Add more images.")
    unusable = report.unusable
    if unusable:
        emit(ev.make_event(ev.NOTICE, level="warning",
                           message=f"{len(unusable)} file(s) cannot be used and are left out "
                                   f"(first: {unusable[0].path}: {unusable[0].reason})."))
    conv_dir = converted_dir or cache_dir() / "converted"
    splits, vanished = {}, []
    for name, records in split.items():
        rows = []
        for r in records:
            try:
                rows.append([decodable_path(r, conv_dir), classes.index(r.label), r.path])
            except DatasetError:
                vanished.append(r.path)  # moved or deleted since the scan
        splits[name] = rows
    if vanished:
        emit(ev.make_event(ev.NOTICE, level="warning",
                           message=f"{len(vanished)} file(s) disappeared or changed since the scan and are "
                                   f"left out (first: {vanished[0]})."))
    if not splits["train"] or not splits["val"]:
        raise SearchError("Too few images are left to train and validate: has the folder changed?")
    info = {
        "search_id": search_dir.name,
        "name": config.name or search_dir.name,
        "created": time.time(),
        "status": "running",
        "config": config.to_dict(),
        "data_root": report.root,
        "classes": classes,
        "dataset_fingerprint": report.fingerprint(),
        "native_size": native_image_size(report.images),
        "counts": {k: len(v) for k, v in splits.items()},
        "splits": splits,
        "versions": package_versions(),
    }
    _write_json_atomic(search_dir / SEARCH_FILE, info)
    return info


# --------------------------------------------------------------------------- the tuner


def _make_tuner_class(base):
    """A subclass of a Keras Tuner class that reports through hooks and can be cancelled."""
    import keras_tuner as kt
    import numpy as np

    class SearchCancelled(kt.errors.FatalError):
        pass

    class ProcessRecycle(kt.errors.FatalError):
        """This process has run its share of trials; a fresh one resumes the search."""

    class BudgetDone(kt.errors.FatalError):
        """The time budget or the plateau rule ends the search before another trial."""

    class NonFiniteLoss(RuntimeError):
        pass

    class StudioTuner(base):
        cancelled_error = SearchCancelled
        recycle_error = ProcessRecycle
        budget_error = BudgetDone
        recycle_after: int | None = None

        def setup_budget(self, planner: BudgetPlanner, first_epoch_estimate: float | None, steps_of):
            self._planner = planner
            self._epoch_estimate = first_epoch_estimate
            self._steps_of = steps_of  # hp -> training steps per epoch
            self._epoch_started = self._trial_begun_at = time.monotonic()
            self._first_batch_s = None
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

        def _check_cancel(self):
            if self._cancel.is_set():
                raise SearchCancelled("search stopped by user")

        def pre_create_trial(self):
            self._check_cancel()
            budget_spent = bool(self.oracle.max_trials) and len(self.oracle.trials) >= self.oracle.max_trials
            if self.recycle_after and self._trials_begun >= self.recycle_after and not budget_spent:
                raise ProcessRecycle(f"{self._trials_begun} trials run in this process")
            if not budget_spent and self._planner.plan_trial(None, self._epoch_estimate) is None:
                raise BudgetDone(self._planner.stop_reason or "budget spent")
            super().pre_create_trial()

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
            self._history[tid] = {}
            self._confusions.pop(tid, None)
            values = dict(trial.hyperparameters.values)
            self._emit(ev.make_event(ev.TRIAL_STARTED, trial_id=tid, number=_trial_number(tid),
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
                raise NonFiniteLoss(f"non-finite loss ({float(loss)}) at batch {batch + 1}: "
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
            from .models import optimizer_schedule

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
            self._epoch_estimate = plan.epoch_time() or seconds
            if not self._plan_epochs:
                if stop == STOP_BUDGET:
                    model.stop_training = True
                return
            if total != before:
                schedule = optimizer_schedule(model.optimizer)
                if schedule is not None:
                    schedule.set_total_steps(total * self._steps.get(trial.trial_id, 1))
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
                                          kept_confusion(self._confusions.get(trial.trial_id, {}), stored.best_step))
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
                    message=f"Trial {_trial_number(trial.trial_id)} stopped after {summary['epochs_run']} epochs: "
                            "clearly behind the best trial at the same epoch; its time goes to the next trial."))
            if self._prune_during_search:
                self.prune_checkpoints()

        def prune_checkpoints(self):
            prune_checkpoints(self.directory, self._objective_name, self._keep_checkpoints)

    StudioTuner.NonFiniteLoss = NonFiniteLoss
    return StudioTuner


_trial_number = ev.trial_number


def _failure_reason(message: str | None) -> str:
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


def kept_confusion(by_epoch: dict[int, list], best_step) -> list | None:
    """The confusion matrix of the epoch whose weights the checkpoint kept (``best_step``);
    the last one when that epoch is unknown."""
    if isinstance(best_step, int) and by_epoch.get(best_step) is not None:
        return by_epoch[best_step]
    return by_epoch[max(by_epoch)] if by_epoch else None


def trial_summary_event(trial, started: float | None, history: dict, confusion) -> dict:
    status = str(trial.status)
    message = _failure_reason(getattr(trial, "message", None)) if status in ("FAILED", "INVALID") else ""
    return ev.make_event(
        ev.TRIAL_ENDED, trial_id=trial.trial_id, number=_trial_number(trial.trial_id), status=status,
        score=trial.score, best_step=trial.best_step,
        duration=(time.time() - started) if started else None, message=message,
        hyperparameters=dict(trial.hyperparameters.values), history=history, confusion=confusion)


# --------------------------------------------------------------------------- the hypermodel


def _make_hypermodel(config: SearchConfig, train, val, num_classes: int, mixed_precision: bool,
                     weights: str | None, emit, tuner_ref: dict, class_weight: dict | None = None):
    import keras
    import keras_tuner as kt
    import tensorflow as tf

    from .models import build_model
    from .pipeline import make_dataset, steps_per_epoch

    class StudioHyperModel(kt.HyperModel):
        def build(self, hp):
            # Every trial starts from the search seed, so a trial retrains alone (export's reproduce).
            keras.utils.set_random_seed(config.seed)
            batch_size = _batch_size(hp)
            tuner = tuner_ref.get("tuner")
            # The schedule is laid out over the epochs this trial is planned to get (budget.py).
            epochs = tuner.planned_epochs() if tuner is not None and hasattr(tuner, "_planner") else None
            if "tuner/epochs" in hp.values:  # Hyperband sets each round's epochs itself
                epochs = int(hp.values["tuner/epochs"])
            return build_model(config, hp, num_classes, steps_per_epoch(len(train), batch_size),
                               mixed_precision=mixed_precision, weights=weights, epochs=epochs)

        def fit(self, hp, model, *args, **kwargs):
            batch_size = _batch_size(hp)
            tuner = tuner_ref["tuner"]
            kwargs.pop("x", None)
            kwargs.pop("validation_data", None)
            try:
                return self._fit_once(hp, model, batch_size, tuner, kwargs)
            except tf.errors.ResourceExhaustedError as exc:
                if batch_size <= 1:
                    raise
                half = max(1, batch_size // 2)
                emit(ev.make_event(ev.NOTICE, level="warning", trial_id=tuner.current_trial_id,
                                   message=f"Out of memory at batch size {batch_size}; retrying this trial "
                                           f"once at batch size {half}. ({str(exc).splitlines()[0][:200]})"))
                import keras

                keras.backend.clear_session()
                model = self.build(hp)
                return self._fit_once(hp, model, half, tuner, kwargs)

        def _fit_once(self, hp, model, batch_size, tuner, kwargs):
            limit = os.environ.get(FAULT_OOM_ABOVE_BATCH)
            if limit and batch_size > int(limit):
                raise tf.errors.ResourceExhaustedError(None, None, f"OOM when allocating a batch of {batch_size} "
                                                       "(fault injected for testing)")
            # Read, not popped: the out-of-memory retry fits again with the same callbacks.
            callbacks = [_deferred_checkpoint(cb, val) for cb in kwargs.get("callbacks") or []]
            fit_kwargs = {k: v for k, v in kwargs.items() if k != "callbacks"}
            nan_trials = os.environ.get(FAULT_NAN_TRIALS, "").split(",")
            if tuner.current_trial_id is not None and str(_trial_number(tuner.current_trial_id)) in nan_trials:
                callbacks.append(_PoisonWeights())
            tuner._steps[tuner.current_trial_id] = steps_per_epoch(len(train), batch_size)
            train_ds = make_dataset(train, config.image_size, batch_size, shuffle=True,
                                    seed=config.seed, num_classes=num_classes)
            val_ds = make_dataset(val, config.image_size, batch_size, shuffle=False,
                                  seed=config.seed, num_classes=num_classes)
            # The datasets shuffle themselves; Keras would only warn about its own shuffle flag.
            return model.fit(train_ds, validation_data=val_ds, shuffle=False, callbacks=callbacks,
                             class_weight=class_weight, **fit_kwargs)

    return StudioHyperModel()


def _deferred_checkpoint(callback, val=None):
    """Keras Tuner's best-epoch checkpoint, kept in memory and written once when the fit ends.

    ``SaveBestEpoch`` writes the weights file after every improving epoch, which costs more
    than a small model's whole epoch (~0.3 s of Keras' saving code). The file it leaves is
    the same: the weights of the best epoch. A fit cut short by cancel or a crash writes
    nothing, and that trial runs again on resume anyway. Other callbacks pass through.
    """
    from keras_tuner.src.engine.tuner_utils import SaveBestEpoch

    if type(callback) is not SaveBestEpoch:
        return callback
    import keras

    class BestEpochInMemory(keras.callbacks.Callback):
        def __init__(self, original):
            super().__init__()
            self.original = original
            self.best_weights = None

        def on_epoch_end(self, epoch, logs=None):
            objective = self.original.objective
            if objective.has_value(logs):
                value = objective.get_value(logs)
                if not objective.better_than(value, self.original.best_value):
                    return
                self.original.best_value = value
            self.best_weights = self.model.get_weights()  # numpy copies

        def on_train_end(self, logs=None):
            if self.best_weights is None:
                return
            current = self.model.get_weights()
            self.model.set_weights(self.best_weights)
            self.original.set_model(self.model)
            self.original._save_model()
            if val is not None:  # the best epoch's per-image predictions, beside its checkpoint
                from .predictions import save_after_fit

                save_after_fit(self.model, val, Path(self.original.filepath).parent)
            self.model.set_weights(current)  # what the fit left (e.g. early stopping's restore)
            self.best_weights = None

    return BestEpochInMemory(callback)


def _PoisonWeights():
    """Fault injection: NaN output weights, so the real forward pass yields a non-finite loss."""
    import keras
    import numpy as np

    class PoisonWeights(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            layer = self.model.get_layer("logits")
            layer.kernel.assign(np.full(layer.kernel.shape, np.nan, dtype="float32"))

    return PoisonWeights()


def _batch_size(hp) -> int:
    return int(hp.values.get("batch_size", 32))


# --------------------------------------------------------------------------- the search


def _objective(config: SearchConfig):
    import keras_tuner as kt

    return kt.Objective(config.objective, direction="max" if config.objective.endswith("accuracy") else "min")


def build_tuner(config: SearchConfig, search_dir: Path, hypermodel, distribution_strategy=None):
    import keras_tuner as kt

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
    return tuner


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


def _device_info(config: SearchConfig) -> tuple[dict, bool]:
    from .devices import configure_devices

    info = configure_devices()
    return info, bool(config.mixed_precision and info["mixed_precision_available"])


def _completed_before(search_dir: Path) -> dict[str, dict]:
    """Trial summaries already recorded (for a resumed search), by trial id."""
    done = {}
    for event in read_events(search_dir):
        if event.get("type") == ev.TRIAL_ENDED:
            done[event["trial_id"]] = event
    return done


def open_search(config: SearchConfig, search_dir: str | Path | None, resume: bool
                ) -> tuple[SearchConfig, Path, BudgetClock]:
    """The search's folder (created), its config (the saved one on resume) and its budget clock
    (counting the time spent before a resume). Also used by the distributed chief."""
    if resume and not search_dir:
        raise SearchError("resume needs the search folder")
    search_dir = Path(search_dir) if search_dir else new_search_dir(config)
    search_dir.mkdir(parents=True, exist_ok=True)
    spent_before = 0.0
    if resume:
        saved = load_search_info(search_dir)
        config = SearchConfig.from_dict(saved["config"])
        spent_before = float(saved.get("budget_spent") or 0.0)
    # The budget counts from here: scanning and decoding the images are part of the search.
    clock = BudgetClock(config.time_budget if isinstance(config.time_budget, (int, float)) else 0, spent_before)
    return config, search_dir, clock


def run_search(config: SearchConfig, listener: ev.Listener, cancel: ev.CancelToken | None = None,
               search_dir: str | Path | None = None, resume: bool = False,
               max_trials_in_process: int | None = None) -> dict:
    """Run (or resume) a search in this thread; report events to ``listener``; return the final event.

    Never raises for problems in the data, the config or training: they end the search with a
    ``search_finished`` event whose status is ``failed`` and whose ``error`` says why.

    ``max_trials_in_process``: stop (resumable) before starting a trial once this many ran here,
    returning a ``recycle`` event instead of ``search_finished``; the supervisor of a child process
    uses it to hand TensorFlow's per-trial memory back to the system and resume in a fresh child.
    """
    cancel = cancel or ev.NeverCancel()
    started = time.time()
    config, search_dir, clock = open_search(config, search_dir, resume)
    events_file = open(search_dir / EVENTS_FILE, "a", encoding="utf-8")

    def emit(event: dict) -> None:
        events_file.write(json.dumps(event, ensure_ascii=False) + "\n")
        events_file.flush()
        try:
            listener(event)
        except Exception:  # noqa: BLE001 - a broken listener must not kill training
            traceback.print_exc(file=sys.stderr)

    previous = _completed_before(search_dir) if resume else {}
    state: dict[str, Any] = {"tuner": None, "clock": clock, "reason": "", "test": None}
    final_status, error = ev.COMPLETED, ""
    # Keras Tuner prints ("Reloading Tuner...", failed trials); keep stdout clean for --json.
    with contextlib.redirect_stdout(sys.stderr):
        try:
            config.check()
            info = _prepare_split(config, search_dir, resume, emit)
            _update_search_info(search_dir, status="running")
            final_status, error = _search(config, info, search_dir, resume, emit, cancel, state, previous,
                                          max_trials_in_process)
        except SearchError as exc:
            final_status, error = ev.FAILED, str(exc)
        except Exception as exc:  # noqa: BLE001 - reported to the user, with the traceback on stderr
            traceback.print_exc(file=sys.stderr)
            final_status, error = ev.FAILED, _explain(exc)
        if final_status == RECYCLE:
            recycle = ev.make_event(RECYCLE, search_dir=str(search_dir), pid=os.getpid(),
                                    completed_trials=sum(1 for t in state["tuner"].oracle.trials.values()
                                                         if t.status == "COMPLETED"))
            _save_budget_spent(search_dir, clock)
            listener(recycle)  # not in events.jsonl: it says nothing about the search itself
            events_file.close()
            return recycle
        final = _final_event(state.get("tuner"), final_status, error, started, search_dir, previous)
        final["reason"] = state["reason"] or _default_reason(final["status"], error)
        final["test_accuracy"] = state["test"]
        final["final_model"] = state.get("final_model")
        final["time_budget"] = clock.budget or None
        final["elapsed"] = clock.elapsed()
        try:
            _update_search_info(search_dir, status=final_status, finished=time.time(),
                                best_trial_id=final["best_trial_id"], best_score=final["best_score"],
                                budget_spent=clock.elapsed(), end_reason=final["reason"],
                                final_model=state.get("final_model"),
                                **({"test_scores": {_final_key(state.get("final_model"), final["best_trial_id"]):
                                                    state["test"]}} if state["test"] is not None else {}))
        except (SearchError, OSError):
            pass
        emit(final)
    events_file.close()
    return final


def _final_key(final_model: dict | None, best_trial_id: str | None) -> str | None:
    """Key of the final model in ``test_scores``: its trial id, or ``ensemble:ID,ID`` (as export names it)."""
    if final_model and len(final_model["trials"]) > 1:
        return "ensemble:" + ",".join(final_model["trials"])
    return best_trial_id


def _default_reason(status: str, error: str) -> str:
    if status == ev.CANCELLED:
        return "Stopped by you. Finished trials are kept; resume to continue."
    if status == ev.FAILED:
        return error
    return "All planned trials ran."


def _save_budget_spent(search_dir: Path, clock: BudgetClock) -> None:
    try_update_search_info(search_dir, budget_spent=clock.elapsed())


def try_update_search_info(search_dir: Path, **changes: Any) -> bool:
    """Record ``changes`` in search.json when possible; the search result stands without them."""
    try:
        _update_search_info(search_dir, **changes)
        return True
    except (SearchError, OSError):
        return False


def _explain(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    if "Number of consecutive failures" in str(exc):
        text = ("Stopped: several trials failed in a row, so the search would only keep failing. "
                "See the failed trials' reasons.")
    return text


def _search(config, info, search_dir, resume, emit, cancel, state, previous,
            max_trials_in_process=None, cache_root: Path | None = None) -> tuple[str, str]:
    """``cache_root``: where tf.data caches decoded images (default ``search_dir/cache``; a
    distributed worker keeps its own, since caches cannot be shared between processes)."""
    import gc

    import keras

    from .models import resolve_backbone_weights
    from .multi_gpu import mirrored_strategy
    from .pipeline import choose_cache, load_split

    device, mixed = _device_info(config)
    if config.mixed_precision and not mixed:
        emit(ev.make_event(ev.NOTICE, level="info",
                           message="Mixed precision needs a GPU; training in float32 on the CPU."))
    keras.config.disable_interactive_logging()
    if config.deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
        # Random ops without a seed are refused from now on (the estimate's benchmark tensors too).
        keras.utils.set_random_seed(config.seed)
    classes = info["classes"]
    splits = info["splits"]
    train_rows, val_rows = splits["train"], splits["val"]
    clock: BudgetClock = state["clock"]
    config, first_epoch_estimate = _plan(config, info, search_dir, emit, clock)
    cache = choose_cache(config.cache, len(train_rows) + len(val_rows), config.image_size)
    cache_root = cache_root or search_dir / "cache"
    for stale in cache_root.glob("*.lockfile") if cache_root.exists() else []:
        stale.unlink(missing_ok=True)  # left by an interrupted first epoch; tf.data refuses otherwise
    train = load_split([r[0] for r in train_rows], [r[1] for r in train_rows], config.image_size, cache,
                       str(cache_root / "train"))
    if cancel.is_set():
        return ev.CANCELLED, ""
    val = load_split([r[0] for r in val_rows], [r[1] for r in val_rows], config.image_size, cache,
                     str(cache_root / "val"))
    for name, split in (("training", train), ("validation", val)):
        if split.skipped:
            emit(ev.make_event(ev.NOTICE, level="warning",
                               message=f"{split.skipped} {name} image(s) could not be read any more "
                                       "(moved, deleted or changed since the scan) and were left out."))
        if len(split) == 0:
            raise SearchError(f"No {name} images could be read: has the folder moved?")
    weights, notice = resolve_backbone_weights(config)
    if notice:
        emit(ev.make_event(ev.NOTICE, level="warning", message=notice))
    class_weight = _class_weight(config, train.labels, classes, emit)
    hypermodel = _make_hypermodel(config, train, val, len(classes), mixed, weights, emit, state, class_weight)
    strategy, notice = mirrored_strategy(config)
    if notice:
        emit(ev.make_event(ev.NOTICE, level="info", message=notice))
    tuner = build_tuner(config, search_dir, hypermodel, strategy)
    state["tuner"] = tuner
    tuner.setup_reporting(emit, cancel, classes, config.epochs, config)
    maximize = config.objective.endswith("accuracy")
    planner = BudgetPlanner(clock, config.epochs, maximize=maximize, plateau_trials=config.plateau_trials,
                            prune=config.tuner != "hyperband")
    planner.objective_name = config.objective
    planner.restore([e for e in previous.values()])
    tuner.setup_budget(planner, first_epoch_estimate, None)
    tuner.recycle_after = max_trials_in_process
    completed = sum(1 for t in tuner.oracle.trials.values() if t.status == "COMPLETED")
    emit(ev.make_event(
        ev.SEARCH_STARTED, search_id=info["search_id"], name=info.get("name"), search_dir=str(search_dir),
        config=config.to_dict(), device=device["device"], devices=device["gpus"], mixed_precision=mixed,
        classes=classes, train_count=len(train), val_count=len(val), test_count=len(splits.get("test", [])),
        max_trials=_planned_trials(config), resumed=bool(resume), completed_trials=completed,
        dataset_fingerprint=info.get("dataset_fingerprint"), versions=info.get("versions", {}),
        cache=cache, pid=os.getpid(), time_budget=clock.budget or None, budget_spent_before=clock.spent_before,
        image_size=config.image_size, class_weights=bool(class_weight)))
    callbacks = []
    if config.early_stopping:
        callbacks.append(keras.callbacks.EarlyStopping(monitor=config.objective, patience=config.patience,
                                                       mode="max" if config.objective.endswith("accuracy") else "min",
                                                       restore_best_weights=config.restore_best_weights))
    if config.tensorboard:
        # Keras Tuner gives each trial its own log folder and writes HParams for it.
        callbacks.append(_scalar_tensorboard(log_dir=str(search_dir / "tensorboard"), write_graph=False,
                                             profile_batch=0, update_freq="epoch"))
    # Freeze the objects created so far (TensorFlow's are many): each trial's collections then
    # scan only new objects, which keeps trial switches short.
    gc.collect()
    gc.freeze()
    try:
        tuner.search(epochs=config.epochs, callbacks=callbacks, verbose=0)
    except tuner.cancelled_error:
        running = tuner.current_trial_id
        if running is not None:
            emit(ev.make_event(ev.TRIAL_ENDED, trial_id=running, number=_trial_number(running),
                               status="CANCELLED", score=None, best_step=None,
                               duration=time.time() - tuner._trial_started.get(running, time.time()),
                               message="stopped by user; it will run again on resume",
                               hyperparameters=dict(tuner.oracle.get_trial(running).hyperparameters.values),
                               history=tuner._history.get(running, {}), confusion=None))
        _finish(tuner, config, search_dir, splits, len(classes), state, emit)
        return ev.CANCELLED, ""
    except tuner.recycle_error:
        return RECYCLE, ""
    except tuner.budget_error:
        state["reason"] = planner.stop_reason or "The time budget is spent."
    finally:
        gc.unfreeze()
    if not state["reason"]:
        done = len(tuner.oracle.trials)
        state["reason"] = (f"All {done} trial{'s' if done != 1 else ''} ran" +
                           (f" within the {format_duration(clock.budget)} budget." if clock.limited else "."))
    if planner.stop_kind == STOP_BUDGET and clock.limited:
        detail = planner.stop_reason if planner.stop_reason != "The time budget is spent." else ""
        state["reason"] = f"Time budget of {format_duration(clock.budget)} reached. {detail}".strip()
    tuner.prune_checkpoints()
    _finish(tuner, config, search_dir, splits, len(classes), state, emit)
    return ev.COMPLETED, ""


def _plan(config: SearchConfig, info: dict, search_dir: Path, emit, clock: BudgetClock):
    """Resolve the automatic choices (image size, widths that fit, the first trial's width) from
    measurements, once per search; a resumed search keeps what was chosen."""
    from .estimate import plan_search

    if info.get("plan"):
        return config, info["plan"].get("epoch_seconds")
    splits = info["splits"]
    plan = plan_search(config, int(info.get("native_size") or 0), len(info["classes"]), len(splits["train"]),
                       len(splits["val"]), clock.remaining())
    for message in plan.notices:
        emit(ev.make_event(ev.NOTICE, level="warning", message=message))
    estimates = [e.to_dict() for e in plan.estimates]
    timed = [e for e in plan.estimates if e.epoch_seconds]
    chosen = plan.config
    summary = (f"Image size {chosen.image_size} px" +
               (f" (chosen for {format_duration(clock.budget)})" if config.image_size == "auto" else ""))
    if timed:
        summary += "; measured epoch times: " + ", ".join(
            f"width {e.width} at {e.image_size} px ~{e.epoch_seconds:.0f} s" for e in timed)
    emit(ev.make_event(ev.NOTICE, level="info", reason="estimate", message=summary + ".", estimates=estimates))
    _update_search_info(search_dir, config=chosen.to_dict(),
                        plan={"epoch_seconds": plan.epoch_seconds, "estimates": estimates})
    return chosen, plan.epoch_seconds


def _class_weight(config: SearchConfig, labels, classes: list[str], emit) -> dict | None:
    """Balanced class weights when asked for, or ("auto") when the classes are heavily imbalanced."""
    import numpy as np

    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=len(classes)).tolist()
    on = config.class_weights is True or (
        config.class_weights == "auto" and heavily_imbalanced(dict(zip(classes, counts))))
    if not on:
        return None
    weights = balanced_class_weights(counts)
    if config.class_weights == "auto":
        emit(ev.make_event(ev.NOTICE, level="info",
                           message="The classes are heavily imbalanced, so each is weighted by the inverse of "
                                   "its share of the training images (class weights on)."))
    return weights


def _finish(tuner, config: SearchConfig, search_dir: Path, splits: dict, num_classes: int, state: dict,
            emit) -> None:
    """After the trials: choose the final model (the best trial, or the average of the best few
    when that scores higher on validation) and score it once on the locked test split."""
    from .final_model import ENSEMBLE, choose_final_model, describe

    try:
        final_model = choose_final_model(search_dir, config.objective)
    except Exception:  # noqa: BLE001 - the best trial stands as the final model without it
        traceback.print_exc(file=sys.stderr)
        final_model = None
    state["final_model"] = final_model
    if final_model and final_model["kind"] == ENSEMBLE:
        emit(ev.make_event(ev.NOTICE, level="info", reason="final_model", final_model=final_model,
                           message=describe(final_model)))
    _score_final_on_test(tuner, config, splits, num_classes, state, emit)


def _score_final_on_test(tuner, config: SearchConfig, splits: dict, num_classes: int, state: dict, emit) -> None:
    """Score the final model once on the locked test split: the honest estimate."""
    rows = splits.get("test") or []
    if not rows:
        return
    try:
        final_model = state.get("final_model")
        if final_model:
            trials = [tuner.oracle.get_trial(t) for t in final_model["trials"]]
        else:
            trials = [t for t in tuner.oracle.get_best_trials(1) if t.status == "COMPLETED"]
        if not trials:
            return
        state["test"] = score_trial_on_rows(tuner, trials, config, rows, num_classes)
    except Exception as exc:  # noqa: BLE001 - the search result stands without it
        traceback.print_exc(file=sys.stderr)
        emit(ev.make_event(ev.NOTICE, level="warning", message=f"Could not score the test split: {exc}"))


def score_trial_on_rows(tuner, trials, config: SearchConfig, rows: list, num_classes: int) -> float | None:
    """Accuracy on ``rows`` ([decodable path, label, original path]) of a trial's kept weights, or
    of the mean probability of several trials' (a list)."""
    import numpy as np

    from .pipeline import load_split, make_dataset

    split = load_split([r[0] for r in rows], [r[1] for r in rows], config.image_size, "memory")
    if len(split) == 0:
        return None
    ds = make_dataset(split, config.image_size, 64, shuffle=False, seed=config.seed)
    members = trials if isinstance(trials, (list, tuple)) else [trials]
    probs = np.mean([tuner.load_model(trial).predict(ds, verbose=0) for trial in members], axis=0)
    return float(np.mean(np.argmax(probs, axis=-1) == split.labels))


def _scalar_tensorboard(**kwargs):
    """TensorBoard that logs only scalars (the confusion matrix is not one)."""
    import keras

    def scalars(logs):
        return {k: v for k, v in (logs or {}).items() if "confusion" not in k}

    # Keras Tuner recognises the callback by its class name to give each trial a folder + HParams.
    class TensorBoard(keras.callbacks.TensorBoard):
        def on_epoch_end(self, epoch, logs=None):
            super().on_epoch_end(epoch, scalars(logs))

        def on_test_end(self, logs=None):
            super().on_test_end(scalars(logs))

        def on_train_batch_end(self, batch, logs=None):
            # Keras writes batch_* scalars after every batch even with update_freq="epoch", where
            # no writer receives them: ~2 ms per batch spent for nothing.
            if self.update_freq != "epoch":
                super().on_train_batch_end(batch, scalars(logs))

    return TensorBoard(**kwargs)


def _planned_trials(config: SearchConfig) -> int | None:
    if config.tuner == "hyperband":
        return config.max_trials
    if config.tuner == "grid":
        return None  # Grid search stops when its grid is exhausted or at max_trials, whichever first
    return config.max_trials


def _final_event(tuner, status: str, error: str, started: float, search_dir: Path, previous: dict) -> dict:
    trials, best = [], None
    if tuner is not None:
        ended = {**previous, **getattr(tuner, "ended_events", {})}
        for trial in sorted(tuner.oracle.trials.values(), key=lambda t: _trial_number(t.trial_id)):
            summary = ended.get(trial.trial_id, {})
            if trial.status == "RUNNING":
                trial_status = "CANCELLED"
            else:
                trial_status = str(trial.status)
            trials.append(ev.plain({
                "trial_id": trial.trial_id, "number": _trial_number(trial.trial_id), "status": trial_status,
                "score": trial.score, "hyperparameters": dict(trial.hyperparameters.values),
                "duration": summary.get("duration"),
                "message": _failure_reason(trial.message) if trial_status in ("FAILED", "INVALID") else "",
                "stopped": summary.get("stopped"), "epochs_planned": summary.get("epochs_planned"),
                "epochs_run": summary.get("epochs_run"),
            }))
        completed = [t for t in tuner.oracle.trials.values() if t.status == "COMPLETED" and t.score is not None]
        if completed:
            best_list = tuner.oracle.get_best_trials(1)
            best = best_list[0] if best_list and best_list[0].status == "COMPLETED" else None
    if status == ev.COMPLETED and tuner is not None and best is None:
        status = ev.FAILED
        reasons = [t["message"] for t in trials if t["message"]]
        error = "No trial completed." + (f" Last failure: {reasons[-1]}" if reasons else "")
    return ev.make_event(
        ev.SEARCH_FINISHED, status=status, error=error,
        best_trial_id=best.trial_id if best else None, best_score=best.score if best else None,
        best_hyperparameters=dict(best.hyperparameters.values) if best else None,
        trials=trials, duration=time.time() - started, search_dir=str(search_dir))
