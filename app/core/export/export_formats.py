"""Writers for every export format: one function per runtime, each writing one file or folder.

Formats and what they take:

* ``saved_model`` (TensorFlow, TF Serving): ``serving_default`` takes uint8 ``images`` [N, H, W, 3] of
  any size; ``serve_bytes`` takes ``image_bytes``, a [N] batch of encoded JPEG/PNG/BMP/GIF files
  (EXIF orientation applied, CMYK and grayscale made RGB, as in training). Both return
  ``probabilities``, ``class_id`` and ``class_name`` (``unknown`` and -1 below the confidence
  threshold, see ``serving_decision``).
* ``keras``: ``model.keras`` for Keras users (``keras.saving.load_model(..., safe_mode=True)``).
* ``tflite``, ``tflite-fp16``, ``tflite-int8``: TensorFlow Lite models taking uint8 [N, S, S, 3]
  pixels already resized to the model's size. ``tflite-int8`` is full-integer (every convolution
  and dense layer runs on int8 weights and activations; uint8 output = probability * 256),
  calibrated on the user's own training images. Its first two ops cast and quantize the uint8
  pixels, so the input means exactly what it means in the float models (a float-input clone
  would quantize the input with a calibrated scale of ~0.996 instead).
* ``onnx``: an ONNX model (tf2onnx, opset ``ONNX_OPSET``) with input ``images`` uint8 [N, S, S, 3]
  and output ``probabilities``; the class names are in its metadata (``classes``).
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import random
import sys
import warnings
from pathlib import Path

from app.core.data.pipeline import resize_pixels
from app.core.export.serving_decision import serving_outputs
from app.core.export.serving_graph import decode_upright

FORMATS = ("saved_model", "keras", "tflite", "tflite-fp16", "tflite-int8", "onnx")
FILE_NAMES = {
    "saved_model": "saved_model",
    "keras": "model.keras",
    "tflite": "model.tflite",
    "tflite-fp16": "model_fp16.tflite",
    "tflite-int8": "model_int8.tflite",
    "onnx": "model.onnx",
}
# tf2onnx 1.17 writes opsets up to 18 (19+ are refused); ONNX Runtime 1.32 runs them.
ONNX_OPSET = 18
ONNX_INSTALL_HINT = ("ONNX export needs tf2onnx and onnxruntime: pip install 'tunestudio[onnx]' "
                     "(tf2onnx==1.17.0, onnxruntime==1.32.0, onnx==1.23.2)")
# Calibration images for full-integer quantization: a few hundred cover the activation ranges.
REPRESENTATIVE_IMAGES = 300


class FormatError(ValueError):
    """A format list or a converter problem; the message is for the user."""


def parse_formats(text: str) -> list[str]:
    """``"all"`` or a comma list of names, in the canonical order, without repeats."""
    if text.strip().lower() == "all":
        return list(FORMATS)
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise FormatError(f"unknown format {', '.join(unknown) or repr(text)}: choose from {', '.join(FORMATS)} or all")
    return [f for f in FORMATS if f in names]


def missing_requirement(fmt: str) -> str | None:
    """Why ``fmt`` cannot be written in this installation (what to install), or None."""
    if fmt == "onnx" and any(importlib.util.find_spec(m) is None for m in ("tf2onnx", "onnxruntime", "onnx")):
        return ONNX_INSTALL_HINT
    return None


def available_formats() -> list[str]:
    """Every format this installation can write (the default when none is chosen)."""
    return [f for f in FORMATS if missing_requirement(f) is None]


def artifact_size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


@contextlib.contextmanager
def _quiet():
    """Converters print summaries to stdout, some from C++; keep it clean for ``--json`` output."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def representative_rows(train_rows: list, count: int = REPRESENTATIVE_IMAGES, seed: int = 0) -> list:
    """Up to ``count`` training rows, stratified: classes take turns, each class in a seeded order."""
    by_class: dict[int, list] = {}
    for row in train_rows:
        by_class.setdefault(int(row[1]), []).append(row)
    rng = random.Random(seed)
    queues = []
    for label in sorted(by_class):
        rows = sorted(by_class[label], key=lambda r: r[0])
        rng.shuffle(rows)
        queues.append(rows)
    out: list = []
    while len(out) < count and any(queues):
        for rows in queues:
            if rows and len(out) < count:
                out.append(rows.pop())
    return out


