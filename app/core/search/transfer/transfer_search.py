"""A staged transfer search inside the runner: features once, many head trials, then fine-tuning.

``run_staged`` takes the runner's place for a transfer backbone whose pretrained weights are at
hand (app/core/search/transfer_plan.py), and reports through the same events, search folder, Keras
Tuner project, budget planner and final-model choice. What it adds:

* ``stage`` events (``features`` with images done of all, ``head`` and ``fine_tune`` with their
  share of the budget), and a ``stage`` field on every trial, batch and epoch event;
* the plan in ``search.json`` (``plan.transfer``: size, measured speed, when stage 2 ends), so a
  resumed search continues in the stage it was in;
* the final model: the fine-tuned trial or the best head, whichever scores higher on validation
  (one network: heads on one backbone are not averaged).
"""
from __future__ import annotations

import math
import sys
import time
import traceback
from pathlib import Path

from app.core.search import events as ev
from app.core.options.config import SearchConfig, format_duration
from app.core.model.feature_cache import VIEWS, FeatureCache, FeaturesCancelled
from app.core.search.search_dir import update_search_info
from app.core.model.transfer_model import STAGE_FINE_TUNE, STAGE_HEAD, weights_identity
from app.core.search.transfer_plan import (
    HEAD_TRIALS_PER_TRIAL,
    backbone_weights_file,
    choose_size,
    fine_tune_epoch_seconds,
    head_trial_limit,
    sizes_at_hand,
    split_budget,
)

STAGE_FEATURES = "features"
_STAGED_TYPES = (ev.TRIAL_STARTED, ev.BATCH_ENDED, ev.EPOCH_ENDED, ev.TRIAL_ENDED)
SPEED_BATCH = 16
FINE_TUNE_SETUP_FACTOR = 3.0
FINISH_MARGIN = 1.5


class StageClock:
    """The search's clock seen by one stage: elapsed is the search's, remaining ends with the stage."""

    def __init__(self, clock, seconds: float):
        self._clock = clock
        self.budget, self.spent_before = clock.budget, clock.spent_before
        self._end = clock.elapsed() + seconds

    @property
    def limited(self) -> bool:
        return self._clock.limited or math.isfinite(self._end)

    def elapsed(self) -> float:
        return self._clock.elapsed()

    def remaining(self) -> float:
        return min(self._clock.remaining(), self._end - self._clock.elapsed())

    def exhausted(self) -> bool:
        return self.limited and self.remaining() <= 0


def measure_speed(config: SearchConfig, weights: str, size: int) -> tuple[float, float]:
    """(images per second of the frozen backbone at ``size`` on this machine, seconds to build and
    trace it): a batch timed after one warm-up."""
    import keras
    import numpy as np
    import tensorflow as tf

    from app.core.model.transfer_model import feature_extractor

    started = time.perf_counter()
    model = feature_extractor(config.replace(image_size=size), weights)
    run = tf.function(lambda x: model(x, training=False))
    x = np.random.default_rng(0).integers(0, 256, (SPEED_BATCH, size, size, 3), dtype=np.uint8)
    run(x).numpy()
    setup = time.perf_counter() - started
    started = time.perf_counter()
    run(x).numpy()
    seconds = time.perf_counter() - started
    keras.backend.clear_session()
    return SPEED_BATCH / max(seconds, 1e-6), setup


