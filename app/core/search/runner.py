"""Run a Keras Tuner search and report its progress as plain events.

``run_search`` works in the calling thread; ``app.core.search.process.run_search_in_subprocess`` runs the
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
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from app.core.search import events as ev
from app.core.search.planning.budget import BUDGET_SPENT, STOP_BUDGET, BudgetClock, BudgetPlanner
from app.core.options.config import SearchConfig
from app.core.options.duration import format_duration
from app.core.search.calibration import calibrate_search
from app.core.search.planning.search_plan import budget_planner, class_weight_for, plan_for_budget, resolve_architecture_for
from app.core.search.final_model import ENSEMBLE, choose_final_model, describe as describe_final_model
from app.core.model.models import early_stopping
from app.core.search.transfer_plan import staged_transfer
from app.core.search.search_dir import (
    EVENTS_FILE, SearchError, load_search_info, read_events,
    try_update_search_info, update_search_info,
)
from app.core.search.search_setup import new_search_dir, prepare_split
from app.core.search.stages import LOADING, SCANNING, STARTING_TENSORFLOW, StageReporter
from app.core.search.search_state import lower_is_better, objective_direction
from app.core.util.i18n import QT_TRANSLATE_NOOP
from app.core.util.messages import message
from app.core.search.trial_model import make_hypermodel
from app.core.util.diskspace import disk_full_message, is_disk_full, largest_file
from app.core.search.trial_tuner import (
    failure_reason, build_tuner,
)

def _device_info(config: SearchConfig) -> tuple[dict, bool]:
    from app.core.search.devices import configure_devices

    info = configure_devices()
    return info, bool(config.mixed_precision and info["mixed_precision_available"])


def _no_mixed_precision() -> str:
    return message(QT_TRANSLATE_NOOP(
        "CoreMessages", "Mixed precision needs a GPU with fast float16 (compute capability 7.0 or later); "
        "training in float32.", "search.mixed_needs_fp16_gpu"))


def _completed_before(search_dir: Path) -> dict[str, dict]:
    """Trial summaries already recorded (for a resumed search), by trial id."""
    done = {}
    for event in ev.of_type(read_events(search_dir), ev.TRIAL_ENDED):
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
        full = _append_event(events_file, event)
        try:
            listener(event)
        except Exception:  # noqa: BLE001 - a broken listener must not kill training
            traceback.print_exc(file=sys.stderr)
        if full is not None and not ev.is_type(event, ev.SEARCH_FINISHED):
            raise full  # the search stops (resumable); its last word still reaches the listener

    previous = _completed_before(search_dir) if resume else {}
    state: dict[str, Any] = {"tuner": None, "clock": clock, "reason": "", "test": None}
    final_status, error = ev.COMPLETED, ""
    # Keras Tuner prints ("Reloading Tuner...", failed trials); keep stdout clean for --json.
    with contextlib.redirect_stdout(sys.stderr):
        try:
            config.check()
            stages = state["stages"] = StageReporter(emit, clock)
            stages(SCANNING)
            info = prepare_split(config, search_dir, resume, emit)
            update_search_info(search_dir, status="running")
            stages(STARTING_TENSORFLOW)
            final_status, error = execute_search(config, info, search_dir, resume, emit, cancel, state, previous,
                                          max_trials_in_process)
        except SearchError as exc:
            final_status, error = ev.FAILED, str(exc)
        except Exception as exc:  # noqa: BLE001 - reported to the user, with the traceback on stderr
            if not is_disk_full(exc):  # a full disk is said in one message, not a traceback
                traceback.print_exc(file=sys.stderr)
            final_status, error = ev.FAILED, explain_error(exc, search_dir)
        if final_status == ev.RECYCLE:
            recycle = ev.make_event(ev.RECYCLE, search_dir=str(search_dir), pid=os.getpid(),
                                    completed_trials=sum(1 for t in state["tuner"].oracle.trials.values()
                                                         if t.status == "COMPLETED"))
            _save_budget_spent(search_dir, clock)
            listener(recycle)  # not in events.jsonl: it says nothing about the search itself
            _close_quietly(events_file)
            return recycle
        final = final_event(state.get("tuner"), final_status, error, started, search_dir, previous)
        ev.put(final, "reason", state["reason"] or default_reason(final["status"], error))
        final["test_accuracy"] = state["test"]
        final["final_model"] = state.get("final_model")
        final["time_budget"] = clock.budget or None
        final["elapsed"] = clock.elapsed()
        try:
            update_search_info(search_dir, status=final_status, finished=time.time(),
                                best_trial_id=final["best_trial_id"], best_score=final["best_score"],
                                budget_spent=clock.elapsed(), end_reason=final["reason"],
                                final_model=state.get("final_model"),
                                **({"test_scores": {_final_key(state.get("final_model"), final["best_trial_id"]):
                                                    state["test"]}} if state["test"] is not None else {}))
        except (SearchError, OSError):
            pass
        emit(final)
    _close_quietly(events_file)
    return final


def _append_event(events_file, event: dict) -> OSError | None:
    """Append ``event`` to events.jsonl; a full disk is returned (to stop the search), not raised."""
    try:
        events_file.write(json.dumps(event, ensure_ascii=False) + "\n")
        events_file.flush()
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        return exc
    return None


def _close_quietly(events_file) -> None:
    try:
        events_file.close()
    except OSError:
        pass  # a full disk: what could be written was; the final event reached the listener


def _final_key(final_model: dict | None, best_trial_id: str | None) -> str | None:
    """Key of the final model in ``test_scores``: its trial id, or ``ensemble:ID,ID`` (as export names it)."""
    if final_model and len(final_model["trials"]) > 1:
        return "ensemble:" + ",".join(final_model["trials"])
    return best_trial_id


def default_reason(status: str, error: str) -> str:
    if status == ev.CANCELLED:
        return message(QT_TRANSLATE_NOOP("CoreMessages", "Stopped by you. Finished trials are kept; resume to continue.",
                                         "search.stopped_by_user"))
    if status == ev.FAILED:
        return error
    return message(QT_TRANSLATE_NOOP("CoreMessages", "All planned trials ran.", "search.all_planned_ran"))


def _end_reason(planner: BudgetPlanner, clock: BudgetClock, trials: int, reason: str) -> str:
    """Why a search that was not stopped ended: the budget, the plateau rule, or every trial ran."""
    budget = format_duration(clock.budget) if clock.limited else ""
    if planner.stop_kind == STOP_BUDGET and clock.limited:
        if planner.stop_reason and planner.stop_reason != BUDGET_SPENT:
            return message(QT_TRANSLATE_NOOP("CoreMessages", "Time budget of {budget} reached. {detail}",
                                             "search.budget_reached_because"), budget=budget, detail=planner.stop_reason)
        return message(QT_TRANSLATE_NOOP("CoreMessages", "Time budget of {budget} reached.", "search.budget_reached"),
                       budget=budget)
    if reason:
        return reason
    if clock.limited:
        template = (QT_TRANSLATE_NOOP("CoreMessages", "All 1 trial ran within the {budget} budget.",
                                      "search.one_trial_ran_in_budget") if trials == 1 else
                    QT_TRANSLATE_NOOP("CoreMessages", "All {done} trials ran within the {budget} budget.",
                                      "search.all_trials_ran_in_budget"))
        return message(template, done=trials, budget=budget)
    template = (QT_TRANSLATE_NOOP("CoreMessages", "All 1 trial ran.", "search.one_trial_ran") if trials == 1 else
                QT_TRANSLATE_NOOP("CoreMessages", "All {done} trials ran.", "search.all_trials_ran"))
    return message(template, done=trials)


def _save_budget_spent(search_dir: Path, clock: BudgetClock) -> None:
    try_update_search_info(search_dir, budget_spent=clock.elapsed())


def explain_error(exc: BaseException, search_dir: str | Path | None = None) -> str:
    if is_disk_full(exc):
        # A trial needs room for its checkpoints (the best and the latest) and the search's records.
        need = 2 * largest_file(search_dir, "*.weights.h5") + 16 * 2**20 if search_dir else 64 * 2**20
        return disk_full_message("The search", search_dir or "the search folder", need,
                                 "resume the search")
    text = f"{type(exc).__name__}: {exc}"
    if "Number of consecutive failures" in str(exc):
        text = ("Stopped: several trials failed in a row, so the search would only keep failing. "
                "See the failed trials' reasons.")
    return text


def execute_search(config, info, search_dir, resume, emit, cancel, state, previous,
            max_trials_in_process=None, cache_root: Path | None = None) -> tuple[str, str]:
    """``cache_root``: where tf.data caches decoded images (default ``search_dir/cache``; a
    distributed worker keeps its own, since caches cannot be shared between processes)."""
    import keras

    from app.core.model.models import resolve_backbone_weights
    from app.core.search.multi_gpu import mirrored_strategy

    device, mixed = _device_info(config)
    if config.mixed_precision and not mixed and device["gpus"]:  # the CPU trains in float32 silently
        emit(ev.make_event(ev.NOTICE, level="info", message=_no_mixed_precision()))
    keras.config.disable_interactive_logging()
    if config.deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
        # Random ops without a seed are refused from now on (the estimate's benchmark tensors too).
        keras.utils.set_random_seed(config.seed)
    config = resolve_architecture_for(config, info, emit)
    if (info.get("plan") or {}).get("transfer") and not staged_transfer(config):
        raise SearchError(f"This search started from pretrained {config.architecture} weights that are no longer on "
                          "this machine: fetch or import them again to resume it.")
    if staged_transfer(config):  # pretrained weights at hand: features, head trials, fine-tuning
        from app.core.search.transfer.transfer_search import run_staged

        return run_staged(config, info, search_dir, resume, emit, cancel, state, previous, device, mixed)
    classes = info["classes"]
    splits = info["splits"]
    clock: BudgetClock = state["clock"]
    config, first_epoch_estimate = plan_for_budget(config, info, search_dir, emit, clock, state.get("stages"))
    (state.get("stages") or (lambda *_: None))(LOADING)  # a distributed worker reports no stages
    loaded = _load_splits(config, splits, cache_root or search_dir / "cache", emit, cancel)
    if loaded is None:
        return ev.CANCELLED, ""
    train, val, cache = loaded
    weights, notice = resolve_backbone_weights(config)
    if notice:
        emit(ev.make_event(ev.NOTICE, level="warning", message=notice))
    class_weight = class_weight_for(config, train.labels, classes, emit)
    hypermodel = make_hypermodel(config, train, val, len(classes), mixed, weights, emit, state, class_weight,
                                 jit_compile=(info.get("plan") or {}).get("compile", {}).get("jit_compile", "auto"))
    strategy, notice = mirrored_strategy(config)
    if notice:
        emit(ev.make_event(ev.NOTICE, level="info", message=notice))
    tuner = build_tuner(config, search_dir, hypermodel, strategy)
    state["tuner"] = tuner
    tuner.setup_reporting(emit, cancel, classes, config.epochs, config)
    planner = budget_planner(config, clock, len(train), len(val))
    planner.restore([e for e in previous.values()])
    tuner.setup_budget(planner, first_epoch_estimate, None)
    tuner.recycle_after = max_trials_in_process
    completed = sum(1 for t in tuner.oracle.trials.values() if t.status == "COMPLETED")
    emit(ev.make_event(
        ev.SEARCH_STARTED, search_id=info["search_id"], name=info.get("name"), search_dir=str(search_dir),
        config=config.to_dict(), device=device["device"], devices=device["gpus"], mixed_precision=mixed,
        classes=classes, train_count=len(train), val_count=len(val), test_count=len(splits.get("test", [])),
        max_trials=planned_trials(config), resumed=bool(resume), completed_trials=completed,
        dataset_fingerprint=info.get("dataset_fingerprint"), versions=info.get("versions", {}),
        cache=cache, pid=os.getpid(), time_budget=clock.budget or None, budget_spent_before=clock.spent_before,
        budget_spent=clock.elapsed(),
        image_size=config.image_size, class_weights=bool(class_weight)))
    return _run_tuner(tuner, planner, config, search_dir, splits, len(classes), state, emit)


def _load_splits(config: SearchConfig, splits: dict, cache_root: Path, emit, cancel):
    """(train, val, cache kind) read for training; None when the search was stopped meanwhile."""
    from app.core.data.pipeline import choose_cache, load_split

    train_rows, val_rows = splits["train"], splits["val"]
    cache = choose_cache(config.cache, len(train_rows) + len(val_rows), config.image_size)
    for stale in cache_root.glob("*.lockfile") if cache_root.exists() else []:
        stale.unlink(missing_ok=True)  # left by an interrupted first epoch; tf.data refuses otherwise
    train = load_split([r[0] for r in train_rows], [r[1] for r in train_rows], config.image_size, cache,
                       str(cache_root / "train"))
    if cancel.is_set():
        return None
    val = load_split([r[0] for r in val_rows], [r[1] for r in val_rows], config.image_size, cache,
                     str(cache_root / "val"))
    unreadable = {"training": QT_TRANSLATE_NOOP("CoreMessages", "{count} training image(s) could not be read any "
                                                "more (moved, deleted or changed since the scan) and were left out.",
                                                "search.training_images_unreadable"),
                  "validation": QT_TRANSLATE_NOOP("CoreMessages", "{count} validation image(s) could not be read any "
                                                  "more (moved, deleted or changed since the scan) and were left out.",
                                                  "search.validation_images_unreadable")}
    for name, split in (("training", train), ("validation", val)):
        if split.skipped:
            emit(ev.make_event(ev.NOTICE, level="warning", message=message(unreadable[name], count=split.skipped)))
        if len(split) == 0:
            raise SearchError(f"No {name} images could be read: has the folder moved?")
    return train, val, cache


def _search_callbacks(config: SearchConfig, search_dir: Path) -> list:
    callbacks = []
    if config.early_stopping:
        callbacks.append(early_stopping(monitor=config.objective, patience=config.patience,
                                        mode=objective_direction(config.objective),
                                        restore_best_weights=config.restore_best_weights))
    if config.tensorboard:
        # Keras Tuner gives each trial its own log folder and writes HParams for it.
        callbacks.append(_scalar_tensorboard(log_dir=str(search_dir / "tensorboard"), write_graph=False,
                                             profile_batch=0, update_freq="epoch"))
    return callbacks


def _run_tuner(tuner, planner: BudgetPlanner, config: SearchConfig, search_dir: Path, splits: dict,
               num_classes: int, state: dict, emit) -> tuple[str, str]:
    """Run the search itself; the outcome and why it ended (``state["reason"]``)."""
    import gc

    clock: BudgetClock = state["clock"]
    callbacks = _search_callbacks(config, search_dir)
    # Freeze the objects created so far (TensorFlow's are many): each trial's collections then
    # scan only new objects, which keeps trial switches short.
    gc.collect()
    gc.freeze()
    try:
        tuner.search(epochs=config.epochs, callbacks=callbacks, verbose=0)
    except tuner.cancelled_error:
        running = tuner.current_trial_id
        if running is not None:
            emit(ev.make_event(ev.TRIAL_ENDED, trial_id=running, number=ev.trial_number(running),
                               status="CANCELLED", score=None, best_step=None,
                               duration=time.time() - tuner._trial_started.get(running, time.time()),
                               message="stopped by user; it will run again on resume",
                               hyperparameters=dict(tuner.oracle.get_trial(running).hyperparameters.values),
                               history=tuner._history.get(running, {}), confusion=None))
        _finish(tuner, config, search_dir, splits, num_classes, state, emit)
        return ev.CANCELLED, ""
    except tuner.recycle_error:
        return ev.RECYCLE, ""
    except tuner.budget_error:
        state["reason"] = planner.stop_reason or BUDGET_SPENT
    finally:
        gc.unfreeze()
    state["reason"] = _end_reason(planner, clock, len(tuner.oracle.trials), state["reason"])
    tuner.prune_checkpoints()
    _finish(tuner, config, search_dir, splits, num_classes, state, emit)
    return ev.COMPLETED, ""


def _finish(tuner, config: SearchConfig, search_dir: Path, splits: dict, num_classes: int, state: dict,
            emit) -> None:
    """After the trials: choose the final model (the best trial, or the average of the best few
    when that scores higher on validation) and score it once on the locked test split."""
    try:
        final_model = choose_final_model(search_dir, config.objective)
    except Exception:  # noqa: BLE001 - the best trial stands as the final model without it
        traceback.print_exc(file=sys.stderr)
        final_model = None
    state["final_model"] = final_model
    if final_model:
        # Temperature and calibration error of the final model, from the kept validation predictions.
        calibrate_search(search_dir, final_model["trials"])
    if final_model and final_model["kind"] == ENSEMBLE:
        emit(ev.make_event(ev.NOTICE, level="info", reason="final_model", final_model=final_model,
                           message=describe_final_model(final_model)))
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

    from app.core.data.pipeline import load_split, make_dataset

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


def planned_trials(config: SearchConfig) -> int | None:
    if config.tuner == "hyperband":
        return config.max_trials
    if config.tuner == "grid":
        return None  # Grid search stops when its grid is exhausted or at max_trials, whichever first
    return config.max_trials


def final_event(tuner, status: str, error: str, started: float, search_dir: Path, previous: dict) -> dict:
    trials, best = [], None
    if tuner is not None:
        ended = {**previous, **getattr(tuner, "ended_events", {})}
        for trial in sorted(tuner.oracle.trials.values(), key=lambda t: ev.trial_number(t.trial_id)):
            summary = ended.get(trial.trial_id, {})
            if trial.status == "RUNNING":
                trial_status = "CANCELLED"
            else:
                trial_status = str(trial.status)
            trials.append(ev.plain({
                "trial_id": trial.trial_id, "number": ev.trial_number(trial.trial_id), "status": trial_status,
                "score": trial.score, "hyperparameters": dict(trial.hyperparameters.values),
                "duration": summary.get("duration"),
                "message": failure_reason(trial.message) if trial_status in ("FAILED", "INVALID") else "",
                "stopped": summary.get("stopped"), "epochs_planned": summary.get("epochs_planned"),
                "epochs_run": summary.get("epochs_run"),
                **({"stage": trial.hyperparameters.values["stage"]} if "stage" in trial.hyperparameters.values
                   else {}),
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
