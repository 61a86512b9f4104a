"""The staged transfer search on real TensorFlow with tiny images and a MobileNetV2 at 32 px.

No ImageNet weights exist here: the "pretrained" file is a freshly initialised MobileNetV2 written
in Keras's legacy h5 layout under the file name Keras looks for in its cache (KERAS_HOME/models),
which Keras loads with ``weights=PATH`` like the real file. Quality is not tested (random features);
the mechanics are: the feature cache, many head trials, fine-tuning, the final model and an export
that serves encoded images without the app.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.core.search import events as ev
from app.core.options.config import SearchConfig

pytestmark = pytest.mark.slow

SIZE = 32


def write_pretrained(keras_home: Path, size: int = SIZE) -> Path:
    """A MobileNetV2 weights file in the legacy h5 layout, named and placed as Keras caches it."""
    import h5py
    import keras
    from keras.src.legacy.saving import legacy_h5_format

    from app.core.model.weights_store import weights_entry

    folder = keras_home / "models"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / weights_entry("mobilenet_v2", size).file_name
    backbone = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(size, size, 3))
    # Fresh batch norm statistics (mean 0, variance 1) make the activations vanish layer by layer
    # (features ~1e-13, zero in float16); one pass in training mode with momentum 0 sets each
    # layer's statistics to what it sees, as pretraining would have.
    for layer in backbone.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = 0.0
    pixels = np.random.default_rng(0).uniform(-1, 1, (16, size, size, 3)).astype("float32")
    backbone(pixels, training=True)
    with h5py.File(path, "w") as handle:
        legacy_h5_format.save_weights_to_hdf5_group(handle, backbone)
    return path


def make_photos(root: Path, per_class: int = 10, size: int = 64, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    for i, (name, colour) in enumerate({"red": (220, 40, 40), "green": (40, 200, 60), "blue": (50, 60, 230)}.items()):
        (root / name).mkdir(parents=True)
        for j in range(per_class):
            img = np.clip(np.array(colour, np.float32) + rng.normal(0, 40, (size, size, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(img).save(root / name / f"{j:03d}.png")
    return root


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    """One staged search, shared: at most 20 head trials (max_trials 4 x 5), then fine-tuning."""
    import keras  # noqa: F401 - loaded before the budget starts

    from app.core.search.runner import run_search

    root = tmp_path_factory.mktemp("staged")
    saved = {k: os.environ.get(k) for k in ("TUNESTUDIO_HOME", "KERAS_HOME")}
    os.environ["TUNESTUDIO_HOME"] = str(root / "home")
    os.environ["KERAS_HOME"] = str(root / "keras")
    try:
        weights = write_pretrained(root / "keras")
        data = make_photos(root / "photos")
        config = SearchConfig(data_dir=str(data), image_size=SIZE, time_budget=90, max_trials=4, plateau_trials=0,
                              keep_best_checkpoints=100, tensorboard=False, seed=2)
        assert config.architecture == "auto"  # the default picks the pretrained network for photos
        log = ev.EventLog()
        final = run_search(config, log)
        yield {"final": final, "log": log, "root": root, "weights": weights, "data": data}
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_feature_cache_reuses_features_and_recomputes_a_changed_file(tmp_path, monkeypatch):
    import keras

    from app.core.model.feature_cache import VIEWS, FeatureCache
    from app.core.model.transfer_model import feature_extractor

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    weights = write_pretrained(tmp_path / "keras")
    # Named as Keras caches the published file (for 32 px it uses the 224 px file), and loadable by path.
    assert weights.name == "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5"
    loaded = keras.applications.MobileNetV2(include_top=False, weights=str(weights), input_shape=(SIZE, SIZE, 3))
    assert any(np.abs(w).sum() > 0 for w in loaded.get_weights())
    data = make_photos(tmp_path / "photos", per_class=2)
    paths = sorted(str(p) for p in data.rglob("*.png"))
    config = SearchConfig(data_dir=str(data), architecture="mobilenet_v2", image_size=SIZE)
    built = []

    def factory():
        built.append(1)
        return feature_extractor(config, str(weights))

    cache = FeatureCache("mobilenet_v2", "test", SIZE)
    progress = []
    first = cache.features_for(paths, factory, lambda done, total: progress.append((done, total)))
    assert first.computed == len(paths) and first.features.shape[:2] == (len(paths), len(VIEWS))
    assert progress[-1] == (len(paths), len(paths))
    again = cache.features_for(paths, factory)
    assert again.computed == 0 and len(built) == 1  # nothing computed, no model even built
    np.testing.assert_allclose(again.features, first.features)
    # A changed file is computed again; the others come from the cache.
    changed = Path(paths[0])
    Image.fromarray(np.zeros((64, 64, 3), np.uint8)).save(changed)
    third = cache.features_for(paths, factory)
    assert third.computed == 1
    np.testing.assert_allclose(third.features[1:], first.features[1:])
    assert not np.allclose(third.features[0], first.features[0])
    # Another size (or weights) is another cache.
    assert FeatureCache("mobilenet_v2", "test", 64).folder != cache.folder


def test_staged_search_runs_many_head_trials_then_fine_tunes(staged):
    final, log = staged["final"], staged["log"]
    assert final["status"] == "completed", final
    trials = final["trials"]
    heads = [t for t in trials if t.get("stage") == "head" and t["status"] == "COMPLETED"]
    tuned = [t for t in trials if t.get("stage") == "fine_tune"]
    assert len(heads) >= 20
    assert len(tuned) == 1 and tuned[0]["status"] == "COMPLETED"
    assert tuned[0]["hyperparameters"]["head_trial"] in {t["trial_id"] for t in heads}
    # Stages are visible: features progress in images, every trial event marked.
    stages = log.of_type(ev.STAGE)
    features = [e for e in stages if e["stage"] == "features"]
    assert features[-1]["done"] == features[-1]["total"] == 30 and features[-1]["computed"] == 30
    assert [e["stage"] for e in stages if e["stage"] in ("head", "fine_tune")] == ["head", "fine_tune"]
    # The preparation stages come first (app/core/search/stages.py), then the transfer search's own.
    kinds = [e["stage"] for e in stages]
    assert kinds.index("scanning") < kinds.index("features") < kinds.index("head")
    for kind in (ev.TRIAL_STARTED, ev.EPOCH_ENDED, ev.TRIAL_ENDED):
        assert {e["stage"] for e in log.of_type(kind)} == {"head", "fine_tune"}
    # The final model is one trial: the fine-tuned one or the best head, whichever scores higher.
    chosen = final["final_model"]["trials"]
    assert len(chosen) == 1
    best = max((t for t in trials if t["status"] == "COMPLETED"), key=lambda t: t["score"])
    assert next(t for t in trials if t["trial_id"] == chosen[0])["score"] == best["score"]


def test_a_rerun_reads_every_feature_from_the_cache(staged, monkeypatch):
    from app.core.options.config import SearchConfig as Config
    from app.core.search.runner import load_search_info
    from app.core.search.transfer.transfer_search import extract_features

    monkeypatch.setenv("TUNESTUDIO_HOME", str(staged["root"] / "home"))
    info = load_search_info(staged["final"]["search_dir"])
    config = Config.from_dict(info["config"])
    log = ev.EventLog()
    data, result = extract_features(config, info, str(staged["weights"]), log, None, _NoClock())
    assert result.computed == 0 and len(result.kept) == 30
    done = next(e for e in log.of_type(ev.STAGE) if e.get("finished"))
    assert done["reused"] == 30 and data.train_x.shape[0] == 3 * len(info["splits"]["train"])


class _NoClock:
    limited = False

    def elapsed(self):
        return 0.0

    def remaining(self):
        return float("inf")


def test_the_fine_tuned_model_exports_and_serves_encoded_images_without_the_app(staged, monkeypatch, tmp_path):
    from app.core.export.export import export_trial

    monkeypatch.setenv("TUNESTUDIO_HOME", str(staged["root"] / "home"))
    monkeypatch.setenv("KERAS_HOME", str(staged["root"] / "keras"))
    tuned = next(t for t in staged["final"]["trials"] if t.get("stage") == "fine_tune")
    out = tmp_path / "export"
    card = export_trial(staged["final"]["search_dir"], out, trial_id=tuned["trial_id"], formats=["saved_model"])
    assert card["self_check"]["passed"], card["artifacts"]
    assert card["hyperparameters"]["stage"] == "fine_tune"
    photo = next(staged["data"].rglob("*.png"))
    # A plain TensorFlow process: no app on the path, the raw file's bytes in.
    script = ("import sys, tensorflow as tf\n"
              "m = tf.saved_model.load(sys.argv[1])\n"
              "out = m.signatures['serve_bytes'](image_bytes=tf.constant([open(sys.argv[2], 'rb').read()]))\n"
              "print(out['class_name'].numpy()[0].decode(), float(tf.reduce_sum(out['probabilities'])))\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run([sys.executable, "-c", script, str(out / "saved_model"), str(photo)], capture_output=True,
                         text=True, env=env, cwd=str(tmp_path), timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    name, total = run.stdout.split()[-2:]
    assert name in {"red", "green", "blue"} and abs(float(total) - 1.0) < 1e-3
    assert json.loads((out / "model_card.json").read_text())["input"]["image_size"] == SIZE


def test_a_student_distilled_from_a_pretrained_teacher_learns_with_its_own_small_batches(staged, monkeypatch):
    from app.core.playbook.tasks import run_task

    monkeypatch.setenv("TUNESTUDIO_HOME", str(staged["root"] / "home"))
    monkeypatch.setenv("KERAS_HOME", str(staged["root"] / "keras"))
    best = next(t for t in staged["final"]["trials"] if t["trial_id"] == staged["final"]["best_trial_id"])
    assert best["hyperparameters"]["stage"] in ("head", "fine_tune")  # the teacher is a pretrained trial
    final = run_task("distill", {"search_dir": staged["final"]["search_dir"], "epochs": 1}, lambda _event: None)
    assert final["status"] == "completed", final["error"]
    student = final["result"]["student"]["hyperparameters"]
    # Not the head's batches (128-512 on cached features: one step an epoch here), nor its stage or units:
    # the search's batch fitted to the 18 or so training photos (8 steps an epoch at least), augmented.
    assert "stage" not in student and "head_units" not in student
    assert student["batch_size"] == 8 and student["augmentation"] is True


def test_a_student_of_a_trial_learnt_from_nothing_keeps_the_teachers_settings():
    from app.core.playbook.distill import student_settings

    teacher = {"batch_size": 32, "learning_rate": 0.003, "optimizer": "sgd", "augmentation": False}
    assert student_settings(SearchConfig(data_dir="."), teacher, 2000) == teacher


def test_stop_during_fine_tuning_keeps_its_epochs_and_resume_fine_tunes_again(tmp_path, monkeypatch):
    import threading

    from app.core.search.runner import run_search
    from app.core.search.search_dir import load_search_info

    monkeypatch.setenv("TUNESTUDIO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    write_pretrained(tmp_path / "keras")
    data = make_photos(tmp_path / "photos", per_class=8)
    config = SearchConfig(data_dir=str(data), image_size=SIZE, time_budget=60, max_trials=1, plateau_trials=0,
                          tensorboard=False, seed=3)
    cancel, log = threading.Event(), ev.EventLog()

    def listener(event):
        log(event)
        if event["type"] == ev.BATCH_ENDED and event.get("stage") == "fine_tune":
            cancel.set()  # Stop pressed during the first fine-tuning epoch

    first = run_search(config, listener, cancel=cancel)
    assert first["status"] == "cancelled"
    stopped = [e for e in log.of_type(ev.TRIAL_ENDED) if e.get("stage") == "fine_tune"]
    assert len(stopped) == 1 and len(stopped[0]["history"]["loss"]) == 1  # its finished epoch is kept
    assert [t["status"] for t in first["trials"] if t.get("stage") == "fine_tune"] == ["COMPLETED"]
    assert load_search_info(first["search_dir"])["plan"]["transfer"]["fine_tune_stopped"] is True

    again = ev.EventLog()
    final = run_search(config, again, search_dir=first["search_dir"], resume=True)
    assert final["status"] == "completed", final.get("error")
    started = [e.get("stage") for e in again.of_type(ev.TRIAL_STARTED)]
    assert started == ["fine_tune"]  # no head trial again; fine-tuning again, from the best head
    assert len([t for t in final["trials"] if t.get("stage") == "fine_tune"]) == 2
    (tuned,) = [e for e in again.of_type(ev.TRIAL_ENDED) if e.get("stage") == "fine_tune"]
    assert tuned["status"] == "COMPLETED" and len(tuned["history"]["loss"]) > 1
    assert load_search_info(first["search_dir"])["plan"]["transfer"]["fine_tune_stopped"] is False