def plan_transfer(config: SearchConfig, info: dict, clock, emit) -> tuple[SearchConfig, dict]:
    """The input size and the backbone's measured speed (once per search; kept in search.json)."""
    saved = (info.get("plan") or {}).get("transfer")
    if saved:
        return config.replace(image_size=saved["image_size"]), saved
    count = sum(len(info["splits"][name]) for name in ("train", "val"))
    if isinstance(config.image_size, int):
        sizes = [int(config.image_size)]
    else:
        sizes = sizes_at_hand(config.architecture) if config.backbone_weights == "imagenet" else [160]
        sizes = sizes or [224]
    reference = min(sizes)
    probe = config.replace(image_size=reference)
    speed_ref, setup = measure_speed(probe, backbone_weights_file(probe), reference)
    speeds = {s: speed_ref * (reference / s) ** 2 for s in sizes}
    size = choose_size(config, speeds, count, clock.remaining(), len(info["splits"]["train"]),
                       len(info["splits"]["val"]))
    config = config.replace(image_size=size)
    # Setting the fine-tuning trial up (the full model built, its train step traced) costs a few
    # times building and tracing the extractor.
    plan = {"image_size": size, "images_per_second": speeds[size], "head_end": None,
            "fine_tune_setup": FINE_TUNE_SETUP_FACTOR * setup}
    emit(ev.make_event(ev.NOTICE, level="info", reason="estimate",
                       message=f"Transfer learning from {config.architecture} at {size} px: the frozen network reads "
                               f"about {speeds[size]:.0f} images/s here, so its features of {count} images "
                               f"({len(VIEWS)} views each) take about {count * len(VIEWS) / speeds[size]:.0f} s "
                               "once; later searches of these files reuse them."))
    return config, plan


def _stage_event(emit, stage: str, **fields) -> None:
    emit(ev.make_event(ev.STAGE, stage=stage, **fields))


def extract_features(config: SearchConfig, info: dict, weights: str, emit, cancel, clock):
    """Stage 1: features of the train and validation images, from the cache where they are."""
    import numpy as np

    from app.core.data.dataset_report import balanced_class_weights
    from app.core.search.transfer.head_search import FeatureData

    cache = FeatureCache(config.architecture, weights_identity(weights), config.image_size)
    rows = info["splits"]["train"] + info["splits"]["val"]
    paths = [r[0] for r in rows]
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        _stage_event(emit, STAGE_FEATURES, done=done, total=total, unit="images", elapsed=clock.elapsed(),
                     budget_remaining=clock.remaining() if clock.limited else None)

    def extractor():
        from app.core.model.transfer_model import feature_extractor

        return feature_extractor(config, weights)

    result = cache.features_for(paths, extractor, progress, cancel)
    n_train = len(info["splits"]["train"])
    labels = np.asarray([r[1] for r in rows], int)[result.kept]
    is_train = result.kept < n_train
    train_f, val_f = result.features[is_train], result.features[~is_train]
    train_y, val_y = labels[is_train], labels[~is_train]
    skipped = len(paths) - len(result.kept)
    if skipped:
        emit(ev.make_event(ev.NOTICE, level="warning", message=f"{skipped} image(s) could not be read any more "
                                                               "(moved, deleted or changed since the scan) and were left out."))
    num_classes = len(info["classes"])
    counts = np.bincount(train_y, minlength=num_classes).tolist()
    data = FeatureData(train_x=train_f.reshape(-1, train_f.shape[-1]), train_y=np.repeat(train_y, len(VIEWS)),
                       val_x=val_f[:, 0, :], val_y=val_y, num_classes=num_classes,
                       class_weight=balanced_class_weights(counts) if min(counts) > 0 else None)
    seconds = time.monotonic() - started
    reused = len(result.kept) - result.computed
    _stage_event(emit, STAGE_FEATURES, done=len(paths), total=len(paths), unit="images", finished=True,
                 computed=result.computed, reused=max(0, reused), seconds=seconds, elapsed=clock.elapsed(),
                 images_per_second=(result.computed * len(VIEWS) / result.seconds) if result.seconds else None,
                 message=f"Features of {len(paths)} images: {result.computed} computed, {max(0, reused)} from the "
                         f"cache, in {seconds:.1f} s.")
    return data, result


def with_stage(emit, current: dict):
    """``emit`` that marks trial, batch and epoch events with the running stage."""
    def staged(event: dict) -> None:
        if event.get("type") == ev.NOTICE and event.get("reason") == "pruned" and current["stage"] == STAGE_HEAD:
            return  # dozens of heads a minute: the trial table marks each pruned one, the notices would drown
        if event.get("type") in _STAGED_TYPES and "stage" not in event:
            values = event.get("hyperparameters") or {}
            event = {**event, "stage": values.get("stage") or current["stage"]}
        emit(event)

    return staged


