"""Proof for every exported artifact: load it in its own runtime and score it on the held-out images.

Each artifact is loaded the way a user would load it (``tf.saved_model.load``,
``keras.saving.load_model(safe_mode=True)``, the TFLite interpreter, an ONNX Runtime session) and
run on the whole validation split (and the test split when there is one), decoded exactly as in
training. It is compared with the trained model's predictions on the same pixels:

* ``agreement``: fraction of images given the same class as the trained model;
* ``max_prob_diff``: largest absolute difference of any class probability;
* ``val_accuracy`` (and ``test_accuracy``), ``ms_per_image`` (batches of ``TIMING_BATCH``) and
  ``size_bytes``.

An artifact passes when it meets its format's tolerance in ``TOLERANCES``.
"""
from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np

from app.core.export.export_formats import artifact_size

TIMING_BATCH = 32
# Float formats must agree with the trained model; float16 weights move probabilities by ~1e-3;
# int8 rounds every activation, so a few borderline images may change class (bench: see
# docs/export-figures.md).
TOLERANCES = {
    "saved_model": {"min_agreement": 0.99, "max_prob_diff": 1e-3},
    "keras": {"min_agreement": 0.99, "max_prob_diff": 1e-3},
    "tflite": {"min_agreement": 0.99, "max_prob_diff": 1e-3},
    "onnx": {"min_agreement": 0.99, "max_prob_diff": 1e-3},
    "tflite-fp16": {"min_agreement": 0.98, "max_prob_diff": 0.05},
    "tflite-int8": {"min_agreement": 0.90, "max_prob_diff": None},
}
# The serve_bytes signature (decoding, EXIF, resize in the graph) must match the decoded pixels.
BYTES_CHECK_FILES = 8


def _saved_model_predictor(path: Path):
    import tensorflow as tf

    from app.core.model.model_files import load_saved_model

    signature = load_saved_model(path).signatures["serving_default"]
    return lambda x: signature(images=tf.constant(x))["probabilities"].numpy()


def _keras_predictor(path: Path):
    from app.core.model.model_files import load_keras_model

    model = load_keras_model(path)
    return lambda x: np.asarray(model.predict_on_batch(x))


def _tflite_predictor(path: Path):
    import tensorflow as tf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "tf.lite.Interpreter is deprecated": it is still TF 2.21's own
        interpreter = tf.lite.Interpreter(model_path=str(path))
    inp = interpreter.get_input_details()[0]
    out = interpreter.get_output_details()[0]
    scale, zero = out["quantization"]
    shape = {"batch": None}

    def predict(x):
        if shape["batch"] != len(x):
            interpreter.resize_tensor_input(inp["index"], [len(x), *x.shape[1:]])
            interpreter.allocate_tensors()
            shape["batch"] = len(x)
        interpreter.set_tensor(inp["index"], x.astype(inp["dtype"]))
        interpreter.invoke()
        y = interpreter.get_tensor(out["index"])
        if y.dtype != np.float32:  # quantized output: back to probabilities
            y = (y.astype(np.float32) - zero) * scale
        return y

    return predict


def _onnx_predictor(path: Path):
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda x: session.run(None, {name: x})[0]


PREDICTORS = {"saved_model": _saved_model_predictor, "keras": _keras_predictor, "tflite": _tflite_predictor,
              "tflite-fp16": _tflite_predictor, "tflite-int8": _tflite_predictor, "onnx": _onnx_predictor}


def predict_batches(predict, images: np.ndarray, batch: int = TIMING_BATCH) -> tuple[np.ndarray, float]:
    """All predictions and the milliseconds per image (after one warm-up batch)."""
    predict(images[:batch])
    started = time.perf_counter()
    outs = [np.asarray(predict(images[i:i + batch]), dtype=np.float32) for i in range(0, len(images), batch)]
    elapsed = time.perf_counter() - started
    return np.concatenate(outs), 1000.0 * elapsed / max(1, len(images))


def compare(probs: np.ndarray, reference: np.ndarray, labels: np.ndarray) -> dict:
    predicted = np.argmax(probs, -1)
    return {"accuracy": float(np.mean(predicted == labels)),
            "agreement": float(np.mean(predicted == np.argmax(reference, -1))),
            "max_prob_diff": float(np.max(np.abs(probs - reference)))}


def passes(fmt: str, agreement: float, max_prob_diff: float) -> bool:
    tol = TOLERANCES[fmt]
    if agreement < tol["min_agreement"]:
        return False
    return tol["max_prob_diff"] is None or max_prob_diff <= tol["max_prob_diff"]


def check_bytes_signature(path: Path, files: list[str], images: np.ndarray) -> float:
    """Largest probability difference between ``serve_bytes`` on the files and ``serving_default`` on
    the same images decoded by the training pipeline."""
    import tensorflow as tf

    from app.core.model.model_files import load_saved_model

    loaded = load_saved_model(path)
    raw = tf.stack([tf.io.read_file(f) for f in files])
    from_bytes = loaded.signatures["serve_bytes"](image_bytes=raw)["probabilities"].numpy()
    from_pixels = loaded.signatures["serving_default"](images=tf.constant(images))["probabilities"].numpy()
    return float(np.max(np.abs(from_bytes - from_pixels)))


def score_artifact(fmt: str, path: Path, splits: dict, references: dict, bytes_sample=None) -> dict:
    """Score one artifact. ``splits``: name -> (uint8 images, labels); ``references``: name -> the
    trained model's probabilities on those images; ``bytes_sample``: (files, their decoded images)
    for the SavedModel's ``serve_bytes`` check."""
    predict = PREDICTORS[fmt](path)
    row: dict = {"format": fmt, "size_bytes": artifact_size(path), "tolerance": TOLERANCES[fmt]}
    for name, (images, labels) in splits.items():
        probs, ms = predict_batches(predict, images)
        result = compare(probs, references[name], labels)
        row[f"{name}_accuracy"] = result["accuracy"]
        if name == "val":
            row.update(agreement=result["agreement"], max_prob_diff=result["max_prob_diff"], ms_per_image=ms,
                       images=int(len(images)))
        else:
            row.update({f"{name}_agreement": result["agreement"], f"{name}_max_prob_diff": result["max_prob_diff"]})
    passed = passes(fmt, row["agreement"], row["max_prob_diff"])
    if "test" in splits:
        passed = passed and passes(fmt, row["test_agreement"], row["test_max_prob_diff"])
    if fmt == "saved_model" and bytes_sample is not None:
        diff = check_bytes_signature(path, *bytes_sample)
        row["serve_bytes_max_prob_diff"] = diff
        passed = passed and diff <= TOLERANCES[fmt]["max_prob_diff"]
    row["passed"] = bool(passed)
    return row