# --------------------------------------------------------------------------- writers


def write_saved_model(model, classes: list[str], image_size: int, path: Path, threshold: float = 0.0) -> None:
    import keras
    import tensorflow as tf

    class_names = tf.constant(classes)

    @tf.function(input_signature=[tf.TensorSpec([None, None, None, 3], tf.uint8, name="images")])
    def serve_images(images):
        probabilities = model(resize_pixels(images, image_size), training=False)
        return serving_outputs(probabilities, class_names, threshold)  # "unknown" below the threshold

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="image_bytes")])
    def serve_bytes(image_bytes):
        # Each file has its own size and orientation: decode one by one, then run one batch.
        images = tf.map_fn(lambda b: decode_upright(b, image_size), image_bytes,
                           fn_output_signature=tf.TensorSpec([image_size, image_size, 3], tf.uint8))
        return serve_images(images)

    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint("serving_default", serve_images)
    archive.add_endpoint("serve_bytes", serve_bytes)
    with _quiet():
        archive.write_out(str(path), verbose=False)


def write_keras(model, path: Path) -> None:
    # Recompile without the app's confusion metric and learning-rate schedule, so model.keras loads
    # without TuneStudio; nested models (an ensemble's members) keep their own compile config, so them too.
    import keras

    def plain(layer) -> None:
        for inner in getattr(layer, "layers", []):
            if isinstance(inner, keras.Model):
                inner.compile(optimizer="adam", loss="categorical_crossentropy")
                plain(inner)

    plain(model)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.save(path)


def write_tflite(model, path: Path, kind: str, representative=None) -> None:
    """``kind``: 'tflite' (float32), 'tflite-fp16' or 'tflite-int8' (needs ``representative``,
    an iterable of uint8 [S, S, 3] training images)."""
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if kind == "tflite-fp16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif kind == "tflite-int8":
        images = [] if representative is None else list(representative)
        if not images:
            raise FormatError("int8 quantization needs training images to calibrate, and none could be read")

        def calibration():
            for image in images:
                yield [image[None]]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = calibration
        # Full integer: the conversion fails rather than leave a float op behind.
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.uint8
        converter.inference_output_type = tf.uint8
    with _quiet(), warnings.catch_warnings():
        # The model's input is already uint8 pixels, so it has no float input range to calibrate.
        warnings.filterwarnings("ignore", message="Statistics for quantized inputs")
        data = converter.convert()
    path.write_bytes(data)


def write_onnx(model, classes: list[str], image_size: int, path: Path) -> None:
    problem = missing_requirement("onnx")
    if problem:
        raise FormatError(problem)
    import tensorflow as tf
    import tf2onnx

    @tf.function(input_signature=[tf.TensorSpec([None, image_size, image_size, 3], tf.uint8, name="images")])
    def forward(images):
        return {"probabilities": model(images, training=False)}

    with _quiet():
        # tf2onnx.convert.from_keras targets tf.keras 2; a traced function works with Keras 3.
        proto, _ = tf2onnx.convert.from_function(forward, input_signature=forward.input_signature,
                                                 opset=ONNX_OPSET)
    entry = proto.metadata_props.add()
    entry.key, entry.value = "classes", json.dumps(classes)
    path.write_bytes(proto.SerializeToString())


def write_artifact(fmt: str, model, path: Path, classes: list[str], image_size: int, representative=None,
                   threshold: float = 0.0) -> None:
    if fmt == "saved_model":
        write_saved_model(model, classes, image_size, path, threshold)
    elif fmt == "keras":
        write_keras(model, path)
    elif fmt.startswith("tflite"):
        write_tflite(model, path, fmt, representative)
    elif fmt == "onnx":
        write_onnx(model, classes, image_size, path)
    else:
        raise FormatError(f"unknown format {fmt}")