def run_staged(config: SearchConfig, info: dict, search_dir: Path, resume: bool, emit, cancel, state: dict,
               previous: dict, device: dict, mixed: bool) -> tuple[str, str]:
    """The runner's ``_search`` for a staged transfer search; returns (status, error) like it."""
    from app.core.search.transfer.head_search import HEAD_EPOCHS

    clock = state["clock"]
    state["info"] = info
    current = {"stage": STAGE_FEATURES}
    emit = with_stage(emit, current)
    config, plan = plan_transfer(config, info, clock, emit)
    weights = backbone_weights_file(config)
    _save_plan(search_dir, info, config, plan)
    splits = info["splits"]
    _announce(config, info, search_dir, resume, emit, clock, device, mixed, previous)
    total = len(splits["train"]) + len(splits["val"])
    _stage_event(emit, STAGE_FEATURES, done=0, total=total, unit="images", elapsed=clock.elapsed())
    try:
        data, _ = extract_features(config, info, weights, emit, cancel, clock)
    except FeaturesCancelled:
        return ev.CANCELLED, ""
    if len(data.train_y) == 0 or len(data.val_y) == 0:
        from app.core.search.search_dir import SearchError

        raise SearchError("No training or validation image could be read: has the folder moved?")
    if plan.get("head_end") is None:
        stages = split_budget(clock.remaining(), fine_tune_epoch_seconds(
            plan["images_per_second"], len(splits["train"]), len(splits["val"])), setup=plan["fine_tune_setup"])
        plan["head_end"] = clock.elapsed() + stages.head_seconds if math.isfinite(stages.head_seconds) else -1.0
        plan["fine_tune_epochs"] = stages.fine_tune_epochs
        _save_plan(search_dir, info, config, plan)
    images: dict = {}
    tuner = _make_tuner(config, search_dir, data, weights, state, images)
    tuner.setup_reporting(emit, cancel, info["classes"], HEAD_EPOCHS, config)
    tuner.recycle_after = None  # heads are tiny models: dozens of trials fit in one process
    tuner._plan_said = True  # the planner's "trials of N epochs" summary does not describe stages; stage events do
    status = _head_stage(config, tuner, plan, clock, emit, cancel, state, previous, current)
    if status is None:
        status = _fine_tune_stage(config, tuner, plan, clock, emit, cancel, state, current, search_dir)
    if status == ev.CANCELLED:
        _finish(config, search_dir, info, state, emit, cancelled=True)
        return ev.CANCELLED, ""
    tuner.prune_checkpoints()
    _finish(config, search_dir, info, state, emit)
    return ev.COMPLETED, ""


def _save_plan(search_dir: Path, info: dict, config: SearchConfig, plan: dict) -> None:
    info["plan"] = {**(info.get("plan") or {}), "transfer": plan}
    info["config"] = config.to_dict()
    update_search_info(search_dir, config=info["config"], plan=info["plan"])


def _announce(config, info, search_dir, resume, emit, clock, device, mixed, previous) -> None:
    import os

    splits = info["splits"]
    completed = sum(1 for e in previous.values() if e.get("status") == "COMPLETED")
    emit(ev.make_event(
        ev.SEARCH_STARTED, search_id=info["search_id"], name=info.get("name"), search_dir=str(search_dir),
        config=config.to_dict(), device=device["device"], devices=device["gpus"], mixed_precision=mixed,
        classes=info["classes"], train_count=len(splits["train"]), val_count=len(splits["val"]),
        test_count=len(splits.get("test", [])), max_trials=head_trial_limit(config) + 1, resumed=bool(resume),
        completed_trials=completed, dataset_fingerprint=info.get("dataset_fingerprint"),
        versions=info.get("versions", {}), cache="features", pid=os.getpid(), time_budget=clock.budget or None,
        budget_spent_before=clock.spent_before, image_size=config.image_size, class_weights=False,
        stages=[STAGE_FEATURES, STAGE_HEAD, STAGE_FINE_TUNE], backbone=config.architecture))


