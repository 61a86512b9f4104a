"""Export a trial to every runtime, prove each artifact, and bundle what reproduces it.

The export folder holds one file (or folder) per chosen format (see ``export_formats``), plus:

* ``labels.txt``; ``model_card.json``: classes, input size, hyperparameters, validation metrics,
  dataset fingerprint, versions, seed, and ``artifacts``: each artifact scored in its own runtime
  on the whole validation (and test) split against the trained model (see ``export_check``);
* ``reproduce/``: the search config, the exact split, versions, and the command that retrains the
  trial (see ``reproduce``).

The export is written to a temporary folder next to the target and renamed into place, so a
failure (disk full, no permission, cancel) leaves nothing half-written.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np

from app.core.export.calibrated_model import export_calibration, fold
from app.core.options.config import SearchConfig
from app.core.search.events import EXPORT_PROGRESS
from app.core.search.checkpoints import best_first, list_trials, prune_checkpoints  # noqa: F401 - prune_checkpoints re-exported
from app.core.search.search_setup import package_versions
from app.core.search.trials import average_model, load_members, load_trial_model
from app.core.search.search_dir import CHECKPOINT_FILE, SearchError, load_search_info, trial_dir, try_update_search_info
from app.core.util.diskspace import disk_full_message, is_disk_full

STAGING_PREFIX = ".export-"


class ExportError(RuntimeError):
    """The export cannot be made; the message is for the user."""


class ExportCancelled(ExportError):
    """The user stopped the export; nothing was written."""


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


def _load_images(rows: list, image_size: int):
    """A split's rows decoded as in training: (uint8 images, labels); unreadable files left out."""
    from app.core.data.pipeline import load_split

    split = load_split([r[0] for r in rows], [r[1] for r in rows], image_size, "memory")
    return split.images, split.labels


def _test_accuracy(search_dir: Path, model, info: dict, trial_id: str, image_size: int) -> float | None:
    """The trial's accuracy on the locked test split: the search's score when it was the best,
    otherwise scored now, once, and remembered in search.json."""
    import numpy as np

    from app.core.data.pipeline import load_split

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
    try_update_search_info(search_dir, test_scores=scores)
    return scores[trial_id]


def _check_target(out_dir: Path, overwrite: bool) -> None:
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ExportError(f"{out_dir} exists and is not a folder.")
        existing = list(out_dir.iterdir())
        if existing and not (overwrite and (out_dir / "model_card.json").is_file()):
            raise ExportError(f"{out_dir} is not empty: choose an empty or new folder"
                              + ("" if overwrite else " (or allow replacing an earlier export)") + ".")


def _staging(out_dir: Path, overwrite: bool) -> Path:
    _check_target(out_dir, overwrite)
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}{STAGING_PREFIX}", dir=parent))
        staging.chmod(0o755)  # mkdtemp's 0700 would make the shared export private
        return staging
    except OSError as exc:
        raise ExportError(f"Cannot write in {parent}: {exc.strerror or exc}.") from None


