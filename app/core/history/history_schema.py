"""The history database's statuses, errors and schema, with the migrations from an empty file to the current version."""
from __future__ import annotations

import sqlite3

from app.core.search.search_state import UNFINISHED

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


# One verdict for a trial its search ended around (see app.core.search.search_state.settle_status):
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
