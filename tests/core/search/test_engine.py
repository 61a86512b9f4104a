"""The search engine on real TensorFlow with tiny data: events, cancel/resume, faults, export."""
import json
import os
import threading

import numpy as np
import pytest

from app.core.search import events as ev
from app.core.search.search_dir import find_resumable, load_search_info, read_events
from app.core.search.runner import run_search
from search_configs import tiny_config

pytestmark = pytest.mark.slow


def test_two_trial_search_reports_every_event_and_exports_a_serving_model(tiny_dataset, tmp_path):
    from conftest import copy_subset

    data = copy_subset("flowers-32", tmp_path / "flowers", classes=3, per_class=10)
    log = ev.EventLog()
    config = tiny_config(data, architecture="simple_cnn", image_size=24, epochs=2, tensorboard=True,
                         augmentation={"enabled": True})
    final = run_search(config, log)
    assert final["status"] == "completed", final
    started = log.of_type(ev.SEARCH_STARTED)[0]
    assert started["device"].startswith(("CPU", "GPU"))
    assert started["classes"] == sorted(started["classes"]) and len(started["classes"]) == 3
    assert started["train_count"] + started["val_count"] == 30
    assert [e["trial_id"] for e in log.of_type(ev.TRIAL_STARTED)] == ["0", "1"]
    epochs = log.of_type(ev.EPOCH_ENDED)
    assert len(epochs) == 4
    for e in epochs:
        assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(e["logs"])
        assert sum(map(sum, e["confusion"])) == started["val_count"]
        assert len(e["confusion"]) == 3 and e["class_names"] == started["classes"]
    ended = log.of_type(ev.TRIAL_ENDED)
    assert [e["status"] for e in ended] == ["COMPLETED", "COMPLETED"]
    assert all(len(e["history"]["val_accuracy"]) == 2 for e in ended)
    assert final["best_trial_id"] in ("0", "1")
    assert log.events[-1] is final and json.dumps(log.events)  # every event is plain JSON
    search_dir = final["search_dir"]
    assert len(read_events(search_dir)) == len(log.events)
    assert os.listdir(os.path.join(search_dir, "tensorboard"))  # per-trial TensorBoard logs

    from app.core.export.export import export_trial

    out = tmp_path / "export"
    card = export_trial(search_dir, out, formats=["saved_model", "keras"])
    assert card["self_check"]["passed"], card["self_check"]
    assert card["classes"] == started["classes"] and card["trial_id"] == final["best_trial_id"]
    assert (out / "labels.txt").read_text().split() == started["classes"]
    # The SavedModel classifies raw JPEG bytes and uint8 arrays alike. (That a process which never
    # imports the app serves it is proven in test_export_formats, on every format.)
    import tensorflow as tf

    image = next(p for p in sorted(data.rglob("*.jpg")))
    served_model = tf.saved_model.load(str(out / "saved_model"))
    raw = tf.io.read_file(str(image))
    by_bytes = served_model.signatures["serve_bytes"](image_bytes=tf.stack([raw]))
    by_pixels = served_model.signatures["serving_default"](images=tf.io.decode_image(raw, channels=3)[tf.newaxis])
    served = {"name": by_bytes["class_name"].numpy()[0].decode(), "p": by_bytes["probabilities"].numpy().tolist(),
              "p2": by_pixels["probabilities"].numpy().tolist()}
    assert served["name"] in started["classes"]
    assert np.allclose(served["p"], served["p2"], atol=1e-5)
    assert abs(sum(served["p"][0]) - 1) < 1e-4
    # The .keras file reloads in plain Keras with safe mode and predicts the same.
    import keras

    reloaded = keras.saving.load_model(out / "model.keras", safe_mode=True)
    x = tf_decode(image, 24)
    assert np.allclose(reloaded.predict(x, verbose=0), served["p"], atol=1e-4)


def tf_decode(path, size):
    import tensorflow as tf

    img = tf.io.decode_image(tf.io.read_file(str(path)), channels=3, expand_animations=False)
    img = tf.cast(tf.clip_by_value(tf.round(tf.image.resize(img, (size, size), antialias=True)), 0, 255), tf.uint8)
    return img[tf.newaxis].numpy()


def test_cancel_stops_within_a_batch_and_resume_skips_finished_trials(tiny_dataset):
    cancel = threading.Event()
    log = ev.EventLog()

    def listener(event):
        log(event)
        # Stop at the second trial's first reported batch (6 batches an epoch at batch size 2).
        if event["type"] == ev.BATCH_ENDED and event["trial_id"] == "1":
            cancel.set()

    config = tiny_config(tiny_dataset, max_trials=3, epochs=2, batch_size=2)
    final = run_search(config, listener, cancel=cancel)
    assert final["status"] == "cancelled"
    second = [e for e in log.events if e.get("trial_id") == "1" and e["type"] in (ev.BATCH_ENDED, ev.EPOCH_ENDED)]
    assert [e["type"] for e in second] == [ev.BATCH_ENDED]  # nothing ran past the batch that saw the cancel
    statuses = {e["trial_id"]: e["status"] for e in log.of_type(ev.TRIAL_ENDED)}
    assert statuses == {"0": "COMPLETED", "1": "CANCELLED"}
    search_dir = final["search_dir"]
    assert [r["search_dir"] for r in find_resumable()] == [search_dir]

    resumed_log = ev.EventLog()
    final2 = run_search(config, resumed_log, search_dir=search_dir, resume=True)
    assert final2["status"] == "completed"
    assert resumed_log.of_type(ev.SEARCH_STARTED)[0]["resumed"] is True
    assert resumed_log.of_type(ev.SEARCH_STARTED)[0]["completed_trials"] == 1
    # Trial 0 is not redone; the interrupted trial 1 reruns, then trial 2.
    assert [e["trial_id"] for e in resumed_log.of_type(ev.TRIAL_STARTED)] == ["1", "2"]
    assert sorted(t["status"] for t in final2["trials"]) == ["COMPLETED"] * 3
    assert load_search_info(search_dir)["status"] == "completed"
    assert find_resumable() == []


