"""Untrusted model files are data, never code: a crafted file of each kind is refused with a
message, before anything from it runs; TuneStudio's own models still open."""
import json
import zipfile

import keras
import numpy as np
import pytest
import tensorflow as tf

from app.core.model.metrics import *  # noqa: F401,F403 - registers TuneStudio's metric objects
from app.core.model.model_files import ModelFileError, load_keras_model, load_saved_model


def small_model(*extra):
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Rescaling(1 / 255)(inputs)
    for layer in extra:
        x = layer(x)
    x = keras.layers.Conv2D(4, 3)(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(x))


def test_a_plain_keras_model_opens(tmp_path):
    model = small_model(keras.layers.BatchNormalization())
    model.save(tmp_path / "ok.keras")
    loaded = load_keras_model(tmp_path / "ok.keras")
    x = np.random.default_rng(0).random((2, 8, 8, 3)).astype("float32") * 255
    np.testing.assert_allclose(loaded.predict_on_batch(x), model.predict_on_batch(x), atol=1e-6)


def test_a_keras_file_with_a_lambda_layer_runs_nothing(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    monkeypatch.setenv("TS_MARKER", str(marker))
    model = small_model(keras.layers.Lambda(
        lambda t: t + float(__import__("pathlib").Path(__import__("os").environ["TS_MARKER"]).touch() or 0)))
    marker.unlink()  # written while the model was built; it must not come back when the file opens
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(ModelFileError, match="contains a Lambda layer, which is Python code"):
        load_keras_model(tmp_path / "lambda.keras")
    assert not marker.exists()


def write_archive(path, config, extra=()):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
        for name, data in extra:
            archive.writestr(name, data)


def test_a_keras_file_naming_code_outside_keras_is_refused(tmp_path):
    config = {"module": "keras", "class_name": "Sequential", "config": {"layers": [
        {"module": "os", "class_name": "system", "config": {"command": "touch /tmp/pwned"}, "registered_name": None}]}}
    write_archive(tmp_path / "foreign.keras", config)
    with pytest.raises(ModelFileError, match=r"refers to os\.system, code outside Keras"):
        load_keras_model(tmp_path / "foreign.keras")


def test_zip_bombs_cut_off_and_foreign_files_are_refused(tmp_path):
    write_archive(tmp_path / "bomb.keras", {"module": "keras", "class_name": "Sequential", "config": {}},
                  [("model.weights.h5", b"\0" * 20 * 2**20)])
    with pytest.raises(ModelFileError, match="zip bomb"):
        load_keras_model(tmp_path / "bomb.keras")
    small_model().save(tmp_path / "ok.keras")
    data = (tmp_path / "ok.keras").read_bytes()
    (tmp_path / "cut.keras").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="not a zip archive"):
        load_keras_model(tmp_path / "cut.keras")
    write_archive(tmp_path / "deep.keras", {"a": 1})
    with zipfile.ZipFile(tmp_path / "deep2.keras", "w") as archive:
        archive.writestr("config.json", "[" * 100000)
    with pytest.raises(ModelFileError, match="nested too deeply"):
        load_keras_model(tmp_path / "deep2.keras")


def test_a_truncated_saved_model_is_refused_with_a_message(tmp_path):
    module = tf.Module()
    module.v = tf.Variable([1.0, 2.0])
    module.f = tf.function(lambda x: x * module.v, input_signature=[tf.TensorSpec([2], tf.float32)])
    tf.saved_model.save(module, str(tmp_path / "sm"))
    assert load_saved_model(tmp_path / "sm").f(tf.constant([1.0, 1.0])).numpy().tolist() == [1.0, 2.0]
    graph = tmp_path / "sm" / "saved_model.pb"
    graph.write_bytes(graph.read_bytes()[: graph.stat().st_size // 2])
    with pytest.raises(ModelFileError, match="cannot be opened as a SavedModel"):
        load_saved_model(tmp_path / "sm")
    graph.write_bytes(b"")
    with pytest.raises(ModelFileError, match="cut off or not a SavedModel"):
        load_saved_model(tmp_path / "sm")
    with pytest.raises(ModelFileError, match="no saved_model.pb"):
        load_saved_model(tmp_path)
