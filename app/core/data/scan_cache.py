"""The scan's verdicts cached by path, size and modification time, so an unchanged folder only costs its walk."""
from __future__ import annotations

import os
import sqlite3

from app.core.data.image_check import Outcome

SCAN_VERSION = 6  # bump whenever _inspect changes its verdicts: invalidates the scan cache


class ScanCache:
    """Inspection results keyed by (path, size, mtime); never lets a cache failure stop a scan.

    Rows of the folder being scanned are loaded into a dict up front (one query), looked up from
    the worker threads, and new results are written back in one transaction at the end.
    """

    SCHEMA = 1  # PRAGMA user_version; a different one drops the table
    COLUMNS = ("width", "height", "format", "mode", "needs_conversion", "note", "content_hash")

    def __init__(self, root: str, enabled: bool):
        self.entries: dict[str, tuple] = {}
        self.db: sqlite3.Connection | None = None
        if not enabled:
            return
        try:
            from app.core.util.paths import cache_dir

            self.db = sqlite3.connect(str(cache_dir() / "scan-cache.sqlite3"), timeout=5)
            if self.db.execute("PRAGMA user_version").fetchone()[0] != self.SCHEMA:
                with self.db:
                    self.db.execute("DROP TABLE IF EXISTS scan_cache")
                    self.db.execute(f"PRAGMA user_version = {self.SCHEMA}")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS scan_cache (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, "
                "version INTEGER, reason TEXT, notes TEXT, width INTEGER, height INTEGER, format TEXT, "
                "mode TEXT, needs_conversion INTEGER, note TEXT, content_hash TEXT)")
            prefix = root.rstrip(os.sep) + os.sep
            rows = self.db.execute(
                "SELECT path, size, mtime_ns, reason, notes, " + ", ".join(self.COLUMNS) +
                " FROM scan_cache WHERE version = ? AND path >= ? AND path < ?",
                (SCAN_VERSION, prefix, prefix[:-1] + chr(ord(os.sep) + 1)))
            self.entries = {row[0]: row[1:] for row in rows}
        except (sqlite3.Error, OSError, UnicodeError):
            self._close()

    def get(self, path: str, size: int, mtime_ns: int) -> Outcome | None:
        entry = self.entries.get(path)
        if entry is None or entry[0] != size or entry[1] != mtime_ns:
            return None
        reason, notes = entry[2], entry[3]
        notes = tuple(notes.split(",")) if notes else ()
        if reason:
            return Outcome(reason=reason, notes=notes)
        facts = dict(zip(self.COLUMNS, entry[4:]))
        facts["needs_conversion"] = bool(facts["needs_conversion"])
        facts["size_bytes"] = size
        return Outcome(facts=facts, notes=notes)

    def save(self, fresh: list[tuple[str, int, int, Outcome]], seen: set[str]) -> None:
        if self.db is None:
            return

        def row(path, size, mtime_ns, outcome):
            facts = outcome.facts or {}
            return (path, size, mtime_ns, SCAN_VERSION, outcome.reason, ",".join(outcome.notes),
                    *(facts.get(c) for c in self.COLUMNS))

        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO scan_cache VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                    (row(*item) for item in fresh if item[3].cacheable))
                gone = [(p,) for p in self.entries if p not in seen]
                if gone:
                    self.db.executemany("DELETE FROM scan_cache WHERE path = ?", gone)
        except (sqlite3.Error, UnicodeError):
            pass
        finally:
            self._close()

    def _close(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
        self.db = None
