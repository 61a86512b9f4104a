"""Top-k ensemble: one Keras model that averages the probabilities of a search's best k trials.

Each member is rebuilt from its trial's hyperparameters and loaded from its checkpoint; the
ensemble is ``Average()`` over the members' outputs, standard layers only, so it saves, exports
and serves like a single trial (same signatures and model card, via ``export.export_model``).
It is scored on the validation split (and the test split when the search has one) beside each
member scored on the same decoded images.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from app.core.playbook.tasks import TaskContext, TaskError, top_trial_ids
from app.core.search.search_dir import SearchError
from app.core.search.trials import average_model, load_members


def accuracy(probabilities: np.ndarray, labels: np.ndarray) -> float | None:
    if len(labels) == 0:
        return None
    return float(np.mean(np.argmax(probabilities, -1) == labels))


def ensemble_model(search_dir: str | Path, k: int):
    """(ensemble model, member models, trial ids, search info) of the best ``k`` trials."""
    from app.core.options.config import SearchConfig

    trial_ids = top_trial_ids(search_dir, k)
    try:
        members, info = load_members(search_dir, trial_ids)
    except SearchError as exc:
        raise TaskError(str(exc)) from None
    size = SearchConfig.from_dict(info["config"]).image_size
    return average_model(members, size), members, trial_ids, info


def build_ensemble(ctx: TaskContext, search_dir: str, top: int = 3, out: str | None = None,
                   overwrite: bool = False) -> dict:
    """Task: build, score and (with ``out``) export the top-``top`` ensemble."""
    from app.core.options.config import SearchConfig
    from app.core.export.export import ExportError, export_model
    from app.core.search.predictions import decode_rows, predict

    if top < 1:
        raise TaskError("An ensemble needs at least one member (--top 1 or more).")
    ctx.progress(0.05, f"Loading the best {top} trials")
    model, members, trial_ids, info = ensemble_model(search_dir, top)
    if len(trial_ids) < top:
        ctx.emit("task_progress", fraction=0.1, message=f"Only {len(trial_ids)} trial(s) have saved weights; "
                 f"the ensemble has {len(trial_ids)} member(s).")
    size = SearchConfig.from_dict(info["config"]).image_size
    scores: dict[str, dict] = {}
    for n, split in enumerate(("val", "test")):
        rows = info["splits"].get(split) or []
        if not rows:
            continue
        ctx.progress(0.2 + 0.3 * n, f"Scoring on the {split} split")
        images, kept = decode_rows(rows, size)
        labels = np.asarray([rows[i][1] for i in kept], int)
        member_probs = [predict(m, images) for m in members]
        scores[split] = {"ensemble": accuracy(np.mean(member_probs, axis=0), labels),
                         "members": {t: accuracy(p, labels) for t, p in zip(trial_ids, member_probs)},
                         "images": int(len(labels))}
    val = scores.get("val", {})
    result = {
        "members": trial_ids,
        "val_accuracy": val.get("ensemble"),
        "best_single_val_accuracy": max((v for v in val.get("members", {}).values() if v is not None), default=None),
        "best_single_trial": trial_ids[0],
        "member_val_accuracy": val.get("members", {}),
        "test_accuracy": scores.get("test", {}).get("ensemble"),
        "best_single_test_accuracy": scores.get("test", {}).get("members", {}).get(trial_ids[0]),
        "path": None,
    }
    if out:
        ctx.progress(0.8, f"Exporting to {out}")
        metrics = {"val_accuracy": result["val_accuracy"]}
        try:
            card = export_model(model, info, out, trial_id=f"ensemble:{','.join(trial_ids)}",
                                hyperparameters={"ensemble_members": trial_ids, "combine": "mean probability"},
                                score=result["val_accuracy"], metrics=metrics, overwrite=overwrite,
                                test_accuracy=result["test_accuracy"],
                                card_extra={"architecture": "ensemble", "ensemble": {
                                    "members": trial_ids, "member_val_accuracy": result["member_val_accuracy"]}})
        except ExportError as exc:
            raise TaskError(str(exc)) from None
        result["path"] = card["path"]
        result["self_check"] = card["self_check"]
    ctx.progress(1.0, "Done")
    return result
