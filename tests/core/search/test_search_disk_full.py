"""A search and an export on a real, small file system that fills up: one clear message with the
space needed, every finished trial kept, and the search resumed / the export made once space is
back. (A tmpfs mounted by the test; skipped where mounting is not allowed.)"""
import errno
import json
import os

import pytest

from app.core.export.export import ExportError, export_trial
from app.core.search import events as ev
from app.core.search.checkpoints import list_trials
from app.core.search.runner import explain_error, run_search

from export_data import make_dataset, tiny_config
from small_disk import fill, mount_small_disk, unmount


@pytest.fixture
def disk(tmp_path):
    folder = mount_small_disk(tmp_path / "disk", 64)
    yield folder
    unmount(folder)


@pytest.mark.slow
def test_search_stops_on_a_full_disk_and_resumes_once_space_is_back(disk, tmp_path):
    config = tiny_config(make_dataset(tmp_path / "data", per_class=10), max_trials=3, epochs=2, test_fraction=0.0,
                         learning_rate={"min": 1e-3, "max": 1e-2, "log": True})  # room for 3 trials
    search_dir = disk / "search"
    ballast = []

    def listener(event):
        if ev.is_type(event, ev.TRIAL_ENDED) and not ballast:
            ballast.append(fill(disk))  # the disk fills after the first trial

    final = run_search(config, listener, search_dir=search_dir)
    assert final["status"] == ev.FAILED, final
    assert "is full" in final["error"] and "more is needed" in final["error"] and "resume" in final["error"]
    kept = [t for t in list_trials(search_dir) if t["status"] == "COMPLETED"]
    assert len(kept) == 1
    json.loads((search_dir / "tuner" / "oracle.json").read_text())  # never left cut off

    ballast[0].unlink()
    resumed = run_search(config, ev.EventLog(), search_dir=search_dir, resume=True)
    assert resumed["status"] == ev.COMPLETED, resumed.get("error")
    done = {t["trial_id"]: t for t in list_trials(search_dir) if t["status"] == "COMPLETED"}
    assert len(done) == 3
    assert done[kept[0]["trial_id"]]["score"] == kept[0]["score"]  # the finished trial was not run again


@pytest.mark.slow
def test_export_on_a_full_disk_leaves_nothing_and_works_once_space_is_back(disk, tiny_search_dir):
    ballast = fill(disk, leave=200_000)
    with pytest.raises(ExportError) as info:
        export_trial(tiny_search_dir, disk / "out", formats=["saved_model", "keras"])
    message = str(info.value)
    assert "is full" in message and "more is needed" in message and "nothing half-written" in message
    assert sorted(p.name for p in disk.iterdir()) == ["ballast"]
    ballast.unlink()
    card = export_trial(tiny_search_dir, disk / "out", formats=["saved_model", "keras"])
    assert card["self_check"]["passed"]


def test_the_message_names_the_space_a_trial_needs(tmp_path):
    (tmp_path / "tuner" / "trial_0").mkdir(parents=True)
    with open(tmp_path / "tuner" / "trial_0" / "checkpoint.weights.h5", "wb") as fh:
        fh.truncate(10 * 2**20)
    message = explain_error(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), tmp_path)
    assert "About 36.0 MiB more is needed" in message and "Everything finished is kept" in message
