"""The history store: events in, searches and trials out, surviving resumes, crashes and old schemas."""
import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.core.util import paths
from app.core.search.events import make_event
from app.core.history.history_schema import SCHEMA_VERSION, HistoryError, migrate
from app.core.history.history import HistoryStore
from history_events import search_events, record_all, make_checkpoints

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_records_a_search_with_trials_epochs_and_confusion():
    store = HistoryStore()
    assert store.path == paths.history_db_path()
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    record_all(store, search_events(trials=3, epochs=2))
    assert store.errors == []

    [listed] = store.list_searches()
    assert listed["status"] == "completed"
    assert listed["trial_count"] == 3 and listed["completed_trials"] == 3
    assert listed["dataset_fingerprint"] == "abc123" and listed["seed"] == 7
    search = store.get_search(listed["id"])
    assert search["device"] == "CPU: test"
    assert search["versions"] == {"tensorflow": "2.21.0"}
    assert search["classes"] == ["cat", "dog", "frog"]
    assert [t["trial_id"] for t in search["trials"]] == ["00", "01", "02"]
    trial = search["trials"][2]
    assert trial["status"] == "COMPLETED"
    assert trial["hyperparameters"] == {"learning_rate": 0.003, "optimizer": "adam", "depth": 3}
    assert trial["history"]["val_accuracy"] == pytest.approx([0.45, 0.55])
    assert [e["epoch"] for e in trial["epochs"]] == [0, 1]
    assert trial["confusion"] == [[2, 0, 0], [0, 1, 1], [1, 0, 1]]
    assert trial["class_names"] == ["cat", "dog", "frog"]
    assert trial["duration"] == 1.5
    # The best trial is the highest val_accuracy one.
    assert search["best_trial_id"] == "02"
    assert search["best_score"] == pytest.approx(0.55)
    assert search["best_hyperparameters"]["depth"] == 3


def test_best_trial_follows_objective_direction():
    store = HistoryStore()
    record_all(store, search_events(objective="val_loss", trials=2))
    search = store.get_search(store.list_searches()[0]["id"])
    # All trials end with the same val_loss except by epoch; the lowest must win, not the highest.
    scores = {t["trial_id"]: t["score"] for t in search["trials"]}
    assert search["best_score"] == min(scores.values())


def test_failed_trial_keeps_its_reason():
    store = HistoryStore()
    events = list(search_events(trials=1, finish=False))
    record_all(store, events)
    store.record(make_event("trial_started", trial_id="01", number=2, hyperparameters={"depth": 9}, batch_size=8))
    store.record(make_event("trial_ended", trial_id="01", number=2, status="FAILED", score=None, best_step=None,
                            duration=0.2, message="ResourceExhaustedError: out of memory",
                            hyperparameters={"depth": 9}, history={}, confusion=None))
    store.record(make_event("search_finished", status="failed", error="too many failures",
                            best_trial_id="00", best_score=0.25, trials=[], duration=1, search_dir=""))
    search = store.get_search(store.list_searches()[0]["id"])
    failed = search["trials"][1]
    assert failed["status"] == "FAILED"
    assert "out of memory" in failed["failure_reason"]
    assert search["status"] == "failed" and search["error"] == "too many failures"


def test_resume_reruns_interrupted_trial_and_keeps_start_name_and_notes():
    store = HistoryStore()
    sid = "20260101-000000-demo"
    first = list(search_events(search_id=sid, trials=2, epochs=2, finish=False))
    # Cancelled in the middle of trial 2 (id "01"): its first epoch arrived, then search_finished.
    record_all(store, first[:-3])
    store.record(make_event("search_finished", status="cancelled", error="", best_trial_id="00",
                            best_score=0.35, trials=[], duration=3, search_dir=""))
    before = store.get_search(sid)
    assert before["status"] == "cancelled"
    assert before["trials"][1]["status"] == "CANCELLED"
    assert len(before["trials"][1]["epochs"]) == 1
    store.rename_search(sid, "pets, first try")
    store.annotate_search(sid, "stopped for lunch")

    # Resume: search_started again with resumed=True, trial "01" re-run from scratch, then trial "02".
    resumed = list(search_events(search_id=sid, trials=2, epochs=2, resumed=True, first_number=2))
    record_all(store, resumed)
    after = store.get_search(sid)
    assert store.errors == []
    assert after["status"] == "completed"
    assert after["started_at"] == before["started_at"]
    assert after["name"] == "pets, first try" and after["notes"] == "stopped for lunch"
    assert after["resume_count"] == 1
    assert [t["trial_id"] for t in after["trials"]] == ["00", "01", "02"]
    assert all(t["status"] == "COMPLETED" for t in after["trials"])
    assert [e["epoch"] for e in after["trials"][1]["epochs"]] == [0, 1]


