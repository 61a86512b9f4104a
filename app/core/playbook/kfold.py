"""Stratified k-fold cross-validation of one trial's configuration on train + validation images.

Every image lands in exactly one held-out fold, and each fold keeps the class proportions
(each class is shuffled with the seed and dealt round-robin over the folds). Each fold trains a
fresh model with the trial's hyperparameters for the search's epochs, like a trial (early stopping
on the held-out fold when the search used it), and scores the objective on its held-out fold as
Keras Tuner scores a trial (its best epoch). The result is mean +/- standard deviation over the
folds, with every fold's curves.
"""
from __future__ import annotations

import math

import numpy as np

from app.core.model.models import early_stopping
from app.core.playbook.tasks import TaskContext, TaskError, search_info
from app.core.playbook.task_params import MAX_FOLDS, MIN_FOLDS
from app.core.search.search_state import lower_is_better



def stratified_folds(labels, k: int, seed: int = 42) -> list[np.ndarray]:
    """Held-out index sets: disjoint, covering every index, class proportions kept."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    offset = 0
    for cls in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == cls))
        for j, index in enumerate(members):
            # Continue the deal where the previous class stopped, so fold sizes stay even.
            folds[(offset + j) % k].append(int(index))
        offset += len(members)
    return [np.sort(np.asarray(f, int)) for f in folds]


def trial_setup(search_dir: str, trial_id: str):
    """(config, hyperparameters, search info) of a trial."""
    import keras_tuner as kt

    from app.core.options.config import SearchConfig
    from app.core.search.search_dir import trial_dir

    info = search_info(search_dir)
    trial_file = trial_dir(search_dir, str(trial_id)) / "trial.json"
    if not trial_file.is_file():
        raise TaskError(f"Trial {trial_id} does not exist in {search_dir}.")
    trial = kt.engine.trial.Trial.load(str(trial_file))
    return SearchConfig.from_dict(info["config"]), trial.hyperparameters, info


def pooled_images(info: dict, image_size: int, splits=("train", "val")):
    """(images, labels, original files) of the given splits, decoded like training."""
    from app.core.search.predictions import original_file, decode_rows

    rows = [r for s in splits for r in info["splits"].get(s, [])]
    images, kept = decode_rows(rows, image_size)
    return images, np.asarray([rows[i][1] for i in kept], np.int32), [original_file(rows[i]) for i in kept]


def train_config(ctx: TaskContext, run: str, config, hp, num_classes: int, train_xy, val_xy, epochs: int):
    """Train a fresh model with a trial's hyperparameters; returns (model, history, best objective).

    The model ends with its best epoch's weights (by the objective on ``val_xy``), as a trial's
    checkpoint does.
    """

    from app.core.model.models import build_model, resolve_backbone_weights, with_weight_averaging
    from app.core.data.pipeline import SplitData, make_dataset, steps_per_epoch, training_dataset

    batch_size = int(hp.values.get("batch_size", 32))
    train = SplitData(labels=train_xy[1], images=train_xy[0])
    val = SplitData(labels=val_xy[1], images=val_xy[0])
    weights, _ = resolve_backbone_weights(config)
    model = build_model(config, hp, num_classes, steps_per_epoch(len(train), batch_size), weights=weights)
    maximize = not lower_is_better(config.objective)
    best = {"value": -math.inf if maximize else math.inf, "weights": None}

    def keep_best(epoch: int, logs: dict) -> None:
        value = logs.get(config.objective)
        if value is not None and (value > best["value"] if maximize else value < best["value"]):
            best["value"], best["weights"] = float(value), model.get_weights()

    callbacks = [ctx.keras_callback(run, epochs, keep_best)]
    if config.early_stopping:
        callbacks.append(early_stopping(monitor=config.objective, patience=config.patience,
                                        mode="max" if maximize else "min"))
    callbacks = with_weight_averaging(model, callbacks)  # scored and kept as a trial is: the average
    augment = config.augmentation if hp.values.get("augmentation") else None
    history = model.fit(training_dataset(train, config.image_size, batch_size, config.seed, num_classes, augment),
                        validation_data=make_dataset(val, config.image_size, batch_size, False, config.seed,
                                                     num_classes),
                        steps_per_epoch=steps_per_epoch(len(train), batch_size),
                        epochs=epochs, callbacks=callbacks, verbose=0, shuffle=False)
    if best["weights"] is not None:
        model.set_weights(best["weights"])
    curves = {k: [float(x) for x in v] for k, v in history.history.items() if "confusion" not in k}
    return model, curves, best["value"] if math.isfinite(best["value"]) else None


def cross_validate(ctx: TaskContext, search_dir: str, trial_id: str, folds: int = 5, epochs: int | None = None,
                   seed: int | None = None) -> dict:
    """Task: k-fold cross-validation of a trial's hyperparameters; ``{"mean", "std", "folds": [...]}``."""
    import keras

    if not (MIN_FOLDS <= int(folds) <= MAX_FOLDS):
        raise TaskError(f"Choose between {MIN_FOLDS} and {MAX_FOLDS} folds (got {folds}).")
    config, hp, info = trial_setup(search_dir, trial_id)
    seed = config.seed if seed is None else int(seed)
    epochs = int(epochs or config.epochs)
    ctx.progress(0.0, "Reading the training and validation images")
    images, labels, files = pooled_images(info, config.image_size)
    counts = np.bincount(labels, minlength=len(info["classes"]))
    if counts.min() < folds:
        small = info["classes"][int(np.argmin(counts))]
        raise TaskError(f"Class {small!r} has {int(counts.min())} image(s): {folds} folds need at least "
                        f"{folds} per class. Choose fewer folds.")
    held_out = stratified_folds(labels, int(folds), seed)
    results = []
    for n, test_idx in enumerate(held_out):
        ctx.progress(n / folds, f"Fold {n + 1} of {folds}")
        train_idx = np.setdiff1d(np.arange(len(labels)), test_idx)
        keras.utils.set_random_seed(seed + n)
        model, curves, score = train_config(ctx, f"fold {n + 1}", config, hp, len(info["classes"]),
                                            (images[train_idx], labels[train_idx]),
                                            (images[test_idx], labels[test_idx]), epochs)
        results.append({"fold": n + 1, "score": score, "train_count": int(len(train_idx)),
                        "held_out_count": int(len(test_idx)),
                        "held_out_class_counts": np.bincount(labels[test_idx], minlength=len(counts)).tolist(),
                        "curves": curves})
        del model
        keras.backend.clear_session()
    scores = np.asarray([r["score"] for r in results if r["score"] is not None], float)
    ctx.progress(1.0, "Done")
    return {"trial_id": str(trial_id), "objective": config.objective, "folds_count": int(folds),
            "mean": float(scores.mean()) if len(scores) else None,
            "std": float(scores.std(ddof=1)) if len(scores) > 1 else 0.0,
            "trial_score": _trial_score(search_dir, trial_id), "folds": results, "epochs": epochs}


def _trial_score(search_dir: str, trial_id: str) -> float | None:
    from app.core.search.checkpoints import list_trials

    return next((t["score"] for t in list_trials(search_dir) if t["trial_id"] == str(trial_id)), None)
