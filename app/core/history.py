"""Experiment history: every search, trial, epoch and export kept in one SQLite database.

The store is a listener (``store.record(event)``) for the events of :mod:`app.core.events`, so the
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

import csv
import io
import json
import logging
import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable

from app.core import paths
from app.core.checkpoints import checkpoint_files, prune
from app.core.search_dir import EVENTS_FILE, SEARCH_FILE
from app.core.search_state import UNFINISHED, lower_is_better

log = logging.getLogger(__name__)

RUNNING = "running"
# Statuses a search can have in the store; "running" also covers a search whose process died
# before search_finished (the view calls that "interrupted" when nothing is recording it).
SEARCH_STATUSES = ("running", "completed", "cancelled", "failed")
# Trial statuses that mean the trial will not change any more.
FINAL_TRIAL_STATUSES = ("COMPLETED", "FAILED", "INVALID", "STOPPED", "CANCELLED")
SORTABLE_COLUMNS = ("started_at", "ended_at", "name", "data_dir", "status", "best_score",
                    "trial_count", "disk_bytes")


class HistoryError(ValueError):
    """A history request that cannot be done (unknown search, unsafe delete, ...)."""


class OutsideHomeError(HistoryError):
    """A search folder lies outside ``TUNESTUDIO_HOME/searches``, so it is not deleted."""


# --------------------------------------------------------------------------- schema

_SCHEMA_V1 = """
CREATE TABLE searches (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    data_dir TEXT NOT NULL DEFAULT '',
    config_json TEXT NOT NULL DEFAULT '{}',
    started_at REAL,
    ended_at REAL,
    status TEXT NOT NULL DEFAULT 'running'
);
CREATE TABLE trials (
    search_id TEXT NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
    trial_id TEXT NOT NULL,
    hyperparameters_json TEXT NOT NULL DEFAULT '{}',
    score REAL,
    status TEXT NOT NULL DEFAULT 'RUNNING',
    PRIMARY KEY (search_id, trial_id)
);
CREATE TABLE epochs (
    search_id TEXT NOT NULL,
    trial_id TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    logs_json TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (search_id, trial_id, epoch),
    FOREIGN KEY (search_id, trial_id) REFERENCES trials(search_id, trial_id) ON DELETE CASCADE
);
"""

_SCHEMA_V2 = """
ALTER TABLE searches ADD COLUMN search_dir TEXT NOT NULL DEFAULT '';
ALTER TABLE searches ADD COLUMN dataset_fingerprint TEXT NOT NULL DEFAULT '';
ALTER TABLE searches ADD COLUMN classes_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE searches ADD COLUMN device TEXT NOT NULL DEFAULT '';
ALTER TABLE searches ADD COLUMN versions_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE searches ADD COLUMN seed INTEGER;
ALTER TABLE searches ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE searches ADD COLUMN error TEXT NOT NULL DEFAULT '';
ALTER TABLE searches ADD COLUMN objective TEXT NOT NULL DEFAULT 'val_accuracy';
ALTER TABLE searches ADD COLUMN max_trials INTEGER;
ALTER TABLE searches ADD COLUMN train_count INTEGER;
ALTER TABLE searches ADD COLUMN val_count INTEGER;
ALTER TABLE searches ADD COLUMN test_count INTEGER;
ALTER TABLE searches ADD COLUMN best_trial_id TEXT;
ALTER TABLE searches ADD COLUMN best_score REAL;
ALTER TABLE searches ADD COLUMN resume_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE searches ADD COLUMN disk_bytes INTEGER;
ALTER TABLE trials ADD COLUMN number INTEGER;
ALTER TABLE trials ADD COLUMN batch_size INTEGER;
ALTER TABLE trials ADD COLUMN best_step INTEGER;
ALTER TABLE trials ADD COLUMN failure_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE trials ADD COLUMN started_at REAL;
ALTER TABLE trials ADD COLUMN ended_at REAL;
ALTER TABLE trials ADD COLUMN duration REAL;
ALTER TABLE trials ADD COLUMN confusion_json TEXT;
ALTER TABLE trials ADD COLUMN class_names_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE trials ADD COLUMN checkpoint_path TEXT;
ALTER TABLE trials ADD COLUMN checkpoint_removed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE epochs ADD COLUMN planned_epochs INTEGER;
ALTER TABLE epochs ADD COLUMN recorded_at REAL;
CREATE TABLE exports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    search_id TEXT NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
    trial_id TEXT,
    folder TEXT NOT NULL,
    formats_json TEXT NOT NULL DEFAULT '[]',
    created_at REAL NOT NULL,
    self_check_json TEXT
);
CREATE TABLE notices (
    search_id TEXT NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
    time REAL,
    level TEXT NOT NULL DEFAULT 'info',
    message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX searches_started ON searches(started_at);
CREATE INDEX exports_search ON exports(search_id);
CREATE INDEX notices_search ON notices(search_id);
"""

_SCHEMA_V3 = """
CREATE TABLE preferences (
    key TEXT PRIMARY KEY,
    value_json TEXT NOT NULL
);
"""

# One verdict for a trial its search ended around (see app.core.search_state.settle_status):
# earlier versions stored "INTERRUPTED", which no trial filter listed.
_SCHEMA_V4 = f"UPDATE trials SET status = '{UNFINISHED}' WHERE status = 'INTERRUPTED';"

# Per-image predictions of a trial's best epoch, and playbook tasks (LR finder, ensemble, ...).
_SCHEMA_V5 = """
ALTER TABLE trials ADD COLUMN predictions_path TEXT;
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    search_id TEXT,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at REAL,
    ended_at REAL,
    params_json TEXT NOT NULL DEFAULT '{}',
    result_json TEXT,
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tasks_search ON tasks(search_id);
"""

# MIGRATIONS[i] takes a database from user_version i to i + 1.
MIGRATIONS: list[str] = [_SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3, _SCHEMA_V4, _SCHEMA_V5]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring ``conn`` to schema ``target``, one transaction per step; returns the new version."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise HistoryError(f"the history database has schema version {current}, newer than this "
                           f"TuneStudio understands ({SCHEMA_VERSION}); update TuneStudio")
    for version in range(current, target):
        # executescript() commits on its own, so BEGIN/COMMIT are explicit to keep each step atomic.
        statements = MIGRATIONS[version].strip()
        conn.executescript(f"BEGIN;\n{statements}\nPRAGMA user_version = {version + 1};\nCOMMIT;")
    return conn.execute("PRAGMA user_version").fetchone()[0]


# --------------------------------------------------------------------------- helpers


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False, default=str)


def _loads(text: str | None, default: Any = None) -> Any:
    if text is None or text == "":
        return default
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return default


def _float_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def folder_size(path: str | Path) -> int:
    """Bytes used by the files under ``path`` (0 when it does not exist)."""
    total = 0
    for root, _dirs, files in os.walk(path, onerror=lambda exc: None):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def _predictions_file(checkpoint: Path | None) -> str | None:
    """The per-image predictions the runner keeps beside a trial's checkpoint, when written."""
    if checkpoint is None:
        return None
    path = checkpoint.parent / "predictions.npz"
    return str(path) if path.is_file() else None


# --------------------------------------------------------------------------- the store


class HistoryStore:
    """The history database. ``path`` defaults to ``TUNESTUDIO_HOME/history.sqlite3``.

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
    def recording_search_id(self) -> str | None:
        """The search whose events this store is receiving now (started, not finished)."""
        return self._current_search

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _transaction(self):
        return _Transaction(self.conn)

    # ---------------------------------------------------------------- recording events

    def __call__(self, event: dict) -> None:
        self.record(event)

    def record(self, event: dict) -> None:
        """Save one event of :mod:`app.core.events` in its own transaction."""
        if not isinstance(event, dict):
            return
        handler = {
            "search_started": self._on_search_started,
            "notice": self._on_notice,
            "trial_started": self._on_trial_started,
            "epoch_ended": self._on_epoch_ended,
            "trial_ended": self._on_trial_ended,
            "search_finished": self._on_search_finished,
            "task_finished": self._on_task_finished,
        }.get(event.get("type"))
        if handler is None:  # batch_ended and unknown types: too frequent / nothing to keep
            return
        if handler == self._on_notice and not (event.get("search_id") or self._current_search):
            # The engine may report notices (unreadable files, ...) before search_started.
            self._pending_notices.append(event)
            return
        try:
            with self._transaction():
                handler(event)
        except Exception as exc:  # noqa: BLE001 - a history problem must not end the search
            message = f"history: could not record {event.get('type')}: {exc}"
            log.exception(message)
            self.errors.append(message)

    def _search_id_for(self, event: dict) -> str | None:
        """The search an event belongs to: its own search_id, else the one being recorded."""
        search_id = event.get("search_id")
        if search_id:
            self._ensure_search(str(search_id), event)
            return str(search_id)
        if self._current_search:
            return self._current_search
        search_dir = event.get("search_dir")
        if search_dir:
            row = self.conn.execute("SELECT id FROM searches WHERE search_dir = ?",
                                    (str(search_dir),)).fetchone()
            if row:
                return row["id"]
            search_id = Path(search_dir).name
            self._ensure_search(search_id, event)
            return search_id
        log.warning("history: %s event without a search to attach it to", event.get("type"))
        return None

    def _ensure_search(self, search_id: str, event: dict) -> None:
        """Create a row when events arrive for a search we never saw start (a crash, or a search
        that failed before it started); its search.json, when there is one, fills in the config."""
        search_dir = str(event.get("search_dir") or "")
        info: dict = {}
        if search_dir:
            info = _loads(_read_text(Path(search_dir) / SEARCH_FILE), {}) or {}
        config = info.get("config") if isinstance(info.get("config"), dict) else {}
        self.conn.execute(
            "INSERT OR IGNORE INTO searches (id, name, started_at, status, search_dir, data_dir, config_json, "
            "classes_json, dataset_fingerprint, seed, objective) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)",
            (search_id, str(info.get("name") or config.get("name") or search_id),
             _float_or_none(info.get("created")) or _float_or_none(event.get("time")) or time.time(),
             search_dir, str(config.get("data_dir") or ""), _dumps(config), _dumps(list(info.get("classes") or [])),
             str(info.get("dataset_fingerprint") or ""), _int_or_none(config.get("seed")),
             str(config.get("objective") or "val_accuracy")))

    def _ensure_trial(self, search_id: str, trial_id: str, event: dict) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO trials (search_id, trial_id, started_at, status) "
            "VALUES (?, ?, ?, 'RUNNING')",
            (search_id, trial_id, _float_or_none(event.get("time"))))

    def _on_search_started(self, event: dict) -> None:
        search_id = str(event.get("search_id") or Path(str(event.get("search_dir") or "search")).name)
        self._current_search = search_id
        config = event.get("config") if isinstance(event.get("config"), dict) else {}
        now = _float_or_none(event.get("time")) or time.time()
        existing = self.conn.execute("SELECT id, name FROM searches WHERE id = ?", (search_id,)).fetchone()
        values = {
            "data_dir": str(config.get("data_dir") or ""),
            "config_json": _dumps(config),
            "search_dir": str(event.get("search_dir") or ""),
            "dataset_fingerprint": str(event.get("dataset_fingerprint") or ""),
            "classes_json": _dumps(list(event.get("classes") or [])),
            "device": str(event.get("device") or ""),
            "versions_json": _dumps(event.get("versions") or {}),
            "seed": _int_or_none(config.get("seed")),
            "objective": str(config.get("objective") or "val_accuracy"),
            "max_trials": _int_or_none(event.get("max_trials")),
            "train_count": _int_or_none(event.get("train_count")),
            "val_count": _int_or_none(event.get("val_count")),
            "test_count": _int_or_none(event.get("test_count")),
        }
        if existing is None:
            values.update(id=search_id, name=str(event.get("name") or config.get("name") or search_id), started_at=now,
                          status=RUNNING)
            columns = ", ".join(values)
            self.conn.execute(f"INSERT INTO searches ({columns}) VALUES ({', '.join('?' * len(values))})",
                              tuple(values.values()))
            self._write_pending_notices(search_id)
            return
        # Resumed (or restarted after a crash): keep the original start, name and notes.
        assignments = ", ".join(f"{k} = ?" for k in values)
        resumed = 1 if event.get("resumed") else 0
        self.conn.execute(
            f"UPDATE searches SET {assignments}, status = 'running', ended_at = NULL, error = '', "
            f"resume_count = resume_count + ? WHERE id = ?",
            (*values.values(), resumed, search_id))
        # Trials the crash or cancel left unfinished will be re-run from scratch by Keras Tuner.
        self.conn.execute("UPDATE trials SET status = ? WHERE search_id = ? AND status = 'RUNNING'",
                          (UNFINISHED, search_id))
        self._write_pending_notices(search_id)

    def _write_pending_notices(self, search_id: str) -> None:
        pending, self._pending_notices = self._pending_notices, []
        for notice in pending:
            self._on_notice(dict(notice, search_id=search_id))

    def _on_notice(self, event: dict) -> None:
        search_id = self._search_id_for(event)
        if search_id is None:
            return
        self.conn.execute("INSERT INTO notices (search_id, time, level, message) VALUES (?, ?, ?, ?)",
                          (search_id, _float_or_none(event.get("time")), str(event.get("level") or "info"),
                           str(event.get("message") or "")))

    def _trial_of(self, event: dict) -> tuple[str, str] | None:
        """(search id, trial id) of a trial event, its row created if missing; None when unknown."""
        search_id = self._search_id_for(event)
        trial_id = event.get("trial_id")
        if search_id is None or trial_id is None:
            return None
        trial_id = str(trial_id)
        self._ensure_trial(search_id, trial_id, event)
        return search_id, trial_id

    def _on_trial_started(self, event: dict) -> None:
        key = self._trial_of(event)
        if key is None:
            return
        search_id, trial_id = key
        # A trial started again (resume) restarts from scratch: its old partial epochs go.
        self.conn.execute("DELETE FROM epochs WHERE search_id = ? AND trial_id = ?", (search_id, trial_id))
        self.conn.execute(
            "UPDATE trials SET number = ?, hyperparameters_json = ?, batch_size = ?, status = 'RUNNING', "
            "score = NULL, best_step = NULL, failure_reason = '', started_at = ?, ended_at = NULL, "
            "duration = NULL, confusion_json = NULL WHERE search_id = ? AND trial_id = ?",
            (_int_or_none(event.get("number")), _dumps(event.get("hyperparameters") or {}),
             _int_or_none(event.get("batch_size")), _float_or_none(event.get("time")), search_id, trial_id))

    def _on_epoch_ended(self, event: dict) -> None:
        epoch = _int_or_none(event.get("epoch"))
        key = self._trial_of(event) if epoch is not None else None
        if key is None:
            return
        search_id, trial_id = key
        logs = {k: _float_or_none(v) for k, v in (event.get("logs") or {}).items()}
        self.conn.execute(
            "INSERT OR REPLACE INTO epochs (search_id, trial_id, epoch, logs_json, planned_epochs, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (search_id, trial_id, epoch, _dumps(logs), _int_or_none(event.get("epochs")),
             _float_or_none(event.get("time"))))
        # The latest confusion matrix is kept on the trial, so a crash still leaves one.
        if event.get("confusion") is not None:
            self.conn.execute(
                "UPDATE trials SET confusion_json = ?, class_names_json = ? WHERE search_id = ? AND trial_id = ?",
                (_dumps(event.get("confusion")), _dumps(list(event.get("class_names") or [])),
                 search_id, trial_id))

    def _on_trial_ended(self, event: dict) -> None:
        key = self._trial_of(event)
        if key is None:
            return
        search_id, trial_id = key
        row = self.conn.execute("SELECT search_dir, classes_json FROM searches WHERE id = ?", (search_id,)).fetchone()
        checkpoint = None
        if row and row["search_dir"]:
            checkpoint = checkpoint_files(row["search_dir"]).get(trial_id)
        ended = _float_or_none(event.get("time"))
        updates: dict[str, Any] = {
            "status": str(event.get("status") or "COMPLETED"),
            "score": _float_or_none(event.get("score")),
            "best_step": _int_or_none(event.get("best_step")),
            "duration": _float_or_none(event.get("duration")),
            "failure_reason": str(event.get("message") or ""),
            "ended_at": ended,
            "checkpoint_path": str(checkpoint) if checkpoint else None,
            "predictions_path": _predictions_file(checkpoint),
        }
        if event.get("number") is not None:
            updates["number"] = _int_or_none(event.get("number"))
        if event.get("hyperparameters"):
            updates["hyperparameters_json"] = _dumps(event["hyperparameters"])
        if event.get("confusion") is not None:
            updates["confusion_json"] = _dumps(event["confusion"])
            names = event.get("class_names") or (_loads(row["classes_json"], []) if row else [])
            updates["class_names_json"] = _dumps(list(names))
        assignments = ", ".join(f"{k} = ?" for k in updates)
        self.conn.execute(f"UPDATE trials SET {assignments} WHERE search_id = ? AND trial_id = ?",
                          (*updates.values(), search_id, trial_id))
        # Epochs whose events were lost are filled in from the trial's own history, but only
        # when the recorded epochs count from 0: a Hyperband round starts at a later epoch, and
        # there list positions are not epoch numbers.
        history = event.get("history") if isinstance(event.get("history"), dict) else {}
        lengths = [len(v) for v in history.values() if isinstance(v, list)]
        recorded = [r[0] for r in self.conn.execute(
            "SELECT epoch FROM epochs WHERE search_id = ? AND trial_id = ? ORDER BY epoch", (search_id, trial_id))]
        first_missing = len(recorded) if recorded == list(range(len(recorded))) else max(lengths, default=0)
        for epoch in range(first_missing, max(lengths, default=0)):
            logs = {k: _float_or_none(v[epoch]) for k, v in history.items()
                    if isinstance(v, list) and epoch < len(v)}
            self.conn.execute(
                "INSERT OR IGNORE INTO epochs (search_id, trial_id, epoch, logs_json, recorded_at) "
                "VALUES (?, ?, ?, ?, ?)", (search_id, trial_id, epoch, _dumps(logs), ended))
        self._update_best(search_id)

    def _on_search_finished(self, event: dict) -> None:
        search_id = self._search_id_for(event)
        if search_id is None:
            return
        self._write_pending_notices(search_id)
        status = str(event.get("status") or "completed")
        self.conn.execute(
            "UPDATE searches SET status = ?, error = ?, ended_at = ? WHERE id = ?",
            (status, str(event.get("error") or ""), _float_or_none(event.get("time")) or time.time(), search_id))
        # Trials still marked running were cut off by the cancel or failure.
        self.conn.execute(
            "UPDATE trials SET status = ? WHERE search_id = ? AND status = 'RUNNING'",
            (UNFINISHED, search_id))
        # The final summary lists every trial: add any whose own events never arrived.
        for summary in event.get("trials") or []:
            if not isinstance(summary, dict) or summary.get("trial_id") is None:
                continue
            self.conn.execute(
                "INSERT OR IGNORE INTO trials (search_id, trial_id, number, hyperparameters_json, status, score, "
                "duration, failure_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (search_id, str(summary["trial_id"]), _int_or_none(summary.get("number")),
                 _dumps(summary.get("hyperparameters") or {}), str(summary.get("status") or "COMPLETED"),
                 _float_or_none(summary.get("score")), _float_or_none(summary.get("duration")),
                 str(summary.get("message") or "")))
        self._update_best(search_id, event)
        row = self.conn.execute("SELECT search_dir FROM searches WHERE id = ?", (search_id,)).fetchone()
        if row and row["search_dir"] and Path(row["search_dir"]).is_dir():
            self.conn.execute("UPDATE searches SET disk_bytes = ? WHERE id = ?",
                              (folder_size(row["search_dir"]), search_id))
        if self._current_search == search_id:
            self._current_search = None

    def _on_task_finished(self, event: dict) -> None:
        """A playbook task (``app.core.tasks``): kept with its search, or alone (the LR finder)."""
        search_id = None
        if event.get("search_dir"):
            info = _loads(_read_text(Path(str(event["search_dir"])) / "search.json"), {}) or {}
            search_id = str(info.get("search_id") or Path(str(event["search_dir"])).name)
        ended = _float_or_none(event.get("time")) or time.time()
        duration = _float_or_none(event.get("duration")) or 0.0
        self.conn.execute(
            "INSERT INTO tasks (search_id, kind, status, started_at, ended_at, params_json, result_json, error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (search_id, str(event.get("task") or ""), str(event.get("status") or ""), ended - duration, ended,
             _dumps(event.get("params") or {}),
             _dumps(event["result"]) if event.get("result") is not None else None, str(event.get("error") or "")))

    def list_tasks(self, search_id: str | None = None, kind: str | None = None) -> list[dict]:
        """Recorded playbook tasks, newest first (of one search, of one kind, or all)."""
        where, args = [], []
        if search_id is not None:
            where.append("search_id = ?")
            args.append(search_id)
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        sql = "SELECT * FROM tasks" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC"
        out = []
        for row in self.conn.execute(sql, args):
            data = dict(row)
            data["params"] = _loads(data.pop("params_json"), {})
            data["result"] = _loads(data.pop("result_json"))
            out.append(data)
        return out

    def _update_best(self, search_id: str, finished: dict | None = None) -> None:
        row = self.conn.execute("SELECT objective FROM searches WHERE id = ?", (search_id,)).fetchone()
        order = "ASC" if row and lower_is_better(row["objective"]) else "DESC"
        best = self.conn.execute(
            f"SELECT trial_id, score FROM trials WHERE search_id = ? AND status = 'COMPLETED' "
            f"AND score IS NOT NULL ORDER BY score {order} LIMIT 1", (search_id,)).fetchone()
        if best is None and finished and finished.get("best_trial_id") is not None:
            best = {"trial_id": str(finished["best_trial_id"]), "score": _float_or_none(finished.get("best_score"))}
        if best is not None:
            self.conn.execute("UPDATE searches SET best_trial_id = ?, best_score = ? WHERE id = ?",
                              (best["trial_id"], best["score"], search_id))

    # ---------------------------------------------------------------- import

    def import_events_file(self, path: str | Path) -> str:
        """Rebuild a search from its ``events.jsonl`` (e.g. after a crash left the DB behind).

        Lines that are not valid JSON (a line cut off by a crash) are skipped. The name and notes
        given in the window are kept. Returns the search id.
        """
        path = Path(path)
        if path.is_dir():
            path = path / EVENTS_FILE
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            raise HistoryError(f"cannot read {path}: {exc.strerror or exc}") from None
        events = []
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict) and "type" in event:
                events.append(event)
        started = next((e for e in events if e["type"] == "search_started"), None)
        if started is None:
            raise HistoryError(f"{path} has no search_started event; it is not a search's event log")
        search_id = str(started.get("search_id") or path.parent.name)
        kept = self.conn.execute("SELECT name, notes FROM searches WHERE id = ?", (search_id,)).fetchone()
        with self._transaction():
            self.conn.execute("DELETE FROM searches WHERE id = ?", (search_id,))
        # Replaying must not make the store think the imported search is the one it is recording.
        recording, pending = self._current_search, self._pending_notices
        self._current_search, self._pending_notices = None, []
        try:
            for event in events:
                self.record(event)
        finally:
            self._current_search = None if recording == search_id else recording
            self._pending_notices = pending
        if kept is not None:
            with self._transaction():
                self.conn.execute("UPDATE searches SET name = ?, notes = ? WHERE id = ?",
                                  (kept["name"], kept["notes"], search_id))
        return search_id

    def import_unrecorded(self, min_age_seconds: float = 120.0) -> list[str]:
        """Import search folders under ``TUNESTUDIO_HOME/searches`` that the database does not
        know (their events were logged but never recorded, e.g. the window crashed).

        Folders whose log changed in the last ``min_age_seconds`` are left alone: a search may be
        writing them right now. Returns the imported ids; unreadable logs are skipped.
        """
        known = {row["search_dir"] for row in self.conn.execute("SELECT search_dir FROM searches")}
        known |= {row["id"] for row in self.conn.execute("SELECT id FROM searches")}
        imported = []
        now = time.time()
        for folder in sorted(paths.searches_dir().iterdir()):
            log_file = folder / EVENTS_FILE
            if folder.name in known or str(folder) in known or not log_file.is_file():
                continue
            try:
                if now - log_file.stat().st_mtime < min_age_seconds:
                    continue
                imported.append(self.import_events_file(log_file))
            except (HistoryError, OSError) as exc:
                log.warning("history: %s not imported: %s", folder, exc)
        return imported

    # ---------------------------------------------------------------- queries

    def list_searches(self, text: str = "", status: str | None = None, dataset: str | None = None,
                      since: float | None = None, until: float | None = None,
                      order_by: str = "started_at", descending: bool = True,
                      limit: int | None = None) -> list[dict]:
        """Searches, newest first by default. ``text`` matches name, dataset, notes or id."""
        if order_by not in SORTABLE_COLUMNS:
            raise HistoryError(f"cannot sort by {order_by!r}; use one of {', '.join(SORTABLE_COLUMNS)}")
        where, args = [], []
        if text:
            where.append("(s.name LIKE ? OR s.data_dir LIKE ? OR s.notes LIKE ? OR s.id LIKE ?)")
            args += [f"%{text}%"] * 4
        if status:
            where.append("s.status = ?")
            args.append(status)
        if dataset:
            where.append("s.data_dir LIKE ?")
            args.append(f"%{dataset}%")
        if since is not None:
            where.append("s.started_at >= ?")
            args.append(since)
        if until is not None:
            where.append("s.started_at <= ?")
            args.append(until)
        sql = (
            "SELECT s.*, (SELECT COUNT(*) FROM trials t WHERE t.search_id = s.id) AS trial_count, "
            "(SELECT COUNT(*) FROM trials t WHERE t.search_id = s.id AND t.status = 'COMPLETED') "
            "AS completed_trials FROM searches s"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {order_by} {'DESC' if descending else 'ASC'}, s.id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [self._search_dict(row) for row in self.conn.execute(sql, args)]

    def _search_dict(self, row: sqlite3.Row) -> dict:
        data = dict(row)
        data["config"] = _loads(data.pop("config_json"), {})
        data["classes"] = _loads(data.pop("classes_json"), [])
        data["versions"] = _loads(data.pop("versions_json"), {})
        data["dataset"] = data["data_dir"]
        if data.get("started_at") and data.get("ended_at"):
            data["duration"] = data["ended_at"] - data["started_at"]
        else:
            data["duration"] = None
        return data

    def resolve_id(self, search_id: str) -> str:
        """The full id for ``search_id`` or a unique prefix of it (handy on the command line)."""
        row = self.conn.execute("SELECT id FROM searches WHERE id = ?", (search_id,)).fetchone()
        if row:
            return row["id"]
        rows = self.conn.execute("SELECT id FROM searches WHERE id LIKE ? ESCAPE '\\'",
                                 (search_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",)
                                 ).fetchall()
        if len(rows) == 1:
            return rows[0]["id"]
        if not rows:
            raise HistoryError(f"no search with id {search_id!r}")
        raise HistoryError(f"{search_id!r} matches {len(rows)} searches; give more of the id")

    def get_search(self, search_id: str) -> dict:
        """One search with its trials (each with per-epoch history), exports and notices."""
        row = self.conn.execute(
            "SELECT s.*, (SELECT COUNT(*) FROM trials t WHERE t.search_id = s.id) AS trial_count, "
            "(SELECT COUNT(*) FROM trials t WHERE t.search_id = s.id AND t.status = 'COMPLETED') "
            "AS completed_trials FROM searches s WHERE s.id = ?", (search_id,)).fetchone()
        if row is None:
            raise HistoryError(f"no search with id {search_id!r}")
        search = self._search_dict(row)
        search["trials"] = self.get_trials(search_id)
        search["exports"] = [self._export_dict(r) for r in self.conn.execute(
            "SELECT * FROM exports WHERE search_id = ? ORDER BY created_at", (search_id,))]
        search["tasks"] = self.list_tasks(search_id)
        search["notices"] = [dict(r) for r in self.conn.execute(
            "SELECT time, level, message FROM notices WHERE search_id = ? ORDER BY rowid", (search_id,))]
        best = next((t for t in search["trials"] if t["trial_id"] == search.get("best_trial_id")), None)
        search["best_hyperparameters"] = dict(best["hyperparameters"]) if best else {}
        return search

    def get_trials(self, search_id: str) -> list[dict]:
        """Trials of a search in the order they ran, shaped like ``trial_ended`` events plus
        ``epochs`` (list of per-epoch logs), ``failure_reason`` and ``checkpoint_path``."""
        search = self.conn.execute("SELECT name, classes_json FROM searches WHERE id = ?", (search_id,)).fetchone()
        classes = _loads(search["classes_json"], []) if search else []
        epochs: dict[str, list[dict]] = {}
        for row in self.conn.execute(
                "SELECT trial_id, epoch, logs_json FROM epochs WHERE search_id = ? ORDER BY trial_id, epoch",
                (search_id,)):
            epochs.setdefault(row["trial_id"], []).append({"epoch": row["epoch"], **_loads(row["logs_json"], {})})
        trials = []
        for row in self.conn.execute(
                "SELECT * FROM trials WHERE search_id = ? ORDER BY COALESCE(number, 1e9), started_at, trial_id",
                (search_id,)):
            trial_epochs = epochs.get(row["trial_id"], [])
            history: dict[str, list] = {}
            for entry in trial_epochs:
                for key in entry:
                    if key != "epoch":
                        history.setdefault(key, [])
            for entry in trial_epochs:
                for key in history:
                    history[key].append(entry.get(key))
            names = _loads(row["class_names_json"], []) or classes
            trials.append({
                "search_id": search_id,
                "search_name": search["name"] if search else search_id,
                "trial_id": row["trial_id"],
                "number": row["number"],
                "status": row["status"],
                "score": row["score"],
                "best_step": row["best_step"],
                "duration": row["duration"],
                "message": row["failure_reason"],
                "failure_reason": row["failure_reason"],
                "hyperparameters": _loads(row["hyperparameters_json"], {}),
                "batch_size": row["batch_size"],
                "history": history,
                "epochs": trial_epochs,
                "confusion": _loads(row["confusion_json"]),
                "class_names": names,
                "checkpoint_path": row["checkpoint_path"],
                "predictions_path": row["predictions_path"],
                "checkpoint_removed": bool(row["checkpoint_removed"]),
                "started_at": row["started_at"],
                "ended_at": row["ended_at"],
            })
        return trials

    # ---------------------------------------------------------------- edits

    def _require(self, search_id: str) -> sqlite3.Row:
        row = self.conn.execute("SELECT * FROM searches WHERE id = ?", (search_id,)).fetchone()
        if row is None:
            raise HistoryError(f"no search with id {search_id!r}")
        return row

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
                (search_id, None if trial_id is None else str(trial_id), str(folder), _dumps(list(formats)),
                 created_at or time.time(), _dumps(self_check) if self_check is not None else None))
        return int(cursor.lastrowid)

    def record_export_card(self, search_id: str, out_dir: str | Path, card: dict) -> int:
        """``record_export`` from the model card ``app.core.export.export_trial`` returns."""
        search_id = search_id or card.get("search_id")
        names = card.get("files") or ["saved_model", "model.keras", "labels.txt", "model_card.json"]
        formats = [name for name in names if (Path(out_dir) / name).exists()] or list(names)
        return self.record_export(search_id, card.get("trial_id"), out_dir, formats, card.get("self_check"))

    @staticmethod
    def _export_dict(row: sqlite3.Row) -> dict:
        data = dict(row)
        data["formats"] = _loads(data.pop("formats_json"), [])
        data["self_check"] = _loads(data.pop("self_check_json"))
        return data

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
        if self._current_search == search_id:
            self._current_search = None

    # ---------------------------------------------------------------- preferences

    def preference(self, key: str, default: Any = None) -> Any:
        """A history preference (e.g. how many checkpoints pruning keeps), or ``default``."""
        row = self.conn.execute("SELECT value_json FROM preferences WHERE key = ?", (key,)).fetchone()
        return default if row is None else _loads(row["value_json"], default)

    def set_preference(self, key: str, value: Any) -> None:
        with self._transaction():
            self.conn.execute("INSERT OR REPLACE INTO preferences (key, value_json) VALUES (?, ?)",
                              (key, _dumps(value)))

    # ---------------------------------------------------------------- disk

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
        if search_id == self._current_search:
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

    # ---------------------------------------------------------------- export as table

    def trials_csv(self, search_ids: Iterable[str]) -> str:
        """A CSV table of the trials of the given searches, one hyperparameter per column."""
        rows, hp_names, metric_names = [], [], []
        for search_id in search_ids:
            self._require(search_id)
            for trial in self.get_trials(search_id):
                rows.append(trial)
                for name in trial["hyperparameters"]:
                    if name not in hp_names:
                        hp_names.append(name)
                for name in trial["history"]:
                    if name not in metric_names:
                        metric_names.append(name)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["search_id", "search_name", "trial_id", "number", "status", "score", "best_step",
                         "epochs", "duration_s", *[f"final_{m}" for m in metric_names], *hp_names,
                         "failure_reason", "checkpoint_path"])
        for trial in rows:
            history = trial["history"]
            finals = [(history.get(m) or [None])[-1] for m in metric_names]
            writer.writerow([trial["search_id"], trial["search_name"], trial["trial_id"], trial["number"],
                             trial["status"], trial["score"], trial["best_step"], len(trial["epochs"]),
                             None if trial["duration"] is None else round(trial["duration"], 3),
                             *finals, *[_csv_value(trial["hyperparameters"].get(h)) for h in hp_names],
                             trial["failure_reason"], trial["checkpoint_path"] or ""])
        return out.getvalue()


def _csv_value(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


class _Transaction:
    """``with``: BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an exception."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
        return False
