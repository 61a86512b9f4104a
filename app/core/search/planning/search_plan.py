"""Deciding, once per search and before its trials, what the search will train: the concrete
architecture ("auto": a pretrained backbone or from scratch), the batch that fits the folder, the
image size and widths the measured epoch times afford, XLA or the plain graph, and class weights.

A resumed search keeps what was decided (``search.json``'s ``plan``); the runner and the
distributed chief both call :func:`plan_for_budget`.
"""
from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from app.core.data import resize_schedule

from app.core.data.dataset_report import balanced_class_weights, heavily_imbalanced
from app.core.options.config import SearchConfig
from app.core.options.duration import format_duration
from app.core.search import events as ev
from app.core.options.auto_epochs import epochs_for_steps
from app.core.search.planning.batch_fit import fit_batch_to_folder, resolve_epochs, steps_per_epoch_at_most
from app.core.search.planning.budget import LONG_TRIAL_EPOCHS, BudgetClock, BudgetPlanner, prune_margin
from app.core.search.search_state import lower_is_better
from app.core.search.search_dir import update_search_info
from app.core.search.stages import COMPILING, MEASURING, StageReporter
from app.core.search.transfer_plan import resolve_architecture


def plan_for_budget(config: SearchConfig, info: dict, search_dir: Path, emit, clock: BudgetClock,
                    stages: StageReporter | None = None):
    """Resolve the automatic choices (image size, widths that fit, the first trial's width) from
    measurements, once per search; a resumed search keeps what was chosen."""
    from app.core.search.planning.estimate import plan_search

    splits = info["splits"]
    if info.get("plan"):
        return resolve_epochs(config, len(splits["train"])), info["plan"].get("epoch_seconds")
    config, _ = resolve_architecture(config, int(info.get("native_size") or 0), allow_staged=False)
    config, notice = fit_batch_to_folder(config, len(splits["train"]))
    if notice:
        emit(ev.make_event(ev.NOTICE, level="info", reason="batch_size", message=notice))
    config = resolve_epochs(config, len(splits["train"]))
    plan = plan_search(config, int(info.get("native_size") or 0), len(info["classes"]), len(splits["train"]),
                       len(splits["val"]), clock.remaining(), progress=stages and stages.progress(MEASURING))
    for notice in plan.notices:
        emit(ev.make_event(ev.NOTICE, level="warning", message=notice))
    estimates = [e.to_dict() for e in plan.estimates]
    timed = [e for e in plan.estimates if e.epoch_seconds]
    chosen = plan.config
    summary = (f"Image size {chosen.image_size} px" +
               (f" (chosen for {format_duration(clock.budget)})" if config.image_size == "auto" else ""))
    if timed:
        summary += "; measured epoch times: " + ", ".join(
            f"width {e.width} at {e.image_size} px ~{e.epoch_seconds:.0f} s" for e in timed)
    emit(ev.make_event(ev.NOTICE, level="info", reason="estimate", message=summary + ".", estimates=estimates))
    compiled = compile_choice(chosen, info, clock, emit, stages)
    epoch_s = plan.epoch_seconds
    if epoch_s and compiled.get("compile", {}).get("jit_compile"):
        epoch_s *= compiled["compile"]["xla_step_s"] / compiled["compile"]["plain_step_s"]
    info["plan"] = {"epoch_seconds": epoch_s, "estimates": estimates, **compiled}
    update_search_info(search_dir, config=chosen.to_dict(), plan=info["plan"])
    return chosen, epoch_s


def compile_choice(config: SearchConfig, info: dict, clock: BudgetClock, emit,
                   stages: StageReporter | None = None) -> dict:
    """XLA or the plain graph for this search's model on this device, timed when the budget
    allows the estimate's timing (app/core/search/planning/compile_choice.py); {} leaves Keras' default."""
    from app.core.options.option_table import TRANSFER_ARCHITECTURES
    from app.core.search.planning import compile_choice as cc
    from app.core.search.devices import configure_devices

    if config.architecture in TRANSFER_ARCHITECTURES:
        return {}
    device = configure_devices()
    key = cc.choice_key(config, device["device"], device["tensorflow"])
    choice = cc.kept_choice(key)
    if choice is None:
        if clock.remaining() < cc.MEASURE_BUDGET:  # (no time limit: inf, measured)
            print(f"XLA not timed ({key}): the budget is under {cc.MEASURE_BUDGET:.0f} s and no decision "
                  "is kept for this machine; Keras' default graph.", file=sys.stderr)
            return {}
        if stages is not None:
            stages(COMPILING)
        choice = cc.measure_compile_choice(config, len(info["classes"]), len(info["splits"]["train"]),
                                           device["device"])
        cc.keep_choice(key, choice)
    emit(ev.make_event(ev.NOTICE, level="info", reason="compile", message=choice.note, **choice.to_dict()))
    return {"compile": choice.to_dict()}


def resolve_architecture_for(config: SearchConfig, info: dict, emit) -> SearchConfig:
    """``architecture: "auto"``: a pretrained backbone for photos when its weights are at hand, else
    training from scratch, with a notice saying what the weights would bring (app/core/transfer_plan.py)."""
    config, notice = resolve_architecture(config, int(info.get("native_size") or 0))
    if notice:
        emit(ev.make_event(ev.NOTICE, level="warning", reason="transfer_weights", message=notice))
    return config


def class_weight_for(config: SearchConfig, labels, classes: list[str], emit) -> dict | None:
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


def budget_planner(config: SearchConfig, clock: BudgetClock, train_count: int,
                   val_count: int | None = None) -> BudgetPlanner:
    """The planner of a trial-by-trial search (the staged transfer search makes its own). A long
    trial is one of ``LONG_TRIAL_EPOCHS`` epochs, or of more when an epoch has few steps (batch_fit.py);
    pruning looks past the noise of a small validation split."""
    long_trial = epochs_for_steps(steps_per_epoch_at_most(config, train_count), LONG_TRIAL_EPOCHS)
    planner = BudgetPlanner(clock, config.epochs, maximize=not lower_is_better(config.objective),
                            plateau_trials=config.plateau_trials, prune=config.tuner != "hyperband",
                            min_trial_epochs=long_trial)
    planner.objective_name = config.objective
    planner.prune_margin = prune_margin(val_count, config.objective.endswith("accuracy"))
    if resize_schedule.for_config(config):  # early epochs are cheaper: the planner prices each one
        planner.epoch_cost = partial(resize_schedule.epoch_cost, target=config.image_size)
    return planner