def _make_tuner(config: SearchConfig, search_dir: Path, data, weights: str, state: dict, images: dict):
    from app.core.search.transfer.fine_tune import FineTuneStage
    from app.core.search.transfer.head_search import make_hypermodel
    from app.core.data.pipeline import choose_cache, load_split
    from app.core.search.trial_tuner import build_tuner

    def load_images():
        if not images:
            rows = {name: state["info"]["splits"][name] for name in ("train", "val")}
            cache = choose_cache(config.cache, sum(len(r) for r in rows.values()), config.image_size)
            for name, split_rows in rows.items():
                images[name] = load_split([r[0] for r in split_rows], [r[1] for r in split_rows],
                                          config.image_size, cache, str(search_dir / "cache" / name))
        return images["train"], images["val"]

    stage = FineTuneStage(config, search_dir, data.num_classes, weights, load_images, state, data.class_weight)
    hypermodel = make_hypermodel(config, data, state, stage)
    tuner_kind = config.tuner if config.tuner in ("random", "bayesian") else "random"
    head_config = config.replace(tuner=tuner_kind, max_trials=head_trial_limit(config))
    tuner = build_tuner(head_config, search_dir, hypermodel)
    tuner.oracle.max_trials = head_trial_limit(config)  # a resumed search keeps oracle.json's count otherwise
    state["tuner"] = tuner
    state["load_images"] = load_images
    return tuner


def _stopped_trial(tuner, emit) -> None:
    """The running trial, reported as cancelled (it runs again on resume), as the runner does."""

    running = tuner.current_trial_id
    if running is None:
        return
    emit(ev.make_event(ev.TRIAL_ENDED, trial_id=running, number=ev.trial_number(running), status="CANCELLED",
                       score=None, best_step=None,
                       duration=time.time() - tuner._trial_started.get(running, time.time()),
                       message="stopped by user; it will run again on resume",
                       hyperparameters=dict(tuner.oracle.get_trial(running).hyperparameters.values),
                       history=tuner._history.get(running, {}), confusion=None))


def _trials_of(tuner, stage: str, completed: bool = True) -> list:
    return [t for t in tuner.oracle.trials.values() if t.hyperparameters.values.get("stage") == stage
            and (not completed or (t.status == "COMPLETED" and t.score is not None))]


def _head_planner():
    """The budget planner of stage 2: its plateau ends the head trials, not the search."""
    from app.core.search.planning.budget import STOP_PLATEAU, BudgetPlanner

    class HeadPlanner(BudgetPlanner):
        def _stop(self, kind: str, reason: str) -> None:
            if kind == STOP_PLATEAU:
                reason = (f"No better head in the last {self.since_improvement} head trials: the head search has "
                          "plateaued and ends; fine-tuning follows when the budget allows.")
            super()._stop(kind, reason)

    return HeadPlanner


