"""Experiment history: every search, trial, epoch and export kept in one SQLite database.

The store is a listener (``store.record(event)``) for the events of :mod:`app.core.search.events`, so the
command line passes it straight to ``run_search`` and the window calls it from a GUI-thread slot.
Each event is written in its own transaction: a crash loses at most the epoch in progress.

Threading: a :class:`HistoryStore` belongs to the thread that created it (sqlite3's
``check_same_thread``). Exactly one thread in the app writes - the GUI thread, or the thread the
command line runs the search in; the training process never opens the database. Other
connections (a second window, ``tunestudio history``) only read, which WAL mode allows while a
write is going on.

The schema is versioned with ``PRAGMA user_version``; :data:`MIGRATIONS` lists the steps from an
empty file to the current version, and opening an older database runs the missing ones.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Iterable

from app.core.util import paths

from app.core.history.history_edits import Edits
from app.core.history.history_queries import Queries
from app.core.history.history_recording import Recorder
from app.core.history.history_rows import Transaction, dump_json, load_json
# Imported back: callers import these from app.core.history.history.
from app.core.history.history_rows import folder_size  # noqa: F401
from app.core.history.history_schema import (  # noqa: F401
    FINAL_TRIAL_STATUSES, MIGRATIONS, RUNNING, SCHEMA_VERSION, SEARCH_STATUSES, SORTABLE_COLUMNS, HistoryError,
    OutsideHomeError, migrate,
)



class HistoryStore:
    """The history database. ``path`` defaults to ``TUNESTUDIO_HOME/history.sqlite3``.

    The store opens the connection and owns the three objects that use it: ``recorder`` writes
    events (history_recording.py), ``queries`` reads (history_queries.py), ``edits`` changes names,
    notes, exports and disk (history_edits.py); the schema is in history_schema.py. The store's own
    methods are the public calls, each handed to the object that does it.

    Use from one thread only (see the module docstring). ``record`` never raises on a bad or
    unexpected event: history must not stop a training; problems are logged and kept in
    ``errors``.
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else paths.history_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we open transactions ourselves, one per event.
        self.conn = sqlite3.connect(str(self.path), timeout=10.0, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode survives an application crash; only a power cut may lose the
            # last transactions, never corrupt the file.
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            migrate(self.conn)
        except Exception:
            self.conn.close()
            raise
        self.recorder = Recorder(self.conn, self.path)
        self.queries = Queries(self.conn)
        self.edits = Edits(self.conn, self.queries, self.recorder)

    # ---------------------------------------------------------------- lifecycle

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "HistoryStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def integrity_check(self) -> str:
        """SQLite's own verdict on the file: ``"ok"`` when it is sound."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    @property
    def disk_full(self) -> str:
        """The message, once the disk filled while recording ("" otherwise); kept by the recorder."""
        return self.recorder.disk_full

    @disk_full.setter
    def disk_full(self, message: str) -> None:
        self.recorder.disk_full = message

    @property
    def behind(self) -> set[str]:
        """Searches whose record missed events (rebuilt from their event logs later)."""
        return self.recorder.behind

    def data_version(self) -> int:
        """Changes whenever another connection (another process: a command-line search, a second
        window) commits to the database; a view polls it to show their searches."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    @property
    def recording_search_id(self) -> str | None:
        """The search whose events this store is receiving now (started, not finished)."""
        return self.recorder.current_search

    @property
    def errors(self) -> list[str]:
        """What recording could not save (logged too)."""
        return self.recorder.errors

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _transaction(self):
        return Transaction(self.conn)

    # ---------------------------------------------------------------- preferences

    def preference(self, key: str, default: Any = None) -> Any:
        """A history preference (e.g. how many checkpoints pruning keeps), or ``default``."""
        row = self.conn.execute("SELECT value_json FROM preferences WHERE key = ?", (key,)).fetchone()
        return default if row is None else load_json(row["value_json"], default)

    def set_preference(self, key: str, value: Any) -> None:
        with self._transaction():
            self.conn.execute("INSERT OR REPLACE INTO preferences (key, value_json) VALUES (?, ?)",
                              (key, dump_json(value)))

    # ---------------------------------------------------------------- recording (self.recorder)

    def __call__(self, event: dict) -> None:
        self.recorder.record(event)

    def record(self, event: dict) -> None:
        """Save one event of :mod:`app.core.search.events` in its own transaction; never raises."""
        self.recorder.record(event)

    def import_events_file(self, path: str | Path) -> str:
        return self.recorder.import_events_file(path)

    def import_unrecorded(self, min_age_seconds: float = 120.0) -> list[str]:
        return self.recorder.import_unrecorded(min_age_seconds)

    # ---------------------------------------------------------------- queries (self.queries)

    def list_tasks(self, search_id: str | None = None, kind: str | None = None) -> list[dict]:
        return self.queries.list_tasks(search_id, kind)

    def list_searches(self, text: str = "", status: str | None = None, dataset: str | None = None,
                      since: float | None = None, until: float | None = None,
                      order_by: str = "started_at", descending: bool = True,
                      limit: int | None = None) -> list[dict]:
        return self.queries.list_searches(text, status, dataset, since, until, order_by, descending, limit)

    def resolve_id(self, search_id: str) -> str:
        return self.queries.resolve_id(search_id)

    def get_search(self, search_id: str) -> dict:
        return self.queries.get_search(search_id)

    def get_trials(self, search_id: str) -> list[dict]:
        return self.queries.get_trials(search_id)

    def trials_csv(self, search_ids: Iterable[str]) -> str:
        return self.queries.trials_csv(search_ids)

    # ---------------------------------------------------------------- edits (self.edits)

    def rename_search(self, search_id: str, name: str) -> None:
        self.edits.rename_search(search_id, name)

    def annotate_search(self, search_id: str, notes: str) -> None:
        self.edits.annotate_search(search_id, notes)

    def record_export(self, search_id: str, trial_id: str | None, folder: str | Path,
                      formats: Iterable[str] = (), self_check: dict | None = None,
                      created_at: float | None = None) -> int:
        return self.edits.record_export(search_id, trial_id, folder, formats, self_check, created_at)

    def record_export_card(self, search_id: str, out_dir: str | Path, card: dict) -> int:
        return self.edits.record_export_card(search_id, out_dir, card)

    def delete_search(self, search_id: str, delete_files: bool = True, allow_outside: bool = False) -> None:
        self.edits.delete_search(search_id, delete_files, allow_outside)

    def disk_usage(self, search_id: str) -> dict:
        return self.edits.disk_usage(search_id)

    def set_disk_bytes(self, search_id: str, total: int) -> None:
        self.edits.set_disk_bytes(search_id, total)

    def prune_checkpoints(self, search_id: str, keep_best: int = 3) -> dict:
        return self.edits.prune_checkpoints(search_id, keep_best)
