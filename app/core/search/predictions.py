"""Per-image validation predictions of a trial's best epoch, kept beside its checkpoint.

``tuner/trial_<id>/predictions.npz`` holds, for each validation image of the search's split:
the original file, the true class index, and the probabilities of every class (float32),
plus the class names. The runner writes it when a trial's fit ends, from the restored best-epoch
weights (the same weights as the checkpoint); for trials of older searches it is computed on
demand from the checkpoint. The history database records its path with the trial.

Only numpy is needed to read it, so the window loads it without TensorFlow.
"""
from __future__ import annotations

import json
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

PREDICTIONS_FILE = "predictions.npz"
PREDICT_BATCH = 64


@dataclass
class Predictions:
    files: list[str]
    labels: np.ndarray  # int, true class per image
    probabilities: np.ndarray  # float32 [N, C]
    classes: list[str]
    split: str = "val"
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def predicted(self) -> np.ndarray:
        return np.argmax(self.probabilities, axis=-1) if len(self) else np.zeros((0,), int)

    @property
    def confidence(self) -> np.ndarray:
        """Probability of the predicted class."""
        return np.max(self.probabilities, axis=-1) if len(self) else np.zeros((0,), np.float32)

    @property
    def accuracy(self) -> float | None:
        return float(np.mean(self.predicted == self.labels)) if len(self) else None

    def confusion(self) -> list[list[int]]:
        n = len(self.classes)
        matrix = np.zeros((n, n), int)
        np.add.at(matrix, (self.labels, self.predicted), 1)
        return matrix.tolist()

    def rows(self, only_wrong: bool = True, true_class: int | None = None, predicted_class: int | None = None,
             class_index: int | None = None) -> list[dict]:
        """Images as dicts (file, true, predicted, confidence, probability of the true class).

        Filters: a confusion cell (``true_class`` and/or ``predicted_class``), or ``class_index``
        (images whose true or predicted class it is). Most confident mistakes first.
        """
        predicted, confidence = self.predicted, self.confidence
        out = []
        for i in range(len(self)):
            t, p = int(self.labels[i]), int(predicted[i])
            if only_wrong and t == p:
                continue
            if true_class is not None and t != true_class:
                continue
            if predicted_class is not None and p != predicted_class:
                continue
            if class_index is not None and class_index not in (t, p):
                continue
            out.append({"index": i, "file": self.files[i], "true": t, "predicted": p,
                        "true_name": self.classes[t], "predicted_name": self.classes[p],
                        "confidence": float(confidence[i]),
                        "true_probability": float(self.probabilities[i, t])})
        out.sort(key=lambda r: -r["confidence"])
        return out


def save(path: str | Path, preds: Predictions) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez_compressed(tmp, files=np.asarray(preds.files, dtype=str), labels=preds.labels.astype(np.int32),
                        probabilities=preds.probabilities.astype(np.float32),
                        classes=np.asarray(preds.classes, dtype=str), split=np.asarray(preds.split),
                        extra=np.asarray(json.dumps(preds.extra)))
    tmp.replace(path)
    return path


def load(path: str | Path) -> Predictions:
    """Read a predictions file (no pickles: strings are stored as numpy unicode arrays)."""
    with np.load(path, allow_pickle=False) as data:
        return Predictions(files=[str(f) for f in data["files"]], labels=data["labels"].astype(int),
                           probabilities=data["probabilities"].astype(np.float32),
                           classes=[str(c) for c in data["classes"]], split=str(data["split"]),
                           extra=json.loads(str(data["extra"])) if "extra" in data else {})


def trial_predictions_path(search_dir: str | Path, trial_id: str) -> Path:
    from app.core.search.search_dir import trial_dir

    return trial_dir(search_dir, trial_id) / PREDICTIONS_FILE


# --------------------------------------------------------------------------- computing (TensorFlow)