def _head_stage(config, tuner, plan, clock, emit, cancel, state, previous, current) -> str | None:
    """Stage 2; returns ev.CANCELLED when stopped, else None."""
    import gc

    from app.core.search.transfer.head_search import HEAD_EPOCHS, head_callbacks

    if _trials_of(tuner, STAGE_FINE_TUNE, completed=False):
        return None  # resumed after stage 2
    current["stage"] = STAGE_HEAD
    seconds = plan["head_end"] - clock.elapsed() if plan["head_end"] >= 0 else math.inf
    maximize = config.objective.endswith("accuracy")
    planner = _head_planner()(StageClock(clock, seconds), HEAD_EPOCHS, maximize=maximize,
                              plateau_trials=config.plateau_trials * HEAD_TRIALS_PER_TRIAL,
                              min_trial_epochs=HEAD_EPOCHS)
    planner.objective_name = config.objective
    planner.restore([e for e in previous.values() if (e.get("hyperparameters") or {}).get("stage") == STAGE_HEAD])
    tuner.setup_budget(planner, None, None)
    _stage_event(emit, STAGE_HEAD, budget_seconds=seconds if math.isfinite(seconds) else None,
                 trials_limit=tuner.oracle.max_trials, elapsed=clock.elapsed(),
                 message="Head trials on the cached features" + (
                     f" for about {format_duration(seconds)}." if math.isfinite(seconds) else "."))
    gc.collect()
    gc.freeze()  # each trial's collections then scan only new objects (see the runner)
    try:
        tuner.search(epochs=HEAD_EPOCHS, callbacks=head_callbacks(config), verbose=0)
    except tuner.cancelled_error:
        _stopped_trial(tuner, emit)
        return ev.CANCELLED
    except tuner.budget_error:
        pass  # stage 2's share is spent: fine-tuning gets the rest
    finally:
        gc.unfreeze()
    return ev.CANCELLED if cancel.is_set() else None