def test_missing_and_out_of_order_events_do_not_break_recording():
    store = HistoryStore()
    sid = "crashy"
    store.record(make_event("epoch_ended", search_id=sid, trial_id="05", epoch=0, epochs=2,
                            logs={"val_accuracy": 0.5}, confusion=None, class_names=[]))
    store.record(make_event("trial_ended", search_id=sid, trial_id="05", status="COMPLETED", score=0.5,
                            history={"val_accuracy": [0.5, 0.6]}, hyperparameters={"depth": 1}))
    store.record({"type": "epoch_ended"})  # nothing to attach it to: ignored
    store.record("not an event")
    store.record({"type": "something_new", "search_id": sid})
    search = store.get_search(sid)
    [trial] = search["trials"]
    assert trial["status"] == "COMPLETED"
    # The epoch that was seen is kept, the missing one filled from the trial's history.
    assert trial["history"]["val_accuracy"] == [0.5, 0.6]
    assert store.errors == []


def test_migration_from_v1_keeps_data_and_adds_new_columns(tmp_path):
    db = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(db)
    assert migrate(conn, target=1) == 1
    conn.execute("INSERT INTO searches (id, name, data_dir, config_json, started_at, status) "
                 "VALUES ('old', 'old search', '/data/x', '{\"seed\": 1}', 100.0, 'completed')")
    conn.execute("INSERT INTO trials (search_id, trial_id, hyperparameters_json, score, status) "
                 "VALUES ('old', '00', '{\"depth\": 2}', 0.7, 'COMPLETED')")
    conn.execute("INSERT INTO epochs (search_id, trial_id, epoch, logs_json) "
                 "VALUES ('old', '00', 0, '{\"val_accuracy\": 0.7}')")
    conn.commit()
    conn.close()

    store = HistoryStore(db)
    assert store.schema_version == SCHEMA_VERSION > 1
    search = store.get_search("old")
    assert search["name"] == "old search" and search["notes"] == ""
    assert search["trials"][0]["hyperparameters"] == {"depth": 2}
    assert search["trials"][0]["history"] == {"val_accuracy": [0.7]}
    # New features work on the migrated database.
    store.set_preference("keep_best", 5)
    assert store.preference("keep_best") == 5 and store.preference("missing", 1) == 1
    store.annotate_search("old", "from v1")
    store.record_export("old", "00", tmp_path / "out", ["saved_model"], {"passed": True})
    assert store.get_search("old")["exports"][0]["self_check"] == {"passed": True}
    assert store.integrity_check() == "ok"


def test_refuses_a_newer_schema(tmp_path):
    db = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(HistoryError, match="newer"):
        HistoryStore(db)


