"""A crash at any moment: a harness (tests/crash_harness.py) kills the process with SIGKILL just
before its N-th file operation or SQL write, for every N of a history recording and for points
spread over an export and a search. After each kill: the history database passes SQLite's
integrity check and records the search completely once replayed, no half-written export is there
to be taken for a good one, and the search resumes to the end."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.history.history import HistoryStore

from history_events import search_events

REPO = Path(__file__).resolve().parents[3]
HARNESS = REPO / "tests" / "crash_harness.py"


def run_harness(kill_at: int, root: Path, job: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run([sys.executable, str(HARNESS), str(kill_at), str(root), job, *args], env=env,
                          capture_output=True, text=True, timeout=600)


def total_operations(root: Path, job: str, *args: str) -> int:
    done = run_harness(0, root, job, *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])["operations"]


def test_history_survives_a_kill_before_every_write(tmp_path):
    search_dir = tmp_path / "search"
    search_dir.mkdir()
    events = list(search_events(search_id="search", trials=3, search_dir=str(search_dir)))
    (search_dir / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    total = total_operations(tmp_path / "full", "history", str(search_dir))
    assert total > 20
    for kill_at in range(1, total + 1):
        root = tmp_path / f"kill{kill_at}"
        root.mkdir()
        done = run_harness(kill_at, root, "history", str(search_dir))
        assert done.returncode == -signal.SIGKILL, (kill_at, done.stderr)
        if not (root / "history.sqlite3").exists():
            continue  # killed before the database was made
        store = HistoryStore(root / "history.sqlite3")  # opening a killed database recovers it
        try:
            assert store.integrity_check() == "ok", kill_at
            store.import_events_file(search_dir)  # what History does with an unfinished record
            trials = store.get_trials("search")
            assert sorted(t["trial_id"] for t in trials) == ["00", "01", "02"], kill_at
            assert all(t["status"] == "COMPLETED" for t in trials)
        finally:
            store.close()


def export_is_whole_or_absent(out: Path) -> None:
    """An export folder exists only complete: its card names files that are all there."""
    if not out.exists():
        return
    card = json.loads((out / "model_card.json").read_text())
    for name in card["files"]:
        assert (out / name).exists(), name


@pytest.mark.slow
def test_an_export_killed_anywhere_leaves_no_half_export(tmp_path, tiny_search_dir):
    from app.core.export.export import export_trial, remove_staging

    total = total_operations(tmp_path / "full", "export", tiny_search_dir)
    points = sorted({1, total // 3, 2 * total // 3, total})
    for kill_at in points:
        root = tmp_path / f"kill{kill_at}"
        root.mkdir()
        done = run_harness(kill_at, root, "export", tiny_search_dir)
        assert done.returncode == -signal.SIGKILL, (kill_at, done.stderr[-2000:])
        export_is_whole_or_absent(root / "out")
        assert all(p.name.startswith(".out") for p in root.iterdir() if p.name != "out")  # staging is hidden
    remove_staging(root / "out")  # what a later export does with a killed one's leftovers
    card = export_trial(tiny_search_dir, tmp_path / "again" / "out", formats=["keras"])
    assert card["self_check"]["passed"]


@pytest.mark.slow
def test_a_search_killed_anywhere_resumes_to_the_end(tmp_path):
    from app.core.search import events as ev
    from app.core.search.checkpoints import list_trials
    from app.core.search.runner import run_search

    from export_data import make_dataset, tiny_config

    config = tiny_config(make_dataset(tmp_path / "data", per_class=8), max_trials=2, epochs=1, test_fraction=0.0,
                         learning_rate={"min": 1e-3, "max": 1e-2, "log": True})
    config_file = tmp_path / "config.json"
    config_file.write_text(config.to_json())
    total = total_operations(tmp_path / "full", "search", str(config_file))
    for kill_at in sorted({total // 3, 2 * total // 3}):
        root = tmp_path / f"kill{kill_at}"
        root.mkdir()
        done = run_harness(kill_at, root, "search", str(config_file))
        assert done.returncode == -signal.SIGKILL, (kill_at, done.stderr[-2000:])
        if not (root / "search" / "search.json").exists():
            continue
        final = run_search(config, ev.EventLog(), search_dir=root / "search", resume=True)
        assert final["status"] == ev.COMPLETED, (kill_at, final.get("error"))
        assert sum(t["status"] == "COMPLETED" for t in list_trials(root / "search")) == 2
