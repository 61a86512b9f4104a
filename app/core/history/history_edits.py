"""Changing the history: names, notes, exports, deleting a search, and the disk its files use."""
from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path
from typing import Iterable

from app.core.util import paths
from app.core.search.checkpoints import checkpoint_files, prune
from app.core.search.search_state import lower_is_better

from app.core.history.history_queries import Queries
from app.core.history.history_recording import Recorder
from app.core.history.history_rows import Transaction, dump_json, folder_size
from app.core.history.history_schema import HistoryError, OutsideHomeError


class Edits:
    """The history's edits and disk bookkeeping, on the store's connection.

    ``queries`` finds the rows it changes; ``recorder`` says which search is being recorded (its
    checkpoints are not pruned, and deleting it stops its recording).
    """

    def __init__(self, conn: sqlite3.Connection, queries: Queries, recorder: Recorder) -> None:
        self.conn = conn
        self._require = queries.require
        self._recorder = recorder

    def _transaction(self) -> Transaction:
        return Transaction(self.conn)

    def rename_search(self, search_id: str, name: str) -> None:
        name = (name or "").strip()
        if not name:
            raise HistoryError("a search needs a name")
        self._require(search_id)
        with self._transaction():
            self.conn.execute("UPDATE searches SET name = ? WHERE id = ?", (name, search_id))

    def annotate_search(self, search_id: str, notes: str) -> None:
        self._require(search_id)
        with self._transaction():
            self.conn.execute("UPDATE searches SET notes = ? WHERE id = ?", (notes or "", search_id))

    def record_export(self, search_id: str, trial_id: str | None, folder: str | Path,
                      formats: Iterable[str] = (), self_check: dict | None = None,
                      created_at: float | None = None) -> int:
        """Keep that a trial was exported to ``folder``; returns the export's id."""
        self._require(search_id)
        with self._transaction():
            cursor = self.conn.execute(
                "INSERT INTO exports (search_id, trial_id, folder, formats_json, created_at, self_check_json) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (search_id, None if trial_id is None else str(trial_id), str(folder), dump_json(list(formats)),
                 created_at or time.time(), dump_json(self_check) if self_check is not None else None))
        return int(cursor.lastrowid)

    def record_export_card(self, search_id: str, out_dir: str | Path, card: dict) -> int:
        """``record_export`` from the model card ``app.core.export.export.export_trial`` returns."""
        search_id = search_id or card.get("search_id")
        names = card.get("files") or ["saved_model", "model.keras", "labels.txt", "model_card.json"]
        formats = [name for name in names if (Path(out_dir) / name).exists()] or list(names)
        return self.record_export(search_id, card.get("trial_id"), out_dir, formats, card.get("self_check"))

    def delete_search(self, search_id: str, delete_files: bool = True, allow_outside: bool = False) -> None:
        """Forget a search; with ``delete_files`` also remove its folder.

        Folders outside ``TUNESTUDIO_HOME/searches`` are refused unless ``allow_outside``: a
        corrupted or hand-edited row must never make us delete a user's own files.
        """
        row = self._require(search_id)
        search_dir = row["search_dir"]
        if delete_files and search_dir:
            folder = Path(search_dir).expanduser().resolve()
            root = paths.searches_dir().resolve()
            if not allow_outside and (folder == root or root not in folder.parents):
                raise OutsideHomeError(f"refusing to delete {folder}: it is not inside {root}")
            if folder.exists():
                try:
                    shutil.rmtree(folder)
                except OSError as exc:
                    raise HistoryError(f"could not delete {folder}: {exc.strerror or exc}") from None
        with self._transaction():
            self.conn.execute("DELETE FROM searches WHERE id = ?", (search_id,))
            self.conn.execute("DELETE FROM tasks WHERE search_id = ?", (search_id,))
        if self._recorder.current_search == search_id:
            self._recorder.current_search = None

    def disk_usage(self, search_id: str) -> dict:
        """Bytes used by a search's folder: ``total``, ``checkpoints``, ``tensorboard``."""
        row = self._require(search_id)
        search_dir = row["search_dir"]
        if not search_dir or not Path(search_dir).is_dir():
            usage = {"total": 0, "checkpoints": 0, "tensorboard": 0, "exists": False}
        else:
            checkpoints = sum(p.stat().st_size for p in checkpoint_files(search_dir).values() if p.exists())
            usage = {"total": folder_size(search_dir), "checkpoints": checkpoints,
                     "tensorboard": folder_size(Path(search_dir) / "tensorboard"), "exists": True}
        if usage["total"] != row["disk_bytes"]:
            with self._transaction():
                self.conn.execute("UPDATE searches SET disk_bytes = ? WHERE id = ?", (usage["total"], search_id))
        return usage

    def set_disk_bytes(self, search_id: str, total: int) -> None:
        """Store a folder size measured elsewhere (e.g. by a background job of the window)."""
        with self._transaction():
            self.conn.execute("UPDATE searches SET disk_bytes = ? WHERE id = ?", (int(total), search_id))

    def prune_checkpoints(self, search_id: str, keep_best: int = 3) -> dict:
        """Delete the checkpoint files of all but the best ``keep_best`` completed trials.

        Trial folders keep their ``trial.json`` (Keras Tuner can still resume); only the weights
        go. Returns ``{"kept": [trial ids], "removed": [trial ids], "freed_bytes": n}``.
        """
        if isinstance(keep_best, bool) or not isinstance(keep_best, int) or keep_best < 0:
            raise HistoryError(f"keep_best must be a whole number, 0 or more (got {keep_best!r})")
        row = self._require(search_id)
        if search_id == self._recorder.current_search:
            raise HistoryError("this search is still running; prune its checkpoints when it has finished")
        order = "ASC" if lower_is_better(row["objective"]) else "DESC"
        best = [r["trial_id"] for r in self.conn.execute(
            f"SELECT trial_id FROM trials WHERE search_id = ? AND status = 'COMPLETED' AND score IS NOT NULL "
            f"ORDER BY score {order}, trial_id LIMIT ?", (search_id, keep_best))]
        removed, freed = [], 0
        if row["search_dir"]:
            try:
                removed, freed = prune(row["search_dir"], best)
            except OSError as exc:
                raise HistoryError(f"could not remove {exc.filename}: {exc.strerror or exc}") from None
        with self._transaction():
            for trial_id in removed:
                self.conn.execute(
                    "UPDATE trials SET checkpoint_path = NULL, checkpoint_removed = 1 "
                    "WHERE search_id = ? AND trial_id = ?", (search_id, trial_id))
        self.disk_usage(search_id)
        return {"kept": best, "removed": removed, "freed_bytes": freed}