def test_non_finite_loss_fails_the_trial_and_the_search_goes_on(tiny_dataset, monkeypatch):
    monkeypatch.setenv("TUNESTUDIO_FAULT_NAN_TRIALS", "1")
    log = ev.EventLog()
    final = run_search(tiny_config(tiny_dataset), log)
    ended = {e["trial_id"]: e for e in log.of_type(ev.TRIAL_ENDED)}
    assert ended["0"]["status"] == "FAILED"
    assert "non-finite loss" in ended["0"]["message"]
    assert ended["1"]["status"] == "COMPLETED"
    assert final["status"] == "completed" and final["best_trial_id"] == "1"


def test_out_of_memory_retries_once_at_half_the_batch_size(tiny_dataset, monkeypatch):
    monkeypatch.setenv("TUNESTUDIO_FAULT_OOM_ABOVE_BATCH", "4")
    log = ev.EventLog()
    final = run_search(tiny_config(tiny_dataset, max_trials=1, batch_size=8), log)
    notices = [e["message"] for e in log.of_type(ev.NOTICE)]
    assert any("Out of memory at batch size 8" in m and "batch size 4" in m for m in notices), notices
    assert final["status"] == "completed"


def test_out_of_memory_twice_marks_the_trial_failed_with_the_reason(tiny_dataset, monkeypatch):
    monkeypatch.setenv("TUNESTUDIO_FAULT_OOM_ABOVE_BATCH", "2")
    log = ev.EventLog()
    final = run_search(tiny_config(tiny_dataset, max_trials=1, batch_size=8), log)
    ended = log.of_type(ev.TRIAL_ENDED)[0]
    assert ended["status"] == "FAILED" and ended["message"].startswith("out of memory")
    assert final["status"] == "failed" and "No trial completed" in final["error"]


def test_repeated_failures_stop_the_search_with_an_explanation(tiny_dataset, monkeypatch):
    monkeypatch.setenv("TUNESTUDIO_FAULT_NAN_TRIALS", "1,2,3,4,5,6")
    log = ev.EventLog()
    final = run_search(tiny_config(tiny_dataset, max_trials=6, max_consecutive_failed_trials=2), log)
    assert final["status"] == "failed"
    assert "failed in a row" in final["error"]
    assert len(log.of_type(ev.TRIAL_STARTED)) == 2


def test_dataset_problems_end_the_search_with_a_message_not_a_traceback(tmp_path):
    from conftest import copy_subset

    copy_subset("flowers-32", tmp_path / "only", classes=1, per_class=4)
    log = ev.EventLog()
    final = run_search(tiny_config(tmp_path / "only"), log)
    assert final["status"] == "failed"
    assert "at least two classes" in final["error"]


def test_disk_cache_streams_a_folder_that_would_not_fit_in_memory(tiny_dataset):
    log = ev.EventLog()
    final = run_search(tiny_config(tiny_dataset, max_trials=1, epochs=2, cache="disk"), log)
    assert final["status"] == "completed"
    assert log.of_type(ev.SEARCH_STARTED)[0]["cache"] == "disk"
    cache_files = os.listdir(os.path.join(final["search_dir"], "cache"))
    assert any(name.startswith("train") for name in cache_files)
    assert sum(map(sum, log.of_type(ev.EPOCH_ENDED)[-1]["confusion"])) == log.of_type(ev.SEARCH_STARTED)[0]["val_count"]


def test_auto_cache_chooses_disk_when_images_exceed_the_memory_share(monkeypatch):
    from app.core.data import pipeline

    monkeypatch.setattr(pipeline, "available_memory_bytes", lambda: 1_000_000)
    assert pipeline.choose_cache("auto", 100, 64) == "disk"
    monkeypatch.setattr(pipeline, "available_memory_bytes", lambda: 64 * 2**30)
    assert pipeline.choose_cache("auto", 100, 64) == "memory"


def test_only_the_best_k_checkpoints_are_kept_and_the_best_still_exports(tiny_dataset, tmp_path):
    from app.core.export.export import export_trial
    from app.core.search.checkpoints import list_trials

    final = run_search(tiny_config(tiny_dataset, max_trials=3, keep_best_checkpoints=1,
                                   learning_rate={"min": 1e-4, "max": 1e-1, "log": True}), ev.EventLog())
    assert final["status"] == "completed"
    trials = list_trials(final["search_dir"])
    assert len(trials) == 3
    assert [t["trial_id"] for t in trials if t["has_checkpoint"]] == [final["best_trial_id"]]
    card = export_trial(final["search_dir"], tmp_path / "best", formats=["keras"])
    assert card["self_check"]["passed"]
