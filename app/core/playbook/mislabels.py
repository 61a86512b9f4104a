"""Suspected mislabels, and moving files between class folders with a log that undoes every move.

Ranking, in the spirit of confident learning: an image is suspect when the models put little
probability on its given class. The score is the probability of the given class averaged over the
search's top trials; the suggested class is the averaged prediction. Validation images are held
out from every trial already. Training images are scored out-of-fold when ``folds`` > 0 (the best
trial's configuration trained k times, each time without the fold it then predicts); with
``folds=0`` they are scored by the top trials, which trained on them - the result says so.

Moves never delete: a file goes to another class folder or to ``<dataset>.excluded/`` beside the
dataset, and each batch of moves is appended to ``<dataset>.moves.json`` beside it, from which
``undo`` puts the files back and removes the folders the batch created.
"""
from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path

import numpy as np

from app.core.playbook.tasks import TaskContext, TaskError, search_info, top_trial_ids

# Out-of-fold scoring of training images is the default up to this many of them (k trainings).
AUTO_FOLDS_MAX_TRAIN = 3000
AUTO_FOLDS = 3
EXCLUDED_SUFFIX = ".excluded"
LOG_SUFFIX = ".moves.json"


# --------------------------------------------------------------------------- ranking


def _averaged(prob_sets: list[np.ndarray]) -> np.ndarray:
    return np.mean(np.stack(prob_sets), axis=0)


def rank(files: list[str], labels: np.ndarray, probabilities: np.ndarray, classes: list[str],
         split: str) -> list[dict]:
    """Images whose averaged prediction is not their given class, most suspicious first."""
    out = []
    predicted = np.argmax(probabilities, -1)
    for i, f in enumerate(files):
        given, suggested = int(labels[i]), int(predicted[i])
        if given == suggested:
            continue
        out.append({"path": f, "given": classes[given], "suggested": classes[suggested],
                    "score": float(probabilities[i, given]),
                    "suggested_probability": float(probabilities[i, suggested]), "split": split})
    return out


def find_mislabels(ctx: TaskContext, search_dir: str, top: int = 3, folds: int | None = None,
                   limit: int | None = None) -> dict:
    """Task: ``{"suspects": [{"path", "given", "suggested", "score", ...}], "method", "note"}``."""
    import keras

    from app.core.options.config import SearchConfig
    from app.core.search.trials import load_trial_model
    from app.core.playbook.kfold import pooled_images, stratified_folds, train_config, trial_setup
    from app.core.search.predictions import trial_predictions

    info = search_info(search_dir)
    config = SearchConfig.from_dict(info["config"])
    classes = info["classes"]
    trial_ids = top_trial_ids(search_dir, top)
    train_count = len(info["splits"].get("train", []))
    if folds is None:
        folds = AUTO_FOLDS if train_count <= AUTO_FOLDS_MAX_TRAIN else 0
    steps = len(trial_ids) + (folds or len(trial_ids))

    # Validation images: every trial's own held-out predictions.
    val_sets = []
    for n, trial_id in enumerate(trial_ids):
        ctx.progress(n / steps, f"Validation predictions of trial {trial_id}")
        preds = trial_predictions(search_dir, trial_id)
        val_sets.append(preds)
    common = set.intersection(*(set(p.files) for p in val_sets))
    val_files = [f for f in val_sets[0].files if f in common]
    index = [{f: i for i, f in enumerate(p.files)} for p in val_sets]
    val_probs = _averaged([p.probabilities[[ix[f] for f in val_files]] for p, ix in zip(val_sets, index)])
    val_labels = np.asarray([val_sets[0].labels[index[0][f]] for f in val_files])
    suspects = rank(val_files, val_labels, val_probs, classes, "val")

    images, labels, files = pooled_images(info, config.image_size, splits=("train",))
    if folds:
        method = f"out-of-fold ({folds} folds, configuration of trial {trial_ids[0]})"
        note = ""
        cfg, hp, _ = trial_setup(search_dir, trial_ids[0])
        val_images, val_labels_all, _ = pooled_images(info, config.image_size, splits=("val",))
        train_probs = np.zeros((len(labels), len(classes)), np.float32)
        for n, held in enumerate(stratified_folds(labels, int(folds), config.seed)):
            ctx.progress((len(trial_ids) + n) / steps, f"Training images: fold {n + 1} of {folds}")
            rest = np.setdiff1d(np.arange(len(labels)), held)
            keras.utils.set_random_seed(config.seed + n)
            model, _, _ = train_config(ctx, f"fold {n + 1}", cfg, hp, len(classes), (images[rest], labels[rest]),
                                       (val_images, val_labels_all), cfg.epochs)
            train_probs[held] = model.predict(images[held], verbose=0)
            keras.backend.clear_session()
    else:
        method = f"top {len(trial_ids)} trials"
        note = ("Training images were scored by the trials that trained on them, so their scores are "
                "optimistic: fewer suspects are found there than held-out scoring would find.")
        sets = []
        for n, trial_id in enumerate(trial_ids):
            ctx.progress((len(trial_ids) + n) / steps, f"Training images: trial {trial_id}")
            model, _, _, _ = load_trial_model(search_dir, trial_id)
            sets.append(model.predict(images, verbose=0))
            keras.backend.clear_session()
        train_probs = _averaged(sets)
    suspects += rank(files, labels, train_probs, classes, "train")
    suspects.sort(key=lambda s: s["score"])
    if limit:
        suspects = suspects[:int(limit)]
    ctx.progress(1.0, "Done")
    return {"suspects": suspects, "method": method, "note": note, "trials": trial_ids,
            "data_root": info.get("data_root"), "classes": classes,
            "checked": {"val": len(val_files), "train": int(len(labels))}}


