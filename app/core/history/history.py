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
from typing import Any

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



class HistoryStore(Recorder, Queries, Edits):
    """The history database. ``path`` defaults to ``TUNESTUDIO_HOME/history.sqlite3``.

    Recording events: app/core/history/history_recording.py; queries: history_queries.py; edits and disk:
    history_edits.py; the schema: history_schema.py.

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
        self._current_search: str | None = None
        self._pending_notices: list[dict] = []
        self.errors: list[str] = []
        self.disk_full = ""  # the message, once the disk filled while recording
        self.behind: set[str] = set()  # searches whose record missed events (rebuilt later)

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

    def data_version(self) -> int:
        """Changes whenever another connection (another process: a command-line search, a second
        window) commits to the database; a view polls it to show their searches."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    @property
    def recording_search_id(self) -> str | None:
        """The search whose events this store is receiving now (started, not finished)."""
        return self._current_search

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