def decode_rows(rows: list, image_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Decode split rows (``[decodable path, label, original path]``) exactly as training does.

    Returns (uint8 images, indices of the rows that decoded): files that vanished or changed since
    the split are left out, and the indices keep the remaining ones matched to their rows.
    """
    import tensorflow as tf

    from app.core.data.pipeline import decode_fn

    if not rows:
        return np.zeros((0, image_size, image_size, 3), np.uint8), np.zeros((0,), int)
    ds = tf.data.Dataset.from_tensor_slices(([r[0] for r in rows], np.arange(len(rows), dtype=np.int32)))
    ds = ds.map(decode_fn(image_size), num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    ds = ds.ignore_errors().batch(256)
    images, kept = [], []
    for x, i in ds:
        images.append(x.numpy())
        kept.append(i.numpy())
    if not images:
        return np.zeros((0, image_size, image_size, 3), np.uint8), np.zeros((0,), int)
    return np.concatenate(images), np.concatenate(kept).astype(int)


def predict(model, images: np.ndarray, batch_size: int = PREDICT_BATCH) -> np.ndarray:
    if len(images) == 0:
        return np.zeros((0, int(model.output_shape[-1])), np.float32)
    return np.asarray(model.predict(images, batch_size=batch_size, verbose=0), np.float32)


def predict_rows(model, rows: list, image_size: int, classes: list[str], split: str = "val") -> Predictions:
    images, kept = decode_rows(rows, image_size)
    probabilities = predict(model, images)
    return Predictions(files=[original_file(rows[i]) for i in kept], labels=np.asarray([rows[i][1] for i in kept], int),
                       probabilities=probabilities, classes=list(classes), split=split)


def original_file(row: list) -> str:
    return str(row[2] if len(row) > 2 else row[0])


_INFO_CACHE: dict[str, tuple[float, dict]] = {}


def _cached_info(search_dir: Path) -> dict:
    from app.core.search.search_dir import SEARCH_FILE, load_search_info

    key = str(search_dir)
    mtime = (search_dir / SEARCH_FILE).stat().st_mtime
    cached = _INFO_CACHE.get(key)
    if cached is None or cached[0] != mtime:
        cached = (mtime, load_search_info(search_dir))
        _INFO_CACHE[key] = cached
    return cached[1]


def save_after_fit(model, val_split, trial_dir: str | Path) -> Path | None:
    """The runner's hook: predict the validation split with the weights on ``model`` now.

    Never raises (a predictions problem must not fail a trial); returns the file or None.
    """
    try:
        from app.core.data.pipeline import make_dataset

        trial_dir = Path(trial_dir)
        search_dir = trial_dir.parent.parent
        info = _cached_info(search_dir)
        rows = info["splits"]["val"]
        if len(val_split) != len(rows):
            return None  # files vanished since the split: computed on demand, row by row, instead
        image_size = int(model.input_shape[1])
        ds = make_dataset(val_split, image_size, PREDICT_BATCH, shuffle=False, seed=0)
        # Eager calls, not model.predict: tracing a predict function costs more than a small
        # validation split's whole pass, once per trial.
        batches = [np.asarray(model(x, training=False), np.float32) for x, _ in ds]
        probabilities = np.concatenate(batches) if batches else np.zeros((0, len(info["classes"])), np.float32)
        if len(probabilities) != len(rows):
            return None
        preds = Predictions(files=[original_file(r) for r in rows], labels=np.asarray([r[1] for r in rows], int),
                            probabilities=probabilities, classes=list(info["classes"]))
        return save(trial_dir / PREDICTIONS_FILE, preds)
    except Exception:  # noqa: BLE001 - reported on stderr; the trial goes on
        traceback.print_exc(file=sys.stderr)
        return None


def trial_predictions(search_dir: str | Path, trial_id: str, compute: bool = True, model=None) -> Predictions | None:
    """A trial's validation predictions: from its file, else computed from its checkpoint (and saved)."""
    path = trial_predictions_path(search_dir, trial_id)
    if path.is_file():
        try:
            return load(path)
        except (OSError, ValueError, KeyError):
            pass  # unreadable: compute again
    if not compute:
        return None
    from app.core.options.config import SearchConfig
    from app.core.search.trials import load_trial_model

    if model is None:
        model, _, info, _ = load_trial_model(search_dir, trial_id)
    else:
        info = _cached_info(Path(search_dir))
    config = SearchConfig.from_dict(info["config"])
    preds = predict_rows(model, info["splits"]["val"], config.image_size, info["classes"])
    save(path, preds)
    return preds
