"""The one writer of the history database for a running search, shared by the window and the CLI.

:class:`HistoryRecorder` is a listener: give it every event of a search (the window does, from a
GUI-thread slot; the command line passes it to the runner). A history problem is logged and
remembered, never raised: history must not stop a search. After a *completed* search it prunes
checkpoints when the user asked for that (the ``auto_prune`` / ``keep_best`` preferences the
History tab edits); a stopped search keeps them, since resuming Hyperband needs them.
"""
from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from app.core.search.events import COMPLETED, SEARCH_FINISHED, is_type
from app.core.search.search_dir import EVENTS_FILE
from app.core.util.diskspace import free_bytes
from app.core.history.history_schema import HistoryError
from app.core.history.history import HistoryStore

log = logging.getLogger(__name__)

AUTO_PRUNE = "auto_prune"
KEEP_BEST = "keep_best"
DEFAULT_KEEP_BEST = 3
STORE_ERRORS = (HistoryError, sqlite3.Error, OSError)
CATCH_UP_MARGIN = 2 * 2**20  # room SQLite needs besides the events themselves


def open_store() -> tuple[HistoryStore | None, str]:
    """The user's history store, or None and the reason it cannot be opened."""
    try:
        return HistoryStore(), ""
    except STORE_ERRORS as exc:
        return None, str(exc)


def read_preference(store: HistoryStore | None, key: str, default, kind: type):
    """A preference kept in the history database, ``default`` when missing, unreadable or of
    another type."""
    if store is None:
        return default
    try:
        value = store.preference(key, default)
    except STORE_ERRORS:
        return default
    return value if isinstance(value, kind) else default


class HistoryRecorder:
    """Records search events and exports; ``warnings`` lists what could not be recorded."""

    def __init__(self, store: HistoryStore | None = None) -> None:
        self.warnings: list[str] = []
        self.store_error = ""
        self._store = store
        self._opened = store is not None
        self._said_full = False

    @property
    def store(self) -> HistoryStore | None:
        """The history store, opened on first use (the window opens before it needs it)."""
        if not self._opened:
            self._opened = True
            self._store, self.store_error = open_store()
            if self.store_error:
                self._warn(f"history not recorded ({self.store_error})")
        return self._store

    def __call__(self, event: dict) -> None:
        if self.store is None or not isinstance(event, dict):
            return
        recording = self.store.recording_search_id
        self.store.record(event)  # logs and keeps its own errors
        if self.store.disk_full and not self._said_full:
            self._said_full = True
            self._warn(self.store.disk_full)
        if is_type(event, SEARCH_FINISHED) and self.store.behind:
            self._catch_up(event)
        if is_type(event, SEARCH_FINISHED) and event.get("status") == COMPLETED and recording:
            self._auto_prune(recording)

    def _catch_up(self, final: dict) -> None:
        """Rebuild a search whose record missed events (full disk) from its events.jsonl, when
        there is room again (rebuilding replaces the partial record)."""
        search_dir = final.get("search_dir")
        if not search_dir:
            return
        search_id = Path(search_dir).name
        later = f"once space is back, run: tunestudio history import {search_dir}"
        try:
            need = CATCH_UP_MARGIN + (Path(search_dir) / EVENTS_FILE).stat().st_size
        except OSError:
            need = CATCH_UP_MARGIN
        free = free_bytes(self.store.path.parent)
        if free is not None and free < need:
            self._warn(f"history: {search_id} is not fully recorded (the disk is still full); {later}")
            return
        self.store.behind.discard(search_id)
        try:
            search_id = self.store.import_events_file(search_dir)
        except STORE_ERRORS as exc:
            self._warn(f"history: {search_id} is not fully recorded ({exc}); {later}")
            return
        if search_id in self.store.behind:
            self._warn(f"history: {search_id} is not fully recorded (the disk filled again); {later}")
            return
        self.store.disk_full, self._said_full = "", False
        log.info("history: %s recorded completely again from its events.jsonl", search_id)

    def export(self, card: dict, search_id: str | None = None) -> bool:
        """Keep an export (``card`` as ``export_trial`` returns it); False when it could not be."""
        if self.store is None:
            return False
        try:
            self.store.record_export_card(search_id or Path(card["search_dir"]).name, card["path"], card)
        except (KeyError, TypeError, *STORE_ERRORS) as exc:
            self._warn(f"export not recorded in history: {exc}")
            return False
        return True

    def _auto_prune(self, search_id: str) -> None:
        if not read_preference(self.store, AUTO_PRUNE, False, bool):
            return
        try:
            keep = read_preference(self.store, KEEP_BEST, DEFAULT_KEEP_BEST, int)
            self.store.prune_checkpoints(search_id, keep_best=keep)
        except STORE_ERRORS as exc:
            self._warn(f"automatic pruning of {search_id} failed: {exc}")

    def _warn(self, message: str) -> None:
        log.warning("%s", message)
        self.warnings.append(message)
