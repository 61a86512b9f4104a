"""The layout of a search folder, and reading it back: the one place that spells it.

A search folder (``TUNESTUDIO_HOME/searches/<stamp>-<name>``, or ``--workdir``) holds:

* ``search.json`` - config, classes, the exact split, and ``status`` ("running" while a process
  works on it, then "completed", "cancelled" or "failed");
* ``events.jsonl`` - every event of the search, one JSON object a line;
* ``tuner/`` - Keras Tuner's project: ``trial_<id>/trial.json`` and ``checkpoint.weights.h5``;
* ``tensorboard/`` - TensorBoard logs per trial.

No TensorFlow and no Qt here: the window, the CLI and the history store all read folders with it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from app.core.util.paths import searches_dir
from app.core.util.untrusted import UntrustedFileError, read_json

SEARCH_FILE = "search.json"
EVENTS_FILE = "events.jsonl"
TUNER_PROJECT = "tuner"
TENSORBOARD_DIR = "tensorboard"
CHECKPOINT_FILE = "checkpoint.weights.h5"
TRIAL_FILE = "trial.json"
# search.json statuses of a search that can be continued: stopped by the user, or never
# finished (the process was killed or crashed while it said "running").
RESUMABLE_STATUSES = ("running", "cancelled")


class SearchError(RuntimeError):
    """A search cannot start or continue; the message is for the user."""


def trial_dir(search_dir: str | Path, trial_id: str) -> Path:
    return Path(search_dir) / TUNER_PROJECT / f"trial_{trial_id}"


def checkpoint_path(search_dir: str | Path, trial_id: str) -> Path:
    return trial_dir(search_dir, trial_id) / CHECKPOINT_FILE


def is_search_folder(folder: str | Path | None) -> bool:
    return bool(folder) and (Path(folder) / SEARCH_FILE).is_file()


def is_resumable(status: str | None, folder: str | Path | None) -> bool:
    """The one resume rule: a stopped or unfinished search whose folder is still there."""
    return status in RESUMABLE_STATUSES and is_search_folder(folder)


def load_search_info(search_dir: str | Path) -> dict:
    path = Path(search_dir) / SEARCH_FILE
    if not path.exists():
        raise SearchError(f"{search_dir}: not a TuneStudio search folder (no {SEARCH_FILE})")
    try:  # the folder may come from elsewhere: size and nesting checked, a damaged file said so
        info = read_json(path)
    except UntrustedFileError as exc:
        raise SearchError(str(exc)) from None
    if not isinstance(info, dict):
        raise SearchError(f"{path}: not a search description (a JSON object)")
    return info


def write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def update_search_info(search_dir: Path, **changes) -> None:
    info = load_search_info(search_dir)
    info.update(changes)
    write_json_atomic(Path(search_dir) / SEARCH_FILE, info)


def try_update_search_info(search_dir: Path, **changes) -> bool:
    """Record ``changes`` in search.json when possible; the search result stands without them."""
    try:
        update_search_info(search_dir, **changes)
        return True
    except (SearchError, OSError):
        return False


def find_resumable() -> list[dict]:
    """Searches that did not finish (stopped, killed or crashed), newest first."""
    out = []
    try:
        folders = sorted(searches_dir().iterdir(), reverse=True)
    except OSError:
        return []
    for folder in folders:
        try:
            info = load_search_info(folder)
        except SearchError:
            continue
        if info.get("status") in RESUMABLE_STATUSES:
            info["search_dir"] = str(folder)
            out.append(info)
    return out


def read_events(search_dir: str | Path) -> list[dict]:
    """Every event recorded for a search (a crash may have cut the last line)."""
    out = []
    try:
        with open(Path(search_dir) / EVENTS_FILE, encoding="utf-8") as fh:
            for line in fh:
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
    except FileNotFoundError:
        pass
    return out
