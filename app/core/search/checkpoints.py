"""Trial checkpoints on disk: what Keras Tuner recorded, and the one pruner.

Only the weights (``checkpoint.weights.h5``) are ever removed; ``trial.json`` stays, so resume,
history and export still see every trial. Used while a search runs (keep the best N as it goes),
from the History tab and ``tunestudio history prune``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from app.core.search.search_dir import CHECKPOINT_FILE, TRIAL_FILE, TUNER_PROJECT, checkpoint_path
from app.core.search.search_state import lower_is_better
from app.core.util.untrusted import UntrustedFileError, read_json


def list_trials(search_dir: str | Path) -> list[dict]:
    """Keras Tuner's record of every trial: id, status, score, hyperparameters."""
    out = []
    for path in sorted((Path(search_dir) / TUNER_PROJECT).glob(f"trial_*/{TRIAL_FILE}")):
        try:
            data = read_json(path)
        except UntrustedFileError:
            continue  # cut off by a crash (Keras Tuner writes in place) or not ours: not a trial
        if not isinstance(data, dict) or "trial_id" not in data:
            continue
        out.append({"trial_id": data["trial_id"], "status": data.get("status"), "score": data.get("score"),
                    "hyperparameters": data.get("hyperparameters", {}).get("values", {}),
                    "has_checkpoint": (path.parent / CHECKPOINT_FILE).is_file(),
                    "metrics": data.get("metrics", {})})
    return out


def checkpoint_files(search_dir: str | Path) -> dict[str, Path]:
    """Checkpoints under ``search_dir/tuner``, by trial id (``trial_<id>`` folders)."""
    tuner_dir = Path(search_dir) / TUNER_PROJECT
    found: dict[str, Path] = {}
    if not tuner_dir.is_dir():
        return found
    for checkpoint in tuner_dir.rglob(CHECKPOINT_FILE):
        folder = checkpoint.parent.name
        if folder.startswith("trial_"):
            found[folder[len("trial_"):]] = checkpoint
    return found


def best_first(trials: Iterable[dict], objective: str | None) -> list[str]:
    """Ids of the completed, scored trials, best first (ties by id)."""
    scored = [t for t in trials if str(t.get("status")).upper() == "COMPLETED" and t.get("score") is not None]
    sign = 1.0 if lower_is_better(objective) else -1.0
    return [str(t["trial_id"]) for t in sorted(scored, key=lambda t: (sign * float(t["score"]), str(t["trial_id"])))]


def prune(search_dir: str | Path, keep_ids: Iterable[str], protect: Iterable[str] = ()) -> tuple[list[str], int]:
    """Delete every checkpoint but those of ``keep_ids`` (and ``protect``: e.g. a running trial,
    whose checkpoint is still being written). Returns (trial ids pruned, bytes freed); an OSError
    other than a file already gone is raised."""
    spared = {str(i) for i in keep_ids} | {str(i) for i in protect}
    removed, freed = [], 0
    for trial_id, checkpoint in sorted(checkpoint_files(search_dir).items()):
        if trial_id in spared:
            continue
        try:
            size = checkpoint.stat().st_size
            checkpoint.unlink()
        except FileNotFoundError:
            continue
        removed.append(trial_id)
        freed += size
    return removed, freed


def prune_checkpoints(search_dir: str | Path, objective: str, keep: int) -> list[str]:
    """While a search runs: keep the weights of the best ``keep`` trials Keras Tuner completed."""
    if keep <= 0:
        return []
    trials = list_trials(search_dir)
    running = [t["trial_id"] for t in trials if t["status"] == "RUNNING"]
    removed, _freed = prune(search_dir, best_first(trials, objective)[:keep], protect=running)
    return removed


__all__ = ["best_first", "checkpoint_files", "checkpoint_path", "list_trials", "prune", "prune_checkpoints"]