CRASH_WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[2])
    from app.core.search.events import make_event
    from app.core.history.history import HistoryStore
    store = HistoryStore(sys.argv[1])
    store.record(make_event("search_started", search_id="crash", search_dir="", config={"name": "crash"},
                            classes=["a", "b"], resumed=False))
    trial = 0
    while True:  # the parent kills us somewhere in here
        tid = f"{trial:03d}"
        store.record(make_event("trial_started", trial_id=tid, number=trial + 1, hyperparameters={"n": trial}))
        for epoch in range(20):
            store.record(make_event("epoch_ended", trial_id=tid, epoch=epoch, epochs=20,
                                    logs={"val_accuracy": epoch / 20}, confusion=[[1, 0], [0, 1]],
                                    class_names=["a", "b"]))
        store.record(make_event("trial_ended", trial_id=tid, number=trial + 1, status="COMPLETED",
                                score=0.95, history={}, hyperparameters={"n": trial}))
        print("done", tid, flush=True)
        trial += 1
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_writer_leaves_a_sound_database_with_completed_trials(tmp_path):
    db = tmp_path / "crash.sqlite3"
    script = tmp_path / "writer.py"
    script.write_text(CRASH_WRITER)
    child = subprocess.Popen([sys.executable, str(script), str(db), str(REPO_ROOT)],
                             stdout=subprocess.PIPE, text=True)
    try:
        done = [child.stdout.readline().split()[1] for _ in range(3)]
    finally:
        os.kill(child.pid, signal.SIGKILL)  # mid-stream: the writer never pauses
        child.wait()
    assert child.returncode == -signal.SIGKILL

    store = HistoryStore(db)
    assert store.integrity_check() == "ok"
    search = store.get_search("crash")
    assert search["status"] == "running"  # never finished
    completed = {t["trial_id"]: t for t in search["trials"] if t["status"] == "COMPLETED"}
    for trial_id in done:
        assert trial_id in completed
        assert len(completed[trial_id]["epochs"]) == 20
    # Whatever trial was in progress holds only whole epochs, numbered without gaps.
    for trial in search["trials"]:
        assert [e["epoch"] for e in trial["epochs"]] == list(range(len(trial["epochs"])))


def test_delete_removes_rows_and_folder_but_refuses_outside_home(tmp_path):
    store = HistoryStore()
    inside = paths.searches_dir() / "s1"
    make_checkpoints(inside, ["00"])
    record_all(store, search_events(search_id="s1", search_dir=inside, trials=1))
    outside = tmp_path / "my-own-folder"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me")
    record_all(store, search_events(search_id="s2", search_dir=outside, trials=1))

    with pytest.raises(HistoryError, match="refusing"):
        store.delete_search("s2")
    assert (outside / "precious.txt").exists()
    assert store.get_search("s2")

    store.delete_search("s1")
    assert not inside.exists()
    with pytest.raises(HistoryError):
        store.get_search("s1")
    assert store.conn.execute("SELECT COUNT(*) FROM epochs WHERE search_id = 's1'").fetchone()[0] == 0

    store.delete_search("s2", delete_files=False)
    assert (outside / "precious.txt").exists()
    assert store.list_searches() == []


def test_prune_keeps_best_k_checkpoints_and_reports_disk_use():
    store = HistoryStore()
    search_dir = paths.searches_dir() / "p"
    make_checkpoints(search_dir, ["00", "01", "02"], size=1000)
    record_all(store, search_events(search_id="p", search_dir=search_dir, trials=3))
    trials = store.get_search("p")["trials"]
    assert all(t["checkpoint_path"] for t in trials)
    assert store.disk_usage("p")["checkpoints"] == 3000

    result = store.prune_checkpoints("p", keep_best=1)
    assert result["kept"] == ["02"]  # highest val_accuracy
    assert sorted(result["removed"]) == ["00", "01"]
    assert result["freed_bytes"] == 2000
    assert (search_dir / "tuner" / "trial_02" / "checkpoint.weights.h5").exists()
    assert not (search_dir / "tuner" / "trial_00" / "checkpoint.weights.h5").exists()
    assert (search_dir / "tuner" / "trial_00" / "trial.json").exists()
    by_id = {t["trial_id"]: t for t in store.get_search("p")["trials"]}
    assert by_id["00"]["checkpoint_removed"] and by_id["00"]["checkpoint_path"] is None
    assert not by_id["02"]["checkpoint_removed"]
    assert store.disk_usage("p")["checkpoints"] == 1000
    assert store.list_searches()[0]["disk_bytes"] == store.disk_usage("p")["total"]
    with pytest.raises(HistoryError):
        store.prune_checkpoints("p", keep_best=-1)


