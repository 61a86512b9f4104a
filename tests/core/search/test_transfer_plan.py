"""Choosing transfer learning by default, and splitting a budget between its stages (no TensorFlow)."""
import math

from app.core.options.config import SearchConfig
from app.core.model.weights_store import weights_entry
from app.core.search.transfer_plan import (
    MIN_FINE_TUNE_EPOCHS,
    choose_size,
    resolve_architecture,
    split_budget,
    staged_transfer,
    weights_at_hand,
)


def _weights(tmp_path, monkeypatch, size=224):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    folder = tmp_path / "keras" / "models"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / weights_entry("mobilenet_v2", size).file_name).write_bytes(b"only its presence is checked here")


def test_photos_with_weights_at_hand_get_a_staged_transfer_search(tmp_path, monkeypatch):
    _weights(tmp_path, monkeypatch)
    config, notice = resolve_architecture(SearchConfig(data_dir="/d"), native_size=240)
    assert config.architecture == "mobilenet_v2" and notice is None
    assert staged_transfer(config)
    # MobileNetV2's file of the nearest size serves any input size (its weights do not depend on it).
    assert weights_at_hand("mobilenet_v2", 224) is not None
    assert weights_at_hand("mobilenet_v2", 96) == weights_at_hand("mobilenet_v2", 224)


def test_photos_without_weights_train_from_scratch_with_a_notice(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty"))
    config, notice = resolve_architecture(SearchConfig(data_dir="/d"), native_size=240)
    assert config.architecture == "resnet"
    assert "tunestudio weights fetch mobilenet_v2" in notice and "from scratch" in notice


def test_small_native_images_and_explicit_choices_keep_their_path(tmp_path, monkeypatch):
    _weights(tmp_path, monkeypatch)
    config, notice = resolve_architecture(SearchConfig(data_dir="/d"), native_size=32)
    assert config.architecture == "resnet" and notice is None  # CIFAR-like: from scratch, nothing to say
    for arch in ("resnet", "mobilenet_v2"):
        same, notice = resolve_architecture(SearchConfig(data_dir="/d", architecture=arch), native_size=240)
        assert same.architecture == arch and notice is None
    none, _ = resolve_architecture(SearchConfig(data_dir="/d", backbone_weights="none"), native_size=240)
    assert none.architecture == "resnet"
    random_weights = SearchConfig(data_dir="/d", architecture="mobilenet_v2", backbone_weights="none")
    assert not staged_transfer(random_weights)  # random weights: the whole backbone trains, as before


def test_the_budget_split_follows_measured_times():
    split = split_budget(600.0, fine_tune_epoch_s=30.0, setup=10.0)
    assert split.head_seconds + split.fine_tune_seconds == 600.0
    assert split.head_seconds >= 0.3 * 600 - 1e-6 and split.fine_tune_epochs >= MIN_FINE_TUNE_EPOCHS
    slow = split_budget(100.0, fine_tune_epoch_s=60.0)
    assert slow.fine_tune_seconds == 0 and slow.head_seconds == 100.0  # fine-tuning cannot fit: heads get all
    fast = split_budget(600.0, fine_tune_epoch_s=1.0)
    assert fast.fine_tune_seconds < 20 and fast.head_seconds > 580  # a few quick epochs; the rest to heads
    unlimited = split_budget(math.inf, fine_tune_epoch_s=30.0)
    assert unlimited.fine_tune_epochs > 0 and math.isinf(unlimited.head_seconds)


def test_auto_size_is_the_largest_whose_features_fit_the_budget():
    config = SearchConfig(data_dir="/d")
    speeds = {224: 40.0, 160: 100.0, 96: 300.0}
    # 3,000 images x 3 views: 225 s at 224 px is more than 30% of 600 s; 90 s at 160 px fits.
    assert choose_size(config, speeds, 3000, 600.0) == 160
    assert choose_size(config, speeds, 1000, 600.0) == 224
    assert choose_size(config, speeds, 30000, 60.0) == 96  # nothing fits: the smallest
    assert choose_size(config.replace(image_size=128), speeds, 3000, 60.0) == 128
    # Fine-tuning needs its epochs too: at 224 px (40 images/s) five epochs of 2,400 + 600 images
    # take 5 x 135 s, more than the 10 minutes hold.
    assert choose_size(config, speeds, 1000, 600.0, train_count=2400, val_count=600) == 160


def _stage_events():
    return [
        {"type": "search_started", "time": 1.0, "config": {"objective": "val_accuracy", "epochs": 30},
         "device": "CPU", "train_count": 8, "val_count": 2, "classes": ["a", "b"], "max_trials": 21,
         "time_budget": 60.0, "budget_spent_before": 0.0},
        {"type": "stage", "time": 2.0, "stage": "features", "done": 3, "total": 10, "unit": "images"},
    ]


def test_the_status_line_and_the_terminal_name_the_stage(capsys):
    from app.cli.progress import TerminalProgress
    from app.core.search.search_state import SearchState

    state = SearchState(clock=lambda: 5.0)
    progress = TerminalProgress(enabled=True)
    for event in _stage_events():
        state.handle_event(event)
        progress(event)
    assert state.status_text().startswith("Features: 3 of 10 images")
    assert "Features: 3/10 images" in capsys.readouterr().err
    started = {"type": "trial_started", "time": 3.0, "trial_id": "0", "number": 1, "stage": "head",
               "hyperparameters": {"stage": "head"}, "epochs_planned": 20}
    state.handle_event(started)
    progress(started)
    assert state.status_text().startswith("Head trials · Trial 1 of 21")
    assert state.trial("0").stage == "head"
    assert "head trials | Trial 1/21" in capsys.readouterr().err
    ended = {"type": "trial_ended", "time": 4.0, "trial_id": "0", "number": 1, "status": "COMPLETED",
             "score": 0.5, "stage": "head", "hyperparameters": {"stage": "head"}, "history": {}, "duration": 1.0}
    progress(ended)
    assert "Trial 1 (head trials): completed score 0.5000" in capsys.readouterr().err