def _fine_tune_stage(config, tuner, plan, clock, emit, cancel, state, current, search_dir) -> str | None:
    """Stage 3; returns ev.CANCELLED when stopped, else None.

    Stop during fine-tuning keeps the epochs done as a trial (as Stop does for any trial with a
    finished epoch), and ``plan["fine_tune_stopped"]`` (in search.json) makes Resume fine-tune the
    best head again with the budget left, instead of finding a fine-tuning trial and ending."""
    from app.core.search.planning.budget import BudgetPlanner
    from app.core.search.transfer.fine_tune import fine_tune_values, run_fine_tune_trial
    from app.core.search.transfer_plan import MAX_FINE_TUNE_EPOCHS, MIN_FINE_TUNE_EPOCHS, UNLIMITED_FINE_TUNE_EPOCHS

    heads = sorted(_trials_of(tuner, STAGE_HEAD), key=lambda t: t.score, reverse=config.objective.endswith("accuracy"))
    done = _trials_of(tuner, STAGE_FINE_TUNE) and not plan.get("fine_tune_stopped")
    if not heads or done or not plan.get("fine_tune_epochs"):
        return None
    splits = state["info"]["splits"]
    epoch_s = fine_tune_epoch_seconds(plan["images_per_second"], len(splits["train"]), len(splits["val"]))
    # Kept for after the trial: its validation predictions, and the final model built again and
    # scored on the test split (a 224 px search on flowers overran its budget by 80 s without it).
    reserve = FINISH_MARGIN * ((len(splits["val"]) + len(splits.get("test") or [])) / plan["images_per_second"]
                               + plan["fine_tune_setup"] / FINE_TUNE_SETUP_FACTOR)
    if clock.limited:
        epochs = min(MAX_FINE_TUNE_EPOCHS, int((clock.remaining() - reserve - plan["fine_tune_setup"]) // epoch_s))
        if epochs < MIN_FINE_TUNE_EPOCHS:
            emit(ev.make_event(ev.NOTICE, level="info", reason="budget",
                               message=f"No fine-tuning: the {max(0, clock.remaining()):.0f} s left are too short for "
                                       f"{MIN_FINE_TUNE_EPOCHS} epochs (about {epoch_s:.0f} s each here)."))
            return None
    else:
        epochs = UNLIMITED_FINE_TUNE_EPOCHS
    current["stage"] = STAGE_FINE_TUNE
    _stage_event(emit, STAGE_FINE_TUNE, epochs_planned=epochs, epoch_seconds=epoch_s, elapsed=clock.elapsed(),
                 budget_seconds=clock.remaining() if clock.limited else None,
                 message=f"Fine-tuning the best head (trial {ev.trial_number(heads[0].trial_id)}) with the top of "
                         f"{config.architecture} "
                         f"unfrozen: about {epochs} epochs.")
    state["load_images"]()  # decoded before the trial starts, so its epochs time only training
    stage_clock = StageClock(clock, clock.remaining() - reserve if clock.limited else math.inf)
    planner = BudgetPlanner(stage_clock, epochs, maximize=config.objective.endswith("accuracy"),
                            min_trial_epochs=epochs, prune=False)
    planner.objective_name = config.objective
    tuner.setup_budget(planner, epoch_s, None)
    plan["fine_tune_stopped"] = True  # until the trial ends on its own: a killed search resumes it too
    _save_plan(search_dir, state["info"], config, plan)
    try:
        run_fine_tune_trial(tuner, fine_tune_values(heads[0]), epochs)
    except tuner.cancelled_error:
        _stopped_trial(tuner, emit)
        return ev.CANCELLED
    except tuner.budget_error:
        pass
    if cancel.is_set():  # stopped after an epoch: that trial is kept, Resume fine-tunes again
        return ev.CANCELLED
    plan["fine_tune_stopped"] = False
    _save_plan(search_dir, state["info"], config, plan)
    return None


def _finish(config: SearchConfig, search_dir: Path, info: dict, state: dict, emit, cancelled: bool = False) -> None:
    """The final model (one trial: the fine-tuned one or the best head), scored once on the test split."""
    from app.core.search.final_model import choose_final_model

    try:
        final = choose_final_model(search_dir, config.objective, max_members=1)
    except Exception:  # noqa: BLE001 - the best trial stands as the final model without it
        traceback.print_exc(file=sys.stderr)
        final = None
    state["final_model"] = final
    tuner = state["tuner"]
    heads, tuned = _trials_of(tuner, STAGE_HEAD), _trials_of(tuner, STAGE_FINE_TUNE)
    if final and not cancelled:
        emit(ev.make_event(ev.NOTICE, level="info", reason="final_model", final_model=final,
                           message=_describe(final, heads, tuned, config)))
        state["reason"] = _reason(len(heads), bool(tuned), format_duration(state["clock"].budget)
                                  if state["clock"].limited else None)
    rows = info["splits"].get("test") or []
    if not final or not rows:
        return
    try:
        import numpy as np

        from app.core.search.trials import load_trial_model
        from app.core.data.pipeline import load_split

        model = load_trial_model(search_dir, final["trials"][0])[0]
        split = load_split([r[0] for r in rows], [r[1] for r in rows], config.image_size, "memory")
        if len(split):
            probs = model.predict(split.images, batch_size=64, verbose=0)
            state["test"] = float(np.mean(np.argmax(probs, -1) == split.labels))
    except Exception as exc:  # noqa: BLE001 - the search result stands without it
        traceback.print_exc(file=sys.stderr)
        emit(ev.make_event(ev.NOTICE, level="warning", message=f"Could not score the test split: {exc}"))


def _reason(heads: int, tuned: bool, budget: str | None) -> str:
    """Why the staged search ended, in one of the sentences app/gui/text/core_text.py translates."""
    then = ", then fine-tuning" if tuned else ""
    within = f"within the {budget} budget" if budget else "within the trial limit"
    return f"{heads} head trials on cached features{then}, {within}."


def _describe(final: dict, heads: list, tuned: list, config: SearchConfig) -> str:

    chosen = final["trials"][0]
    best_head = max((t.score for t in heads), default=None) if config.objective.endswith("accuracy") else \
        min((t.score for t in heads), default=None)
    if tuned and tuned[0].trial_id == chosen:
        return (f"The final model is the fine-tuned trial {ev.trial_number(chosen)} (validation {tuned[0].score:.4f} "
                f"against {best_head:.4f} for the best head alone).")
    if tuned:
        return (f"The final model is head trial {ev.trial_number(chosen)}: fine-tuning scored {tuned[0].score:.4f} on "
                f"validation, not above the head's {best_head:.4f}.")
    return f"The final model is head trial {ev.trial_number(chosen)} on the frozen {config.architecture}."