def test_trials_csv_has_one_row_per_trial_and_hyperparameter_columns():
    store = HistoryStore()
    record_all(store, search_events(search_id="a", trials=2))
    record_all(store, search_events(search_id="b", trials=1))
    rows = list(csv.DictReader(io.StringIO(store.trials_csv(["a", "b"]))))
    assert [(r["search_id"], r["trial_id"]) for r in rows] == [("a", "00"), ("a", "01"), ("b", "00")]
    assert rows[1]["optimizer"] == "sgd" and rows[1]["learning_rate"] == "0.002"
    assert float(rows[1]["final_val_accuracy"]) == pytest.approx(0.45)
    with pytest.raises(HistoryError):
        store.trials_csv(["missing"])


def test_list_filters_and_sorts():
    store = HistoryStore()
    record_all(store, search_events(search_id="a", trials=1))
    record_all(store, search_events(search_id="b", trials=2, finish=False))
    store.rename_search("a", "flowers baseline")
    assert [s["id"] for s in store.list_searches(text="flowers")] == ["a"]
    assert [s["id"] for s in store.list_searches(status="running")] == ["b"]
    by_score = store.list_searches(order_by="best_score", descending=True)
    assert by_score[0]["best_score"] >= by_score[1]["best_score"]
    with pytest.raises(HistoryError):
        store.list_searches(order_by="1; DROP TABLE searches")
    assert store.resolve_id("a") == "a"
    with pytest.raises(HistoryError):
        store.rename_search("a", "   ")


def test_list_filters_combine_and_leave_out_empty_ones():
    store = HistoryStore()
    record_all(store, search_events(search_id="a", trials=1))
    record_all(store, search_events(search_id="b", trials=1))
    started = {s["id"]: s["started_at"] for s in store.list_searches()}
    assert [s["id"] for s in store.list_searches(text="", status="", dataset="")] == ["b", "a"]
    assert [s["id"] for s in store.list_searches(dataset="pets", since=started["b"])] == ["b"]
    assert [s["id"] for s in store.list_searches(until=started["a"], status="completed")] == ["a"]
    assert store.list_searches(dataset="cifar") == []
    for kind in ("lr_finder", "mislabels"):
        store.record(make_event("task_finished", task=kind, status="completed", params={"steps": 5},
                                result=None, duration=1.0))
    assert [t["kind"] for t in store.list_tasks()] == ["mislabels", "lr_finder"]
    assert [t["params"] for t in store.list_tasks(kind="lr_finder")] == [{"steps": 5}]
    assert store.list_tasks(search_id="a") == []


def test_import_events_file_rebuilds_a_search_from_a_cut_off_log():
    store = HistoryStore()
    search_dir = paths.searches_dir() / "imp"
    search_dir.mkdir()
    lines = [json.dumps(e) for e in search_events(search_id="imp", search_dir=search_dir, trials=2, finish=False)]
    (search_dir / "events.jsonl").write_text("\n".join(lines) + '\n{"type": "epoch_en')  # crash mid-line
    record_all(store, [json.loads(lines[0])])  # the DB saw only the start
    store.annotate_search("imp", "kept")

    assert store.import_events_file(search_dir) == "imp"
    assert store.recording_search_id is None  # a cut-off log is not a running search
    search = store.get_search("imp")
    assert [t["status"] for t in search["trials"]] == ["COMPLETED", "COMPLETED"]
    assert search["notes"] == "kept"
    with pytest.raises(HistoryError):
        store.import_events_file(search_dir / "missing.jsonl")


def test_tensorboard_serves_a_search_folder_on_localhost_and_stops(tmp_path):
    from app.core.history.tensorboard_tools import TensorBoardError, start_tensorboard, stop_tensorboard, tensorboard_logdir

    search_dir = tmp_path / "search"
    (search_dir / "tensorboard" / "trial_00").mkdir(parents=True)
    logdir = tensorboard_logdir(search_dir)
    assert logdir == search_dir / "tensorboard"
    with pytest.raises(TensorBoardError, match="no TensorBoard logs"):
        start_tensorboard(tmp_path / "missing")
    process, url = start_tensorboard(logdir)
    try:
        assert url.startswith("http://127.0.0.1:")
        import urllib.request

        with urllib.request.urlopen(url + "data/logdir", timeout=10) as response:
            assert json.loads(response.read())["logdir"] == str(logdir)
    finally:
        stop_tensorboard(process)
    assert process.poll() is not None