# --------------------------------------------------------------------------- moves


def log_path(data_root: str | Path) -> Path:
    root = Path(data_root).resolve()
    return root.parent / (root.name + LOG_SUFFIX)


def excluded_root(data_root: str | Path) -> Path:
    root = Path(data_root).resolve()
    return root.parent / (root.name + EXCLUDED_SUFFIX)


def read_log(data_root: str | Path) -> list[dict]:
    path = log_path(data_root)
    if not path.is_file():
        return []
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TaskError(f"{path}: cannot read the move log ({exc})") from None


def _write_log(data_root: str | Path, batches: list[dict]) -> None:
    path = log_path(data_root)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(batches, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _free_name(target: Path) -> Path:
    n = 1
    candidate = target
    while candidate.exists():
        candidate = target.with_name(f"{target.stem}-moved-{n}{target.suffix}")
        n += 1
    return candidate


def _mkdirs(folder: Path, created: list[str]) -> None:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for f in reversed(missing):
        f.mkdir()
        created.append(str(f))


def move_files(data_root: str | Path, moves: list[dict]) -> dict:
    """Move files to another class (``{"path", "to": class}``) or out (``{"path", "to": None}``).

    The class folder is the file's parent folder; another class's folder is its sibling (so a
    ``train/cat`` file goes to ``train/dog``). Excluded files keep their path relative to the
    dataset under ``<dataset>.excluded``. Returns the logged batch.
    """
    root = Path(data_root).resolve()
    if not root.is_dir():
        raise TaskError(f"{root}: the dataset folder does not exist")
    batch = {"id": uuid.uuid4().hex[:12], "time": time.time(), "root": str(root), "moves": [],
             "created_dirs": [], "undone": False}
    for move in moves:
        source = Path(move["path"]).resolve()
        if root not in source.parents:
            raise TaskError(f"{source} is not inside the dataset {root}")
        if not source.is_file():
            raise TaskError(f"{source} does not exist (moved already?)")
        to = move.get("to")
        if to:
            if "/" in to or "\\" in to or to in (".", ".."):
                raise TaskError(f"{to!r} is not a class name")
            target = source.parent.parent / to / source.name
        else:
            target = excluded_root(root) / source.relative_to(root)
        batch["moves"].append({"from": str(source), "to": str(target), "class": to})
    # Check all first, then move: a bad entry leaves everything in place.
    for m in batch["moves"]:
        target = _free_name(Path(m["to"]))
        _mkdirs(target.parent, batch["created_dirs"])
        shutil.move(m["from"], target)
        m["to"] = str(target)
    batches = read_log(root)
    batches.append(batch)
    _write_log(root, batches)
    return batch


def undo(data_root: str | Path, batch_id: str | None = None) -> dict:
    """Put back the files of a batch (default: the last one not undone); returns that batch."""
    batches = read_log(data_root)
    open_batches = [b for b in batches if not b.get("undone")]
    if not open_batches:
        raise TaskError("Nothing to undo.")
    batch = next((b for b in open_batches if b["id"] == batch_id), None) if batch_id else open_batches[-1]
    if batch is None:
        raise TaskError(f"No move batch {batch_id!r} to undo.")
    for m in reversed(batch["moves"]):
        source, target = Path(m["from"]), Path(m["to"])
        if source.exists():
            raise TaskError(f"Cannot undo: {source} exists again.")
        if not target.is_file():
            raise TaskError(f"Cannot undo: {target} is gone.")
    for m in reversed(batch["moves"]):
        Path(m["from"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(m["to"], m["from"])
    for folder in reversed(batch["created_dirs"]):
        try:
            Path(folder).rmdir()  # only when empty: nothing else is ever removed
        except OSError:
            pass
    batch["undone"] = True
    batch["undone_at"] = time.time()
    _write_log(data_root, batches)
    return batch
