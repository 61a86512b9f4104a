"""Two writers on one home: the window and command-line searches record into one history at the
same time, each search completely, their folders never collide, and the window's History shows
another process's search as soon as it is recorded."""
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.core.history.history import HistoryStore
from app.core.options.config import SearchConfig
from app.core.search.search_setup import new_search_dir
from app.core.util import paths
from app.gui.history.history_view import HistoryView

REPO = Path(__file__).resolve().parents[3]
# Another process recording a search as `tunestudio search` does (its HistoryRecorder on the home).
WRITER = """
import sys
from app.core.history.recorder import HistoryRecorder
from history_events import search_events
search_id, trials = sys.argv[1], int(sys.argv[2])
recorder = HistoryRecorder()
for event in search_events(search_id=search_id, trials=trials, epochs=3):
    recorder(event)
assert not recorder.store.errors, recorder.store.errors
"""


def start_writer(search_id: str, trials: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")])}
    return subprocess.Popen([sys.executable, "-c", WRITER, search_id, str(trials)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_window_shows_a_search_another_process_records(qtbot):
    view = HistoryView(store=HistoryStore())
    qtbot.addWidget(view)
    assert view.search_ids() == []
    writer = start_writer("20260105-120000-cli", trials=3)
    assert writer.wait(120) == 0, writer.stderr.read()
    # No refresh asked for: the view notices the other process's commits by itself.
    qtbot.waitUntil(lambda: "20260105-120000-cli" in view.search_ids(), timeout=10_000)
    qtbot.waitUntil(lambda: view.searches["20260105-120000-cli"]["status"] == "completed", timeout=10_000)
    view.store.close()


def test_two_processes_and_the_window_record_at_once(qtbot):
    store = HistoryStore()  # the window's own recorder, writing while the others do
    writers = [start_writer(f"20260105-12000{i}-cli", trials=30) for i in range(2)]
    from history_events import search_events

    for event in search_events(search_id="20260105-120009-window", trials=30, epochs=3):
        store.record(event)
    for writer in writers:
        assert writer.wait(300) == 0, writer.stderr.read()
    assert not store.errors
    for search_id in ("20260105-120000-cli", "20260105-120001-cli", "20260105-120009-window"):
        trials = store.get_trials(search_id)
        assert len(trials) == 30 and all(t["status"] == "COMPLETED" for t in trials), search_id
    assert store.integrity_check() == "ok"
    store.close()


def test_search_folders_started_in_the_same_second_never_collide():
    config = SearchConfig(data_dir="/data", name="same name")
    made, errors = [], []

    def start():
        try:
            made.append(new_search_dir(config))
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(made)) == 12
    assert all(folder.parent == paths.searches_dir() for folder in made)


@pytest.mark.slow
def test_a_real_command_line_search_shows_in_the_window_when_it_ends(qtbot, tmp_path):
    from export_data import make_dataset
    from history_events import search_events

    data = make_dataset(tmp_path / "data", per_class=8)
    env = {**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3"}
    cli = subprocess.Popen([sys.executable, "-m", "app", "search", str(data), "--arch", "mlp", "--epochs", "1",
                            "--image-size", "16", "--width", "8", "--depth", "1", "--batch-size", "8",
                            "--augment", "false", "--no-early-stopping", "--max-trials", "2", "--name", "cli",
                            "--json"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    view = HistoryView(store=HistoryStore())
    qtbot.addWidget(view)
    window_store = HistoryStore()  # the window records its own search meanwhile
    for event in search_events(search_id="20260105-130000-window", trials=5, epochs=2):
        window_store.record(event)
    out, err = cli.communicate(timeout=600)
    assert cli.returncode == 0, err[-3000:]
    cli_id = Path(json.loads(out)["search_dir"]).name
    qtbot.waitUntil(lambda: view.searches.get(cli_id, {}).get("status") == "completed", timeout=10_000)
    assert "20260105-130000-window" in view.search_ids()
    assert len(view.store.get_trials(cli_id)) == 2 and len(view.store.get_trials("20260105-130000-window")) == 5
    assert Path(json.loads(out)["search_dir"]).parent == paths.searches_dir()
    view.store.close()
    window_store.close()
