"""Export a trial as a TensorFlow SavedModel that serves without TuneStudio.

The export folder holds:

* ``saved_model/``: signatures ``serving_default`` (``images``: uint8 [N, H, W, 3], any size) and
  ``serve_bytes`` (``image_bytes``: one encoded JPEG/PNG/BMP/GIF), both returning
  ``probabilities``, ``class_id`` and ``class_name``;
* ``model.keras`` (for Keras users: reload with ``keras.saving.load_model``), ``labels.txt``;
* ``model_card.json``: classes, input size, hyperparameters, validation metrics, dataset
  fingerprint, package versions, seed, and the self-check result.

The export is written to a temporary folder next to the target and renamed into place, so a
failure (disk full, no permission) leaves nothing half-written. Then it checks itself: the
reloaded SavedModel must give the trained model's predictions on validation images.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from .config import SearchConfig
from .checkpoints import best_first, list_trials, prune_checkpoints  # noqa: F401 - prune_checkpoints re-exported
from .runner import package_versions
from .search_dir import CHECKPOINT_FILE, TRIAL_FILE, SearchError, load_search_info, trial_dir

SELF_CHECK_IMAGES = 32
SELF_CHECK_TOLERANCE = 1e-4


class ExportError(RuntimeError):
    """The export cannot be made; the message is for the user."""


def best_trial_id(search_dir: str | Path, objective: str) -> str | None:
    ranked = best_first((t for t in list_trials(search_dir) if t["has_checkpoint"]), objective)
    return ranked[0] if ranked else None


def load_trial_model(search_dir: str | Path, trial_id: str | None = None):
    """Rebuild a trial's model and load its best-epoch weights. Returns (model, trial_id, info)."""
    import keras_tuner as kt

    from .models import build_model, resolve_backbone_weights
    from .pipeline import steps_per_epoch

    search_dir = Path(search_dir)
    info = load_search_info(search_dir)
    config = SearchConfig.from_dict(info["config"])
    if trial_id is None:
        trial_id = best_trial_id(search_dir, config.objective)
        if trial_id is None:
            raise ExportError("This search has no completed trial to export yet.")
    folder = trial_dir(search_dir, trial_id)
    trial_file = folder / TRIAL_FILE
    if not trial_file.is_file():
        raise ExportError(f"Trial {trial_id} does not exist in {search_dir}.")
    checkpoint = folder / CHECKPOINT_FILE
    if not checkpoint.is_file():
        raise ExportError(f"Trial {trial_id} has no saved weights (it failed, was stopped, "
                          "or its checkpoint was removed to save disk).")
    trial = kt.engine.trial.Trial.load(str(trial_file))
    hp = trial.hyperparameters
    classes = info["classes"]
    batch_size = int(hp.values.get("batch_size", 32))
    # No ImageNet load here: the checkpoint holds every weight.
    weights, _ = resolve_backbone_weights(config)
    model = build_model(config, hp, len(classes), steps_per_epoch(info["counts"]["train"], batch_size),
                        mixed_precision=False, weights=None if weights == "imagenet" else weights)
    import warnings

    with warnings.catch_warnings():
        # The checkpoint's optimizer slots are not needed for inference.
        warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
        model.load_weights(str(checkpoint))
    return model, trial_id, info, trial


def _trial_metrics(trial) -> dict:
    """The trial's best-epoch scalar metrics, as Keras Tuner recorded them."""
    out = {}
    for name in trial.metrics.metrics:
        if "confusion" in name:
            continue
        try:
            out[name] = float(trial.metrics.get_last_value(name))
        except (TypeError, ValueError):
            continue
    return out


def _serving_archive(model, classes: list[str], image_size: int):
    import keras
    import tensorflow as tf

    class_names = tf.constant(classes)

    @tf.function(input_signature=[tf.TensorSpec([None, None, None, 3], tf.uint8, name="images")])
    def serve_images(images):
        x = tf.image.resize(images, (image_size, image_size), antialias=True)
        x = tf.cast(tf.clip_by_value(tf.round(x), 0, 255), tf.uint8)
        probabilities = model(x, training=False)
        class_id = tf.argmax(probabilities, axis=-1, output_type=tf.int32)
        return {"probabilities": probabilities, "class_id": class_id,
                "class_name": tf.gather(class_names, class_id)}

    @tf.function(input_signature=[tf.TensorSpec([], tf.string, name="image_bytes")])
    def serve_bytes(image_bytes):
        image = tf.io.decode_image(image_bytes, channels=3, expand_animations=False)
        return serve_images(image[tf.newaxis])

    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint("serving_default", serve_images)
    archive.add_endpoint("serve_bytes", serve_bytes)
    return archive


def _self_check(saved_model_dir: Path, model, info: dict, image_size: int) -> dict:
    """Reload the SavedModel and compare it with the trained model on validation images."""
    import numpy as np
    import tensorflow as tf

    from .pipeline import load_split

    rows = info["splits"].get("val", [])[:SELF_CHECK_IMAGES]
    split = load_split([r[0] for r in rows], [r[1] for r in rows], image_size, "memory")
    images = split.images
    if images is None or len(images) == 0:
        return {"passed": False, "images": 0, "max_abs_diff": None,
                "message": "no validation image could be read for the check"}
    loaded = tf.saved_model.load(str(saved_model_dir))
    served = loaded.signatures["serving_default"](images=tf.constant(images))["probabilities"].numpy()
    direct = model.predict(images, verbose=0)
    diff = float(np.max(np.abs(served - direct)))
    same_class = float(np.mean(np.argmax(served, -1) == np.argmax(direct, -1)))
    # The bytes signature on one real file, end to end.
    raw = tf.io.read_file(rows[0][0])
    from_bytes = loaded.signatures["serve_bytes"](image_bytes=raw)
    bytes_ok = bool(from_bytes["probabilities"].shape[-1] == len(info["classes"]))
    passed = diff <= SELF_CHECK_TOLERANCE and same_class == 1.0 and bytes_ok
    return {"passed": passed, "images": int(len(images)), "max_abs_diff": diff,
            "same_class_fraction": same_class, "bytes_signature_ok": bytes_ok,
            "tolerance": SELF_CHECK_TOLERANCE}


