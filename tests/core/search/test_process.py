"""The child-process runner: events relayed, crashes reported, kill -9 then resume."""
import os
import signal
import threading

import pytest

from app.core.search import events as ev
from app.core.search.process import run_search_in_subprocess
from app.core.search.search_dir import find_resumable, load_search_info
from search_configs import tiny_config

pytestmark = pytest.mark.slow


def test_kill_9_mid_search_is_reported_and_the_search_resumes_without_redoing_trials(tiny_dataset):
    log = ev.EventLog()
    pid = {}

    def listener(event):
        log(event)
        if event["type"] == ev.SEARCH_STARTED:
            pid["child"] = event["pid"]
        # Kill the training process while the second trial is running.
        if event["type"] == ev.TRIAL_STARTED and event["trial_id"] == "1":
            os.kill(pid["child"], signal.SIGKILL)

    config = tiny_config(tiny_dataset, max_trials=2)
    final = run_search_in_subprocess(config, listener)
    assert pid["child"] != os.getpid()
    assert final["status"] == "failed"
    assert "SIGKILL" in final["error"] and "resume" in final["error"]
    assert [e["status"] for e in log.of_type(ev.TRIAL_ENDED)] == ["COMPLETED"]
    search_dir = final["search_dir"]
    assert any(r["search_dir"] == search_dir for r in find_resumable())

    resumed = ev.EventLog()
    final2 = run_search_in_subprocess(config, resumed, search_dir=search_dir, resume=True)
    assert final2["status"] == "completed", final2
    assert [e["trial_id"] for e in resumed.of_type(ev.TRIAL_STARTED)] == ["1"]  # trial 0 is not redone
    assert sorted(t["status"] for t in final2["trials"]) == ["COMPLETED"] * 2
    assert load_search_info(search_dir)["status"] == "completed"


def test_cancel_from_another_thread_stops_the_child_and_keeps_it_resumable(tiny_dataset):
    cancel = threading.Event()
    log = ev.EventLog()

    def listener(event):
        log(event)
        if event["type"] == ev.TRIAL_ENDED:
            threading.Timer(0.01, cancel.set).start()

    final = run_search_in_subprocess(tiny_config(tiny_dataset, max_trials=4), listener, cancel=cancel)
    assert final["status"] == "cancelled"
    assert load_search_info(final["search_dir"])["status"] == "cancelled"
    assert len(log.of_type(ev.TRIAL_STARTED)) < 4


def test_training_process_is_recycled_every_n_trials_and_the_search_reads_as_one(tiny_dataset):
    log = ev.EventLog()
    final = run_search_in_subprocess(tiny_config(tiny_dataset, max_trials=3), log, trials_per_process=1)
    assert final["status"] == "completed", final
    assert len(log.of_type(ev.SEARCH_STARTED)) == 1
    assert [e["trial_id"] for e in log.of_type(ev.TRIAL_STARTED)] == ["0", "1", "2"]
    restarts = [e for e in log.of_type(ev.NOTICE) if "restarted" in e["message"]]
    assert len(restarts) == 2
    # Each notice names the child that stepped down: the first, then the second.
    assert restarts[0]["pid"] == log.of_type(ev.SEARCH_STARTED)[0]["pid"]
    assert restarts[1]["pid"] != restarts[0]["pid"]
    assert sorted(t["status"] for t in final["trials"]) == ["COMPLETED"] * 3
    assert all(t["duration"] for t in final["trials"])  # earlier children's trials keep their figures
    assert log.events[-1] is final