def remove_staging(out_dir: str | Path) -> None:
    """Remove what a killed export left next to ``out_dir`` (its temporary folders)."""
    out_dir = Path(out_dir).expanduser().absolute()
    for leftover in out_dir.parent.glob(f".{out_dir.name}{STAGING_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _self_check_summary(artifacts: list[dict]) -> dict:
    """The one-line verdict older readers (history, window) show, derived from the artifacts table."""
    reference = next((a for a in artifacts if a["format"] == "saved_model"), artifacts[0] if artifacts else {})
    return {"passed": bool(artifacts) and all(a["passed"] for a in artifacts),
            "failed": [a["format"] for a in artifacts if not a["passed"]],
            "images": reference.get("images"), "max_abs_diff": reference.get("max_prob_diff")}


def _checked_formats(formats: list[str] | None) -> list[str]:
    """``formats`` (default: every format this installation can write), each known and writable."""
    from app.core.export.export_formats import FORMATS, available_formats, missing_requirement

    formats = available_formats() if formats is None else list(formats)
    for fmt in formats:
        if fmt not in FORMATS:
            raise ExportError(f"Unknown format {fmt!r}: choose from {', '.join(FORMATS)}.")
        problem = missing_requirement(fmt)
        if problem:
            raise ExportError(problem)
    return formats


class _Steps:
    """An export's progress: ``export_progress`` dicts to ``progress``; raises at ``cancel``."""

    def __init__(self, total: int, progress: Callable[[dict], None] | None, cancel) -> None:
        self.total, self.progress, self.cancel, self.done = total, progress, cancel, 0

    def __call__(self, message: str, fmt: str | None = None) -> None:
        from app.core.search.events import make_event

        if self.cancel is not None and self.cancel.is_set():
            raise ExportCancelled("Export stopped; nothing was written.")
        if self.progress is not None:
            self.progress(make_event(EXPORT_PROGRESS, done=self.done, total=self.total, format=fmt, message=message))
        self.done += 1


def export_trial(search_dir: str | Path, out_dir: str | Path, trial_id: str | None = None,
                 overwrite: bool = False, formats: list[str] | None = None,
                 progress: Callable[[dict], None] | None = None, cancel=None) -> dict:
    """Export a trial (by default the search's final model: its best trial, or the average of its
    best few when the search chose that, see ``app/core/search/final_model.py``) in ``formats`` (default: every format this installation
    can write) to ``out_dir``, score each artifact, and return the model card. ``progress`` gets
    plain dicts; ``cancel`` (an Event) stops between steps, leaving nothing behind."""
    formats = _checked_formats(formats)
    search_dir = Path(search_dir)
    out_dir = Path(out_dir).expanduser().absolute()
    # Loading the model, then export_model's steps.
    steps = _Steps(1 + _model_steps(formats), progress, cancel)
    _check_target(out_dir, overwrite)  # before the seconds it takes to load TensorFlow
    steps("Loading the trained model")
    members = final_members(search_dir) if trial_id is None else []
    if len(members) > 1:
        return _export_ensemble(search_dir, members, out_dir, steps, formats, overwrite)
    try:
        model, trial_id, info, trial = load_trial_model(search_dir, trial_id)
    except SearchError as exc:
        raise ExportError(str(exc)) from None
    size = SearchConfig.from_dict(info["config"]).image_size
    return _export(model, info, out_dir, steps, formats, trial_id=trial_id,
                   hyperparameters=dict(trial.hyperparameters.values), score=trial.score,
                   metrics=_trial_metrics(trial), overwrite=overwrite,
                   test_accuracy=lambda: _test_accuracy(search_dir, model, info, trial_id, size),
                   reproducible=True, card_extra=None)


def final_members(search_dir: str | Path) -> list[str]:
    """The trials of the search's final model (``search.json`` ``final_model``, see
    ``app/core/search/final_model.py``) when it averages several that all still have weights; else []."""
    try:
        final = load_search_info(search_dir).get("final_model") or {}
    except SearchError:
        return []
    members = [str(t) for t in final.get("trials") or []]
    if len(members) < 2 or not all((trial_dir(search_dir, t) / CHECKPOINT_FILE).is_file() for t in members):
        return []
    return members


def _export_ensemble(search_dir: Path, members: list[str], out_dir: Path, steps: _Steps, formats: list[str],
                     overwrite: bool) -> dict:
    """The final model when it averages several trials: one Keras model (standard layers), exported
    like a trial, its card naming the members and their validation scores."""
    try:
        models, info = load_members(search_dir, members)
    except SearchError as exc:
        raise ExportError(str(exc)) from None
    size = SearchConfig.from_dict(info["config"]).image_size
    model = average_model(models, size)
    final = info.get("final_model") or {}
    name = "ensemble:" + ",".join(members)
    scores = {t["trial_id"]: t["score"] for t in list_trials(search_dir)}
    metric = final.get("metric") or "val_accuracy"
    return _export(model, info, out_dir, steps, formats, trial_id=name,
                   hyperparameters={"ensemble_members": members, "combine": "mean probability"},
                   score=final.get("val_score"), metrics={metric: final.get("val_score")}, overwrite=overwrite,
                   test_accuracy=lambda: _test_accuracy(search_dir, model, info, name, size),
                   reproducible=False,
                   card_extra={"architecture": "ensemble", "ensemble": {
                       "members": members, "member_val_score": {t: scores.get(t) for t in members},
                       "best_trial_val_score": final.get("best_trial_val_score"), "metric": metric}})


def export_model(model, info: dict, out_dir: str | Path, *, trial_id: str, hyperparameters: dict,
                 score: float | None, metrics: dict, overwrite: bool = False, test_accuracy: float | None = None,
                 card_extra: dict | None = None, formats: list[str] | None = None,
                 progress: Callable[[dict], None] | None = None, cancel=None) -> dict:
    """Export any Keras model of a search (an ensemble, a distilled student) like a trial: the same
    formats, signatures, artifact proofs and model card (without ``reproduce/``: no single search
    command retrains it). Returns the card.

    ``info`` is the search's ``search.json``; ``test_accuracy`` is the model's score on the locked
    test split (None without one); ``card_extra`` adds fields to the card (e.g. the ensemble's members).
    """
    formats = _checked_formats(formats)
    out_dir = Path(out_dir).expanduser().absolute()
    steps = _Steps(_model_steps(formats), progress, cancel)
    _check_target(out_dir, overwrite)
    return _export(model, info, out_dir, steps, formats, trial_id=trial_id, hyperparameters=hyperparameters,
                   score=score, metrics=metrics, overwrite=overwrite, test_accuracy=lambda: test_accuracy,
                   reproducible=False, card_extra=card_extra)


def _write_failure(out_dir: Path, exc: BaseException, model, formats: list[str]) -> str:
    if is_disk_full(exc):
        # Each format holds about the weights (float32) once; the check and card need little more.
        need = (len(formats) + 1) * 4 * int(model.count_params()) + 16 * 2**20
        return disk_full_message(f"Export to {out_dir}", out_dir.parent, need,
                                 "export again (nothing half-written was left behind)")
    return f"Export to {out_dir} failed: {getattr(exc, 'strerror', None) or exc}. Nothing was left behind."


def _model_steps(formats: list[str]) -> int:
    # Writing each format, loading the images, scoring each format, the card (and bundle).
    return 2 * len(formats) + 2


def _calibrated_splits(model, info: dict, trial_id: str, size: int):
    """The held-out splits decoded as in training, the calibration the export carries, and the
    function restoring ``model``'s weights: from here on ``model`` is the calibrated model, so every
    artifact and the reference they are checked against have the temperature folded in."""
    splits = {name: _load_images(info["splits"][name], size)
              for name in ("val", "test") if info["splits"].get(name)}
    if "val" not in splits or len(splits["val"][0]) == 0:
        raise ExportError("No validation image could be read to check the export: has the folder moved?")
    splits = {name: data for name, data in splits.items() if len(data[0])}
    calibration = export_calibration(model, info, trial_id, *splits["val"])
    return splits, calibration, fold(model, calibration["temperature"])


def _model_card(config: SearchConfig, info: dict, trial_id: str, calibration: dict, hyperparameters: dict,
                score: float | None, metrics: dict, test_accuracy: float | None, versions: dict, reference: dict,
                artifacts: list, formats: list[str], bundle: dict | None, card_extra: dict | None) -> dict:
    """model_card.json: what the exported model is, how it was made and the proof of every artifact."""
    from app.core.export.export_check import TIMING_BATCH, TOLERANCES
    from app.core.export.export_formats import FILE_NAMES
    from app.core.export.reproduce import FOLDER as REPRODUCE_FOLDER

    size = config.image_size
    classes = info["classes"]
    return {
        "format": "tunestudio-model-card/2",
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "search_id": info.get("search_id"),
        "trial_id": trial_id,
        "architecture": config.architecture,
        "classes": classes,
        "input": {"image_size": size, "dtype": "uint8", "channels": 3,
                  "note": "saved_model resizes any HxW (serve_bytes also decodes); TFLite and ONNX take "
                          f"uint8 [N, {size}, {size}, 3] pixels, RGB 0-255"},
        "signatures": {
            "serving_default": {"inputs": {"images": "uint8 [N, H, W, 3]"},
                                "outputs": ["probabilities", "class_id", "class_name"],
                                "note": "calibrated probabilities; class_name 'unknown' and class_id -1 "
                                        "below calibration.threshold"},
            "serve_bytes": {"inputs": {"image_bytes": "string [N] (JPEG/PNG/BMP/GIF bytes; EXIF "
                                                      "orientation applied)"},
                            "outputs": ["probabilities", "class_id", "class_name"]},
        },
        # Folded into every artifact; serving signatures answer "unknown" below the threshold.
        "calibration": calibration,
        "hyperparameters": hyperparameters,
        "objective": config.objective,
        "score": score,
        "validation_metrics": metrics,
        # Scored once on the locked test split (never used for choosing): the honest estimate.
        "test_accuracy": test_accuracy,
        "dataset": {"root": info.get("data_root"), "fingerprint": info.get("dataset_fingerprint"),
                    "counts": info.get("counts")},
        "seed": config.seed,
        "versions": versions,
        "trained_model": {f"{name}_accuracy": acc for name, acc in reference.items()},
        "artifacts": artifacts,
        "tolerances": {fmt: TOLERANCES[fmt] for fmt in formats},
        "timing": {"batch": TIMING_BATCH, "note": "ms_per_image: mean over the validation split, "
                                                  "after one warm-up batch, on the exporting machine"},
        "self_check": _self_check_summary(artifacts),
        "reproduce": bundle,
        "files": [FILE_NAMES[f] for f in formats] + ["labels.txt", "model_card.json"]
        + ([REPRODUCE_FOLDER] if bundle is not None else []),
        **(card_extra or {}),
    }


def _export(model, info: dict, out_dir: Path, steps: _Steps, formats: list[str], *, trial_id: str,
            hyperparameters: dict, score: float | None, metrics: dict, overwrite: bool,
            test_accuracy: Callable[[], float | None], reproducible: bool, card_extra: dict | None) -> dict:
    """Write, prove and card ``model`` in ``out_dir`` through a staging folder (see the module doc)."""
    from app.core.export import reproduce
    from app.core.export.export_check import TIMING_BATCH, score_artifact
    from app.core.export.export_formats import FILE_NAMES, FormatError, representative_rows, write_artifact

    config = SearchConfig.from_dict(info["config"])
    size = config.image_size
    classes = info["classes"]
    staging = _staging(out_dir, overwrite)
    restore = None
    try:
        steps("Reading the validation images")
        splits, calibration, restore = _calibrated_splits(model, info, trial_id, size)
        representative = None
        if "tflite-int8" in formats:
            rows = representative_rows(info["splits"]["train"], seed=config.seed)
            representative = _load_images(rows, size)[0]
        for fmt in formats:
            steps(f"Writing {fmt}", fmt)
            try:
                write_artifact(fmt, model, staging / FILE_NAMES[fmt], classes, size, representative,
                               calibration["threshold"])
            except FormatError as exc:
                raise ExportError(f"{fmt}: {exc}") from None
        references = {name: model.predict(images, batch_size=TIMING_BATCH, verbose=0)
                      for name, (images, _) in splits.items()}
        sample_rows = info["splits"]["val"][:8]
        sample_images, _ = _load_images(sample_rows, size)
        bytes_sample = ([r[0] for r in sample_rows], sample_images) if len(sample_images) == len(sample_rows) \
            else None
        artifacts = []
        for fmt in formats:
            steps(f"Checking {fmt} in its runtime", fmt)
            row = score_artifact(fmt, staging / FILE_NAMES[fmt], splits, references, bytes_sample)
            artifacts.append({"format": fmt, "path": FILE_NAMES[fmt], **row})
        steps("Writing the model card and the reproducibility bundle" if reproducible else "Writing the model card")
        (staging / "labels.txt").write_text("\n".join(classes) + "\n", encoding="utf-8")
        versions = package_versions()
        bundle = reproduce.write_bundle(staging, out_dir, info, config, trial_id, hyperparameters, versions) \
            if reproducible else None
        reference = {name: float(np.mean(np.argmax(p, -1) == splits[name][1])) for name, p in references.items()}
        card = _model_card(config, info, trial_id, calibration, hyperparameters, score, metrics, test_accuracy(),
                           versions, reference, artifacts, formats, bundle, card_extra)
        (staging / "model_card.json").write_text(json.dumps(card, indent=2, ensure_ascii=False, default=float),
                                                 encoding="utf-8")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(staging, out_dir)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError) or is_disk_full(exc):  # TensorFlow says "no space" in its own errors
            raise ExportError(_write_failure(out_dir, exc, model, formats)) from None
        raise
    finally:
        import keras

        if restore is not None:
            restore()  # the caller's model keeps its own weights
        keras.backend.clear_session()
    card["path"] = str(out_dir)
    return card
