"""History on a full disk: one clear message, nothing finished lost, the database sound, and the
search recorded completely once space is back (rebuilt from its events.jsonl)."""
import errno
import json
import sqlite3

import pytest

from app.core.history.history import HistoryStore
from app.core.history.recorder import HistoryRecorder
from app.core.util.diskspace import is_disk_full

from history_events import search_events
from small_disk import fill, mount_small_disk, unmount


@pytest.fixture
def disk(tmp_path):
    folder = mount_small_disk(tmp_path / "disk", 8)
    yield folder
    unmount(folder)


def test_history_write_on_a_full_disk_then_catches_up(disk, tmp_path):
    search_dir = tmp_path / "search"  # the search's own folder is elsewhere, on a disk with room
    search_dir.mkdir()
    events = list(search_events(search_id="search", trials=3, search_dir=str(search_dir)))
    (search_dir / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    recorder = HistoryRecorder(HistoryStore(disk / "history.sqlite3"))
    first_end = next(i for i, e in enumerate(events) if e["type"] == "trial_ended")
    for event in events[: first_end + 1]:
        recorder(event)
    ballast = fill(disk)
    for event in events[first_end + 1: -1]:
        recorder(event)  # never raises: history must not stop the search
    said = [w for w in recorder.warnings if "is full" in w]
    assert len(said) == 1 and "MiB more is needed" in said[0] and "Everything finished is kept" in said[0]
    store = recorder.store
    assert [t["trial_id"] for t in store.get_trials("search")] == ["00"]  # the finished trial is kept
    assert store.integrity_check() == "ok"

    ballast.unlink()  # space is back
    recorder(events[-1])
    assert sorted(t["trial_id"] for t in store.get_trials("search")) == ["00", "01", "02"]
    assert all(t["status"] == "COMPLETED" for t in store.get_trials("search"))
    assert not store.behind and store.integrity_check() == "ok"
    store.close()


def test_still_full_at_the_end_says_how_to_catch_up_later(disk, tmp_path):
    events = list(search_events(search_id="s2", trials=2, search_dir=str(tmp_path)))
    (tmp_path / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    recorder = HistoryRecorder(HistoryStore(disk / "history.sqlite3"))
    recorder(events[0])
    fill(disk)
    for event in events[1:]:
        recorder(event)
    assert any(f"tunestudio history import {tmp_path}" in w for w in recorder.warnings)
    assert recorder.store.integrity_check() == "ok"
    recorder.store.close()


def test_disk_full_is_recognised_in_every_form():
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(sqlite3.OperationalError("database or disk is full"))
    wrapped = RuntimeError("writing failed")
    wrapped.__cause__ = OSError(errno.EDQUOT, "Disk quota exceeded")
    assert is_disk_full(wrapped)
    assert is_disk_full(OSError("Unable to synchronously write data (file write failed: errno = 28)"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))


@pytest.mark.parametrize("full_from", range(1, 19))
def test_an_injected_full_disk_at_each_write_point(tmp_path, monkeypatch, full_from):
    """Without a real small disk (no root): SQLite's "disk is full" injected from the N-th event on."""
    events = list(search_events(search_id="search", trials=3, search_dir=str(tmp_path)))
    (tmp_path / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    store = HistoryStore(tmp_path / "history.sqlite3")
    recorder = HistoryRecorder(store)
    real = store.recorder._transaction  # the store's writing part (app/core/history/history_recording.py)
    full = {"on": False}

    def transaction():
        if full["on"]:
            raise sqlite3.OperationalError("database or disk is full")
        return real()

    monkeypatch.setattr(store.recorder, "_transaction", transaction)
    for index, event in enumerate(events[:-1]):
        full["on"] = index >= full_from
        recorder(event)
    assert sum("is full" in w for w in recorder.warnings) == 1
    full["on"] = False  # space is back
    recorder(events[-1])
    assert sorted(t["trial_id"] for t in store.get_trials("search")) == ["00", "01", "02"]
    assert store.integrity_check() == "ok"
    store.close()
