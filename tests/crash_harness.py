"""Kill a process (SIGKILL) right before its N-th file operation, for the crash tests.

``python tests/crash_harness.py N ROOT JOB ARGS...`` counts the file operations under ROOT that
Python's audit hooks see (open, rename/replace, remove, mkdir, rmdir, truncate) and the SQL
statements SQLite runs (history writes), and kills itself with SIGKILL just before operation N.
With N = 0 it runs to the end and prints the total, so a test can spread kill points over it.
JOB is one of :data:`JOBS`.
"""
from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

FILE_EVENTS = {"open", "os.rename", "os.replace", "os.remove", "os.unlink", "os.mkdir", "os.rmdir",
               "os.truncate", "shutil.rmtree", "shutil.move"}


class Counter:
    def __init__(self, kill_at: int, root: str):
        self.kill_at, self.root, self.count = kill_at, os.path.realpath(root), 0

    def tick(self) -> None:
        self.count += 1
        if self.count == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def audit(self, event: str, args: tuple) -> None:
        if event in FILE_EVENTS and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            if os.path.realpath(path).startswith(self.root):
                self.tick()

    def sql(self, statement: str) -> None:
        if not statement.lstrip().upper().startswith(("SELECT", "PRAGMA")):
            self.tick()


def history_job(counter: Counter, root: Path, search_dir: str) -> None:
    """Record a search's events (as the window and the CLI do) into ROOT/history.sqlite3."""
    from app.core.history.history import HistoryStore
    from app.core.history.recorder import HistoryRecorder

    store = HistoryStore(root / "history.sqlite3")
    store.conn.set_trace_callback(counter.sql)
    recorder = HistoryRecorder(store)
    for line in (Path(search_dir) / "events.jsonl").read_text().splitlines():
        recorder(json.loads(line))
    store.close()


def export_job(counter: Counter, root: Path, search_dir: str) -> None:
    from app.core.export.export import export_trial

    export_trial(search_dir, root / "out", formats=["saved_model", "keras"])


def search_job(counter: Counter, root: Path, config_file: str) -> None:
    from app.core.options.config import SearchConfig
    from app.core.search import events as ev
    from app.core.search.runner import run_search

    run_search(SearchConfig.load(config_file), ev.EventLog(), search_dir=root / "search")


JOBS = {"history": history_job, "export": export_job, "search": search_job}


def main(argv: list[str]) -> None:
    kill_at, root, job, *args = argv
    counter = Counter(int(kill_at), root)
    sys.addaudithook(counter.audit)
    JOBS[job](counter, Path(root), *args)
    print(json.dumps({"operations": counter.count}))


if __name__ == "__main__":
    main(sys.argv[1:])