def test_notices_before_start_are_kept_and_a_search_failing_before_start_is_recorded():
    store = HistoryStore()
    store.record(make_event("notice", level="warning", message="2 file(s) cannot be used"))
    record_all(store, search_events(search_id="n", trials=1))
    assert [n["message"] for n in store.get_search("n")["notices"]] == ["2 file(s) cannot be used"]

    # The engine fails on the dataset: only a notice and search_finished, with search.json on disk.
    search_dir = paths.searches_dir() / "20260102-000000-broken"
    search_dir.mkdir()
    (search_dir / "search.json").write_text(json.dumps(
        {"search_id": search_dir.name, "name": "broken", "config": {"data_dir": "/data/empty", "seed": 3}}))
    store.record(make_event("notice", level="warning", message="folder is empty"))
    store.record(make_event("search_finished", status="failed", error="The train split is empty",
                            best_trial_id=None, best_score=None, trials=[], duration=0.1,
                            search_dir=str(search_dir)))
    failed = store.get_search(search_dir.name)
    assert failed["status"] == "failed" and failed["error"] == "The train split is empty"
    assert failed["name"] == "broken" and failed["data_dir"] == "/data/empty"
    assert [n["message"] for n in failed["notices"]] == ["folder is empty"]
    assert store.errors == []


@pytest.mark.slow
def test_a_real_tiny_search_is_recorded_with_every_trial_and_epoch(tmp_path):
    from conftest import copy_subset

    from app.core.options.config import SearchConfig
    from app.core.search.runner import run_search

    data = copy_subset("flowers-32", tmp_path / "flowers", classes=2, per_class=6)
    config = SearchConfig().replace(
        data_dir=str(data), name="real tiny", architecture="mlp", image_size=16, epochs=1, max_trials=2,
        batch_size=8, width={"choices": [16, 32]}, depth=1, early_stopping=False, tensorboard=True, seed=7,
        augmentation={"enabled": False}, time_budget=0)
    store = HistoryStore()
    final = run_search(config, store.record)
    assert final["status"] == "completed", final
    assert store.errors == []

    [listed] = store.list_searches()
    search = store.get_search(listed["id"])
    assert search["status"] == "completed" and search["name"] == "real tiny"
    assert search["search_dir"] == final["search_dir"]
    assert search["dataset_fingerprint"] and search["device"] and search["versions"].get("tensorflow")
    assert search["seed"] == 7 and len(search["classes"]) == 2
    assert [t["trial_id"] for t in search["trials"]] == [t["trial_id"] for t in final["trials"]]
    assert len(search["trials"]) == 2
    for trial in search["trials"]:
        assert trial["status"] == "COMPLETED"
        assert [e["epoch"] for e in trial["epochs"]] == [0]
        assert set(trial["history"]) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
        assert trial["hyperparameters"]["width"] in (16, 32)
        matrix = trial["confusion"]
        assert len(matrix) == 2 and sum(map(sum, matrix)) == search["val_count"]
        assert trial["checkpoint_path"] and Path(trial["checkpoint_path"]).is_file()
    assert search["best_trial_id"] == final["best_trial_id"]
    assert search["best_score"] == pytest.approx(final["best_score"])
    assert search["disk_bytes"] and search["disk_bytes"] > 0
    assert (Path(final["search_dir"]) / "tensorboard").is_dir()

    # The event log on disk rebuilds the same search.
    rebuilt = HistoryStore(tmp_path / "rebuilt.sqlite3")
    assert rebuilt.import_events_file(final["search_dir"]) == search["id"]
    again = rebuilt.get_search(search["id"])
    assert ([(t["trial_id"], t["score"]) for t in again["trials"]]
            == [(t["trial_id"], t["score"]) for t in search["trials"]])

    pruned = store.prune_checkpoints(search["id"], keep_best=1)
    assert pruned["kept"] == [final["best_trial_id"]] and len(pruned["removed"]) == 1

    # TensorBoard serves the search's folder with every trial's HParams (its HParams dashboard).
    import urllib.request

    from app.core.history.tensorboard_tools import start_tensorboard, stop_tensorboard, tensorboard_logdir

    process, url = start_tensorboard(tensorboard_logdir(final["search_dir"]))
    try:
        request = urllib.request.Request(url + "data/plugin/hparams/experiment",
                                         data=json.dumps({"experimentName": ""}).encode(),
                                         headers={"Content-Type": "application/json", "X-XSRF-Protected": "1"})
        with urllib.request.urlopen(request, timeout=60) as response:
            experiment = json.loads(response.read())
    finally:
        stop_tensorboard(process)
    assert "width" in {info["name"] for info in experiment["hparamInfos"]}