def _test_accuracy(search_dir: Path, model, info: dict, trial_id: str, image_size: int) -> float | None:
    """The trial's accuracy on the locked test split: the search's score when it was the best,
    otherwise scored now, once, and remembered in search.json."""
    import numpy as np

    from .pipeline import load_split
    from .runner import _update_search_info

    scores = dict(info.get("test_scores") or {})
    if trial_id in scores:
        return scores[trial_id]
    rows = info.get("splits", {}).get("test") or []
    if not rows:
        return None
    split = load_split([r[0] for r in rows], [r[1] for r in rows], image_size, "memory")
    if len(split) == 0:
        return None
    probs = model.predict(split.images, batch_size=64, verbose=0)
    scores[trial_id] = float(np.mean(np.argmax(probs, -1) == split.labels))
    try:
        _update_search_info(search_dir, test_scores=scores)
    except (SearchError, OSError):
        pass
    return scores[trial_id]


def export_trial(search_dir: str | Path, out_dir: str | Path, trial_id: str | None = None,
                 overwrite: bool = False) -> dict:
    """Export a trial (the best by default) to ``out_dir``; return the model card."""
    search_dir = Path(search_dir)
    try:
        model, trial_id, info, trial = load_trial_model(search_dir, trial_id)
    except SearchError as exc:
        raise ExportError(str(exc)) from None
    image_size = SearchConfig.from_dict(info["config"]).image_size
    return export_model(model, info, out_dir, trial_id=trial_id, hyperparameters=dict(trial.hyperparameters.values),
                        score=trial.score, metrics=_trial_metrics(trial), overwrite=overwrite,
                        test_accuracy=_test_accuracy(search_dir, model, info, trial_id, image_size))


def export_model(model, info: dict, out_dir: str | Path, *, trial_id: str, hyperparameters: dict,
                 score: float | None, metrics: dict, overwrite: bool = False, test_accuracy: float | None = None,
                 card_extra: dict | None = None) -> dict:
    """Export any model of a search (a trial, an ensemble, a distilled student); return the model card.

    ``info`` is the search's ``search.json``; ``test_accuracy`` is the model's score on the locked
    test split (None without one); ``card_extra`` adds fields to the card (e.g. the ensemble's members).
    """
    import keras

    out_dir = Path(out_dir).expanduser().absolute()
    config = SearchConfig.from_dict(info["config"])
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ExportError(f"{out_dir} exists and is not a folder.")
        existing = list(out_dir.iterdir())
        if existing and not (overwrite and (out_dir / "model_card.json").is_file()):
            raise ExportError(f"{out_dir} is not empty: choose an empty or new folder"
                              + ("" if overwrite else " (or allow replacing an earlier export)") + ".")
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.export-", dir=parent))
    except OSError as exc:
        raise ExportError(f"Cannot write in {parent}: {exc.strerror or exc}.") from None
    try:
        archive = _serving_archive(model, info["classes"], config.image_size)
        archive.write_out(str(staging / "saved_model"), verbose=False)
        # Recompile without the app's confusion metric, so model.keras loads without TuneStudio.
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        model.save(staging / "model.keras")
        (staging / "labels.txt").write_text("\n".join(info["classes"]) + "\n", encoding="utf-8")
        check = _self_check(staging / "saved_model", model, info, config.image_size)
        card = {
            "format": "tunestudio-model-card/1",
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "search_id": info.get("search_id"),
            "trial_id": trial_id,
            "architecture": config.architecture,
            "classes": info["classes"],
            "input": {"image_size": config.image_size, "dtype": "uint8", "channels": 3,
                      "note": "serving_default resizes any HxW; pixels 0-255, RGB"},
            "signatures": {
                "serving_default": {"inputs": {"images": "uint8 [N, H, W, 3]"},
                                    "outputs": ["probabilities", "class_id", "class_name"]},
                "serve_bytes": {"inputs": {"image_bytes": "string scalar (JPEG/PNG/BMP/GIF bytes)"},
                                "outputs": ["probabilities", "class_id", "class_name"]},
            },
            "hyperparameters": hyperparameters,
            "objective": config.objective,
            "score": score,
            "validation_metrics": metrics,
            # Scored once on the locked test split (never used for choosing): the honest estimate.
            "test_accuracy": test_accuracy,
            "dataset": {"root": info.get("data_root"), "fingerprint": info.get("dataset_fingerprint"),
                        "counts": info.get("counts")},
            "seed": config.seed,
            "versions": package_versions(),
            "self_check": check,
            "files": ["saved_model", "model.keras", "labels.txt", "model_card.json"],
            **(card_extra or {}),
        }
        (staging / "model_card.json").write_text(json.dumps(card, indent=2, ensure_ascii=False, default=float),
                                                 encoding="utf-8")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(staging, out_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ExportError(f"Export to {out_dir} failed: {exc.strerror or exc}. Nothing was left behind.") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        keras.backend.clear_session()
    card["path"] = str(out_dir)
    return card
