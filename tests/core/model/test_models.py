"""Every architecture builds, takes raw uint8 pixels and returns probabilities; backbone weights load from a file."""
import numpy as np
import pytest

from app.core.options.option_table import ARCHITECTURES
from app.core.options.config import SearchConfig
from app.core.model.models import build_model, resolve_backbone_weights

pytestmark = pytest.mark.slow


def build(config, **hp_values):
    import keras_tuner as kt

    hp = kt.HyperParameters()
    for name, value in hp_values.items():
        hp.Fixed(name, value)
    return build_model(config, hp, num_classes=3, steps_per_epoch=2), hp


@pytest.mark.parametrize("architecture", [a for a in ARCHITECTURES
                                          if a not in ("efficientnet_b0", "resnet50", "resnet50_v2")])
def test_each_architecture_predicts_probabilities_from_uint8(tmp_path, architecture):
    size = 32
    config = SearchConfig(data_dir=str(tmp_path), architecture=architecture, image_size=size, width=8, depth=2,
                          backbone_weights="none", batch_norm=True)
    model, hp = build(config)
    x = np.random.default_rng(0).integers(0, 255, (2, size, size, 3), dtype=np.uint8)
    p = model.predict(x, verbose=0)
    assert p.shape == (2, 3) and np.allclose(p.sum(axis=1), 1, atol=1e-5)
    # Every searched option shows up in the trial's hyperparameters; transfer backbones have no
    # width or depth of ours (conditional: no trial is spent on an option that changes nothing).
    assert {"dropout", "optimizer", "learning_rate", "batch_size"} <= set(hp.values)
    own_body = architecture not in ("mobilenet_v2", "efficientnet_b0", "resnet50", "resnet50_v2")
    assert ({"width", "depth", "batch_norm", "initializer"} <= set(hp.values)) == own_body
    assert not ({"width", "depth"} & set(hp.values)) or own_body


def test_missing_imagenet_weights_give_a_notice_not_a_download(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    config = SearchConfig(data_dir=str(tmp_path), architecture="mobilenet_v2", image_size=32)
    weights, notice = resolve_backbone_weights(config)
    assert weights is None and "not on this machine" in notice and "tunestudio weights fetch" in notice
    cached = tmp_path / "keras" / "models"
    cached.mkdir(parents=True)
    path = cached / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5"
    path.write_bytes(b"x")
    # Loaded by path: Keras never fetches anything (it re-downloads a hashed file that differs).
    assert resolve_backbone_weights(config) == (str(path), None)


def test_backbone_weights_file_is_loaded_and_frozen(tmp_path):
    import keras

    source = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(32, 32, 3))
    path = tmp_path / "backbone.weights.h5"
    source.save_weights(path)
    config = SearchConfig(data_dir=str(tmp_path), architecture="mobilenet_v2", image_size=32,
                          backbone_weights=str(path))
    weights, notice = resolve_backbone_weights(config)
    assert weights == str(path) and notice is None
    model, _ = build_model_with(config, weights)
    backbone = next(layer for layer in model.layers if layer.name.startswith("mobilenetv2"))
    assert not backbone.trainable  # pretrained features are kept; only the head trains
    assert np.allclose(backbone.get_weights()[0], source.get_weights()[0])


def build_model_with(config, weights):
    import keras_tuner as kt

    hp = kt.HyperParameters()
    return build_model(config, hp, num_classes=3, steps_per_epoch=2, weights=weights), hp


def test_batch_norm_keeps_less_history_when_an_epoch_has_few_steps(tmp_path):
    # A folder of a few hundred photos has a handful of steps an epoch: at Keras' 0.99 the running
    # statistics never forget their start and validation scores near chance (BENCHMARKS.md).
    import keras
    import keras_tuner as kt

    from app.core.model.models import batch_norm_momentum

    assert batch_norm_momentum(3) == 0.9 and batch_norm_momentum(19) == 0.9
    assert batch_norm_momentum(37) == 0.99 and batch_norm_momentum(1000) == 0.99
    config = SearchConfig(data_dir=str(tmp_path), architecture="resnet", image_size=32, width=8, depth=2,
                          backbone_weights="none", batch_norm=True)
    for steps, expected in ((3, 0.9), (500, 0.99)):
        model = build_model(config, kt.HyperParameters(), num_classes=3, steps_per_epoch=steps)
        momenta = {layer.momentum for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)}
        assert momenta == {expected}


@pytest.mark.parametrize("kind,stops_early", [("cosine", False), ("constant", True)])
def test_early_stopping_waits_for_the_low_end_of_a_decaying_schedule(kind, stops_early):
    import keras
    import numpy as np

    from app.core.model.models import early_stopping, optimizer_schedule, trial_schedule

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    model.compile(keras.optimizers.Adam(trial_schedule(1e-3, kind, total_steps=100, warmup_steps=0)), "mse")
    model.fit(np.zeros((4, 2)), np.zeros((4, 2)), epochs=1, verbose=0)  # builds the optimizer
    assert optimizer_schedule(model.optimizer).kind == kind
    stop = early_stopping(monitor="val_accuracy", mode="max", patience=2)
    stop.set_model(model)
    stop.on_train_begin()
    scores = [0.5, 0.6, 0.55, 0.55, 0.55, 0.55]  # no gain after the second epoch
    for epoch, score in enumerate(scores):  # the first 48 % of the schedule's 100 steps
        model.optimizer.iterations.assign(8 * (epoch + 1))
        stop.on_epoch_end(epoch, {"val_accuracy": score})
    assert model.stop_training is stops_early
    assert stop.best == 0.6  # the best epoch is tracked from the start either way
    model.stop_training = False
    model.optimizer.iterations.assign(80)  # in the schedule's last quarter: patience runs out now
    for epoch in (6, 7):
        stop.on_epoch_end(epoch, {"val_accuracy": 0.55})
    assert model.stop_training is True
