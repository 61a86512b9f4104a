"""Writing the history: a listener of app.core.search.events that saves each event, and rebuilding a
search's record from its events file. Owned by :class:`~app.core.history.history.HistoryStore`."""
from __future__ import annotations

import json
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

from app.core.util import paths
from app.core.util.diskspace import disk_full_message, is_disk_full
from app.core.search.checkpoints import checkpoint_files
from app.core.search.events import SEARCH_STARTED, SearchListener, TaskListener, dispatch, of_type
from app.core.search.search_dir import EVENTS_FILE, SEARCH_FILE
from app.core.search.search_state import UNFINISHED, lower_is_better

from app.core.history.history_rows import (
    Transaction, dump_json, float_or_none, folder_size, int_or_none, load_json, predictions_file, read_text,
)
from app.core.history.history_schema import HistoryError, RUNNING

log = logging.getLogger("app.core.history.history")  # the store's logger


class Recorder(SearchListener, TaskListener):
    """The history's writing half: one transaction per event; a bad event is logged, never raised.

    Its hooks (fed by :func:`~app.core.search.events.dispatch`) save the kinds worth keeping; batch_ended
    (too frequent) and unknown types are not kept. ``current_search`` is the search whose events it
    is receiving now (started, not finished); ``errors`` the problems it logged.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None) -> None:
        self.conn = conn
        self.path = path  # the database file (how much room a full disk needs)
        self.current_search: str | None = None
        self._pending_notices: list[dict] = []
        self.errors: list[str] = []
        self.disk_full = ""  # the message, once the disk filled while recording
        self.behind: set[str] = set()  # searches whose record missed events (rebuilt later)

    def _transaction(self) -> Transaction:
        return Transaction(self.conn)

    def __call__(self, event: dict) -> None:
        self.record(event)

    def record(self, event: dict) -> None:
        """Save one event of :mod:`app.core.search.events` in its own transaction."""
        dispatch(event, self)

    def on_search_started(self, event: dict) -> None:
        self._save(self._save_search_started, event)

    def on_notice(self, event: dict) -> None:
        if not (event.get("search_id") or self.current_search):
            # The engine may report notices (unreadable files, ...) before search_started.
            self._pending_notices.append(event)
            return
        self._save(self._save_notice, event)

    def on_trial_started(self, event: dict) -> None:
        self._save(self._save_trial_started, event)

    def on_epoch_ended(self, event: dict) -> None:
        self._save(self._save_epoch_ended, event)

    def on_trial_ended(self, event: dict) -> None:
        self._save(self._save_trial_ended, event)

    def on_search_finished(self, event: dict) -> None:
        self._save(self._save_search_finished, event)

    def on_task_finished(self, event: dict) -> None:
        self._save(self._save_task_finished, event)

    def _save(self, writer, event: dict) -> None:
        try:
            with self._transaction():
                writer(event)
        except Exception as exc:  # noqa: BLE001 - a history problem must not end the search
            if is_disk_full(exc):
                self._disk_full(event)
                return
            message = f"history: could not record {event.get('type')}: {exc}"
            log.exception(message)
            self.errors.append(message)

    def _disk_full(self, event: dict) -> None:
        """Said once; the search is marked behind, to be rebuilt from its events.jsonl later
        (:class:`~app.core.history.recorder.HistoryRecorder` does when the search ends)."""
        search_id = event.get("search_id") or self.current_search
        if search_id:
            self.behind.add(str(search_id))
        if not self.disk_full:
            try:
                size = self.path.stat().st_size if self.path else 0
            except OSError:
                size = 0
            self.disk_full = disk_full_message(
                "History recording", self.path.parent if self.path else Path("."), max(8 * 2**20, size // 10),
                "the search's record is rebuilt from its events.jsonl when it ends (or run "
                "'tunestudio history import SEARCH_FOLDER')")
            log.warning("%s", self.disk_full)

    def _search_id_for(self, event: dict) -> str | None:
        """The search an event belongs to: its own search_id, else the one being recorded."""
        search_id = event.get("search_id")
        if search_id:
            self._ensure_search(str(search_id), event)
            return str(search_id)
        if self.current_search:
            return self.current_search
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
            info = load_json(read_text(Path(search_dir) / SEARCH_FILE), {}) or {}
        config = info.get("config") if isinstance(info.get("config"), dict) else {}
        self.conn.execute(
            "INSERT OR IGNORE INTO searches (id, name, started_at, status, search_dir, data_dir, config_json, "
            "classes_json, dataset_fingerprint, seed, objective) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)",
            (search_id, str(info.get("name") or config.get("name") or search_id),
             float_or_none(info.get("created")) or float_or_none(event.get("time")) or time.time(),
             search_dir, str(config.get("data_dir") or ""), dump_json(config), dump_json(list(info.get("classes") or [])),
             str(info.get("dataset_fingerprint") or ""), int_or_none(config.get("seed")),
             str(config.get("objective") or "val_accuracy")))

    def _ensure_trial(self, search_id: str, trial_id: str, event: dict) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO trials (search_id, trial_id, started_at, status) "
            "VALUES (?, ?, ?, 'RUNNING')",
            (search_id, trial_id, float_or_none(event.get("time"))))

    def _save_search_started(self, event: dict) -> None:
        search_id = str(event.get("search_id") or Path(str(event.get("search_dir") or "search")).name)
        self.current_search = search_id
        config = event.get("config") if isinstance(event.get("config"), dict) else {}
        now = float_or_none(event.get("time")) or time.time()
        existing = self.conn.execute("SELECT id, name FROM searches WHERE id = ?", (search_id,)).fetchone()
        values = {
            "data_dir": str(config.get("data_dir") or ""),
            "config_json": dump_json(config),
            "search_dir": str(event.get("search_dir") or ""),
            "dataset_fingerprint": str(event.get("dataset_fingerprint") or ""),
            "classes_json": dump_json(list(event.get("classes") or [])),
            "device": str(event.get("device") or ""),
            "versions_json": dump_json(event.get("versions") or {}),
            "seed": int_or_none(config.get("seed")),
            "objective": str(config.get("objective") or "val_accuracy"),
            "max_trials": int_or_none(event.get("max_trials")),
            "train_count": int_or_none(event.get("train_count")),
            "val_count": int_or_none(event.get("val_count")),
            "test_count": int_or_none(event.get("test_count")),
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
            self._save_notice(dict(notice, search_id=search_id))

    def _save_notice(self, event: dict) -> None:
        search_id = self._search_id_for(event)
        if search_id is None:
            return
        self.conn.execute("INSERT INTO notices (search_id, time, level, message) VALUES (?, ?, ?, ?)",
                          (search_id, float_or_none(event.get("time")), str(event.get("level") or "info"),
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

    def _save_trial_started(self, event: dict) -> None:
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
            (int_or_none(event.get("number")), dump_json(event.get("hyperparameters") or {}),
             int_or_none(event.get("batch_size")), float_or_none(event.get("time")), search_id, trial_id))

    def _save_epoch_ended(self, event: dict) -> None:
        epoch = int_or_none(event.get("epoch"))
        key = self._trial_of(event) if epoch is not None else None
        if key is None:
            return
        search_id, trial_id = key
        logs = {k: float_or_none(v) for k, v in (event.get("logs") or {}).items()}
        self.conn.execute(
            "INSERT OR REPLACE INTO epochs (search_id, trial_id, epoch, logs_json, planned_epochs, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (search_id, trial_id, epoch, dump_json(logs), int_or_none(event.get("epochs")),
             float_or_none(event.get("time"))))
        # The latest confusion matrix is kept on the trial, so a crash still leaves one.
        if event.get("confusion") is not None:
            self.conn.execute(
                "UPDATE trials SET confusion_json = ?, class_names_json = ? WHERE search_id = ? AND trial_id = ?",
                (dump_json(event.get("confusion")), dump_json(list(event.get("class_names") or [])),
                 search_id, trial_id))

    def _save_trial_ended(self, event: dict) -> None:
        key = self._trial_of(event)
        if key is None:
            return
        search_id, trial_id = key
        row = self.conn.execute("SELECT search_dir, classes_json FROM searches WHERE id = ?", (search_id,)).fetchone()
        checkpoint = None
        if row and row["search_dir"]:
            checkpoint = checkpoint_files(row["search_dir"]).get(trial_id)
        ended = float_or_none(event.get("time"))
        updates: dict[str, Any] = {
            "status": str(event.get("status") or "COMPLETED"),
            "score": float_or_none(event.get("score")),
            "best_step": int_or_none(event.get("best_step")),
            "duration": float_or_none(event.get("duration")),
            "failure_reason": str(event.get("message") or ""),
            "ended_at": ended,
            "checkpoint_path": str(checkpoint) if checkpoint else None,
            "predictions_path": predictions_file(checkpoint),
        }
        if event.get("number") is not None:
            updates["number"] = int_or_none(event.get("number"))
        if event.get("hyperparameters"):
            updates["hyperparameters_json"] = dump_json(event["hyperparameters"])
        if event.get("confusion") is not None:
            updates["confusion_json"] = dump_json(event["confusion"])
            names = event.get("class_names") or (load_json(row["classes_json"], []) if row else [])
            updates["class_names_json"] = dump_json(list(names))
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
            logs = {k: float_or_none(v[epoch]) for k, v in history.items()
                    if isinstance(v, list) and epoch < len(v)}
            self.conn.execute(
                "INSERT OR IGNORE INTO epochs (search_id, trial_id, epoch, logs_json, recorded_at) "
                "VALUES (?, ?, ?, ?, ?)", (search_id, trial_id, epoch, dump_json(logs), ended))
        self._update_best(search_id)

    def _save_search_finished(self, event: dict) -> None:
        search_id = self._search_id_for(event)
        if search_id is None:
            return
        self._write_pending_notices(search_id)
        status = str(event.get("status") or "completed")
        self.conn.execute(
            "UPDATE searches SET status = ?, error = ?, ended_at = ? WHERE id = ?",
            (status, str(event.get("error") or ""), float_or_none(event.get("time")) or time.time(), search_id))
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
                (search_id, str(summary["trial_id"]), int_or_none(summary.get("number")),
                 dump_json(summary.get("hyperparameters") or {}), str(summary.get("status") or "COMPLETED"),
                 float_or_none(summary.get("score")), float_or_none(summary.get("duration")),
                 str(summary.get("message") or "")))
        self._update_best(search_id, event)
        row = self.conn.execute("SELECT search_dir FROM searches WHERE id = ?", (search_id,)).fetchone()
        if row and row["search_dir"] and Path(row["search_dir"]).is_dir():
            self.conn.execute("UPDATE searches SET disk_bytes = ? WHERE id = ?",
                              (folder_size(row["search_dir"]), search_id))
        if self.current_search == search_id:
            self.current_search = None

    def _save_task_finished(self, event: dict) -> None:
        """A playbook task (``app.core.playbook.tasks``): kept with its search, or alone (the LR finder)."""
        search_id = None
        if event.get("search_dir"):
            info = load_json(read_text(Path(str(event["search_dir"])) / "search.json"), {}) or {}
            search_id = str(info.get("search_id") or Path(str(event["search_dir"])).name)
        ended = float_or_none(event.get("time")) or time.time()
        duration = float_or_none(event.get("duration")) or 0.0
        self.conn.execute(
            "INSERT INTO tasks (search_id, kind, status, started_at, ended_at, params_json, result_json, error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (search_id, str(event.get("task") or ""), str(event.get("status") or ""), ended - duration, ended,
             dump_json(event.get("params") or {}),
             dump_json(event["result"]) if event.get("result") is not None else None, str(event.get("error") or "")))

    def _update_best(self, search_id: str, finished: dict | None = None) -> None:
        row = self.conn.execute("SELECT objective FROM searches WHERE id = ?", (search_id,)).fetchone()
        order = "ASC" if row and lower_is_better(row["objective"]) else "DESC"
        best = self.conn.execute(
            f"SELECT trial_id, score FROM trials WHERE search_id = ? AND status = 'COMPLETED' "
            f"AND score IS NOT NULL ORDER BY score {order} LIMIT 1", (search_id,)).fetchone()
        if best is None and finished and finished.get("best_trial_id") is not None:
            best = {"trial_id": str(finished["best_trial_id"]), "score": float_or_none(finished.get("best_score"))}
        if best is not None:
            self.conn.execute("UPDATE searches SET best_trial_id = ?, best_score = ? WHERE id = ?",
                              (best["trial_id"], best["score"], search_id))

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
            except (ValueError, RecursionError):  # cut off by a crash, or a hostile nesting
                continue
            # A log from elsewhere may be hostile: ids must be plain values (other fields are checked
            # where they are recorded).
            if isinstance(event, dict) and isinstance(event.get("type"), str) \
                    and all(isinstance(event.get(k, ""), (str, int)) for k in ("trial_id", "search_id")):
                events.append(event)
        started = next(iter(of_type(events, SEARCH_STARTED)), None)
        if started is None:
            raise HistoryError(f"{path} has no search_started event; it is not a search's event log")
        search_id = str(started.get("search_id") or path.parent.name)
        kept = self.conn.execute("SELECT name, notes FROM searches WHERE id = ?", (search_id,)).fetchone()
        with self._transaction():
            self.conn.execute("DELETE FROM searches WHERE id = ?", (search_id,))
        # Replaying must not make the store think the imported search is the one it is recording.
        recording, pending = self.current_search, self._pending_notices
        self.current_search, self._pending_notices = None, []
        try:
            for event in events:
                self.record(event)
        finally:
            self.current_search = None if recording == search_id else recording
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