def test_import_unrecorded_picks_up_old_logs_only():
    store = HistoryStore()
    old_dir = paths.searches_dir() / "20260101-000000-lost"
    fresh_dir = paths.searches_dir() / "20260101-000001-busy"
    for folder in (old_dir, fresh_dir):
        folder.mkdir()
        lines = [json.dumps(e) for e in search_events(search_id=folder.name, search_dir=folder, trials=1)]
        (folder / "events.jsonl").write_text("\n".join(lines) + "\n")
    os.utime(old_dir / "events.jsonl", (1_700_000_000, 1_700_000_000))
    (paths.searches_dir() / "no-log").mkdir()
    assert store.import_unrecorded() == ["20260101-000000-lost"]
    assert store.get_search("20260101-000000-lost")["status"] == "completed"
    assert store.import_unrecorded() == []  # already known now
    assert store.import_unrecorded(min_age_seconds=0) == ["20260101-000001-busy"]


def test_a_hyperband_round_starting_at_a_later_epoch_keeps_its_epoch_numbers():
    store = HistoryStore()
    record_all(store, list(search_events(search_id="hb", trials=1, epochs=1, finish=False))[:1])
    store.record(make_event("trial_started", trial_id="0007", number=8, hyperparameters={"tuner/initial_epoch": 3}))
    for epoch in (3, 4):
        store.record(make_event("epoch_ended", trial_id="0007", epoch=epoch, epochs=5,
                                logs={"val_accuracy": epoch / 10}, confusion=None, class_names=[]))
    store.record(make_event("trial_ended", trial_id="0007", number=8, status="COMPLETED", score=0.4,
                            history={"val_accuracy": [0.3, 0.4]}, hyperparameters={}))
    [trial] = store.get_search("hb")["trials"]
    assert [e["epoch"] for e in trial["epochs"]] == [3, 4]


def test_search_finished_adds_trials_whose_events_were_lost():
    store = HistoryStore()
    events = list(search_events(search_id="lossy", trials=2))
    # Everything about trial "01" was lost; the final summary still lists it.
    kept = [e for e in events if e.get("trial_id") != "01"]
    kept[-1]["trials"] = [{"trial_id": "00", "number": 1, "status": "COMPLETED", "score": 0.35},
                          {"trial_id": "01", "number": 2, "status": "FAILED", "score": None,
                           "hyperparameters": {"depth": 2}, "message": "OOM"}]
    record_all(store, kept)
    trials = store.get_search("lossy")["trials"]
    assert [(t["trial_id"], t["status"]) for t in trials] == [("00", "COMPLETED"), ("01", "FAILED")]
    assert trials[0]["score"] == pytest.approx(0.35) and len(trials[0]["epochs"]) == 2  # not overwritten
    assert trials[1]["failure_reason"] == "OOM" and trials[1]["hyperparameters"] == {"depth": 2}


def test_prune_refuses_the_search_being_recorded():
    store = HistoryStore()
    record_all(store, search_events(search_id="live", trials=1, finish=False))
    with pytest.raises(HistoryError, match="still running"):
        store.prune_checkpoints("live", keep_best=1)
