"""Any model TuneStudio makes, opened behind one small interface: image files in, top classes out.

:func:`open_model` accepts

* a search folder (its final model: the best trial or the average of the best few) or, with
  ``trial_id``, one of its trials: rebuilt with Keras, the search's temperature folded in;
* an export folder (``model_card.json``; its SavedModel, else ``model.keras``, TFLite or ONNX);
* a SavedModel folder, a ``.keras`` file (Keras safe mode), a ``.tflite`` or an ``.onnx`` file
  (class names from a ``model_card.json`` or ``labels.txt`` beside it, or ONNX's metadata).

Exported artifacts carry the temperature already (``app/core/export/calibrated_model.py``); the
threshold comes from the search or the card unless given. Each image is checked
(``app.core.data.image_check``), converted when TensorFlow would misread it
(``app.core.data.decoding``) and decoded and resized by the training pipeline's own functions, so
it is preprocessed exactly as in training. A file that cannot be used becomes a result with its
reason, never an exception.
"""
from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from app.core.data.dataset_report import DatasetError, ImageRecord
from app.core.data.decoding import decodable_path
from app.core.data.image_check import inspect_file, short_error
from app.core.search import calibration as cal
from app.core.search.search_dir import SearchError, is_search_folder
from app.core.util.paths import cache_dir

MODEL_SUFFIXES = (".keras", ".tflite", ".onnx")
# An export folder's artifacts, in the order one is chosen for predicting.
EXPORT_PREFERENCE = ("saved_model", "model.keras", "model.tflite", "model.onnx", "model_fp16.tflite",
                     "model_int8.tflite")


# A SavedModel without its card: decoded at this size, then resized by the signature to the model's.
DEFAULT_SAVED_MODEL_SIZE = 224


class ModelError(RuntimeError):
    """The model cannot be opened; the message is for the user."""


@dataclass
class ImageResult:
    """One image's answer: its top classes with probabilities and the decision after the threshold,
    or ``error`` (why the file cannot be used)."""

    file: str
    top: list[tuple[str, float]] = field(default_factory=list)
    decision: str = ""
    error: str = ""
    true_class: str | None = None
    probabilities: list[float] | None = None

    @property
    def confidence(self) -> float | None:
        return self.top[0][1] if self.top else None

    def to_dict(self) -> dict:
        out = {"file": self.file, "top": [{"class": c, "probability": p} for c, p in self.top],
               "decision": self.decision}
        if self.error:
            out["error"] = self.error
        if self.true_class is not None:
            out["true_class"] = self.true_class
        return out


@dataclass
class Predictor:
    """A loaded model: ``predict(images)`` gives calibrated probabilities for uint8 [N, S, S, 3] pixels."""

    kind: str  # search, trial, saved_model, keras, tflite, onnx
    source: str
    classes: list[str]
    image_size: int
    predict: Callable[[np.ndarray], np.ndarray]
    threshold: float = 0.0
    temperature: float = 1.0  # already inside ``predict`` (folded, or by the exported artifact)
    calibration: dict | None = None
    keras_model: object | None = None  # for heat maps; None when the runtime has no gradients
    heat_map_source: Callable[[], object] | None = None  # loads a Keras twin on demand (export folders)
    note: str = ""

    def describe(self) -> dict:
        return {"kind": self.kind, "source": self.source, "classes": self.classes, "image_size": self.image_size,
                "threshold": self.threshold, "temperature": self.temperature, "note": self.note,
                "heat_maps": self.keras_model is not None or self.heat_map_source is not None}

    def gradient_model(self):
        """The Keras model heat maps are computed on, or None."""
        if self.keras_model is None and self.heat_map_source is not None:
            self.keras_model = self.heat_map_source()
            self.heat_map_source = None
        return self.keras_model

    def answer(self, files: list[str], images: np.ndarray, top: int = 3) -> list[ImageResult]:
        """Results for decoded ``images`` of ``files`` (same order)."""
        if not len(images):
            return []
        probs = np.asarray(self.predict(images), np.float64)
        decisions = cal.decide(probs, self.classes, self.threshold)
        out = []
        for file, p, decision in zip(files, probs, decisions):
            order = np.argsort(-p)[:max(1, top)]
            out.append(ImageResult(file=file, top=[(self.classes[int(i)], float(p[i])) for i in order],
                                   decision=decision, probabilities=[float(v) for v in p]))
        return out


# --------------------------------------------------------------------------- decoding


def decode_file(path: str, image_size: int) -> tuple[np.ndarray | None, str]:
    """(uint8 [S, S, 3] pixels, "") as training decodes the file, or (None, the reason it cannot be used)."""
    import tensorflow as tf

    from app.core.data.pipeline import resize_pixels

    outcome = inspect_file(path)
    if outcome.facts is None:
        return None, outcome.reason
    record = ImageRecord(path=path, label="", format=outcome.facts["format"],
                         needs_conversion=outcome.facts["needs_conversion"])
    try:
        readable = decodable_path(record, cache_dir() / "converted")
        image = tf.io.decode_image(tf.io.read_file(readable), channels=3, expand_animations=False)
        return resize_pixels(image, image_size).numpy(), ""
    except DatasetError as exc:
        return None, str(exc).split(": ", 1)[-1]
    except Exception as exc:  # noqa: BLE001 - any decoder failure is this file's reason, not the run's
        return None, f"cannot decode: {short_error(exc)}"


def predict_files(predictor: Predictor, files: list[str], top: int = 3) -> list[ImageResult]:
    """One result per file, in order; unreadable files carry their reason."""
    decoded = [decode_file(str(f), predictor.image_size) for f in files]
    good = [i for i, (image, _) in enumerate(decoded) if image is not None]
    answers = iter(predictor.answer([str(files[i]) for i in good], np.stack([decoded[i][0] for i in good]), top)
                   if good else [])
    return [next(answers) if image is not None else ImageResult(file=str(f), error=reason)
            for f, (image, reason) in zip(files, decoded)]


# --------------------------------------------------------------------------- opening


def _compiled(model, image_size: int):
    """``model`` as one traced function over any batch size (the first call traces, the rest reuse it)."""
    import tensorflow as tf

    @tf.function(input_signature=[tf.TensorSpec([None, image_size, image_size, 3], tf.uint8)], reduce_retracing=True)
    def forward(images):
        return model(images, training=False)

    return lambda x: forward(np.asarray(x, np.uint8)).numpy()


def _open_search(folder: Path, trial_id: str | None, threshold: float | None) -> Predictor:
    from app.core.export.calibrated_model import fold
    from app.core.options.config import SearchConfig
    from app.core.search.search_dir import load_search_info
    from app.core.search.trials import average_model, load_members

    info = load_search_info(folder)
    trials = [str(trial_id)] if trial_id is not None else cal.final_trials(folder, info)
    if not trials:
        raise ModelError(f"{folder}: this search has no completed trial yet.")
    try:
        models, info = load_members(folder, trials) if len(trials) > 1 else (None, info)
        if models is None:
            from app.core.search.trials import load_trial_model

            model = load_trial_model(folder, trials[0])[0]
        else:
            model = average_model(models, SearchConfig.from_dict(info["config"]).image_size)
    except SearchError as exc:
        raise ModelError(str(exc)) from None
    try:
        record = cal.search_calibration(folder, trial_id)
    except SearchError:
        record = {"temperature": 1.0, "threshold": float((info.get("calibration") or {}).get("threshold") or 0.0)}
    fold(model, float(record["temperature"]))  # this copy of the model only
    size = SearchConfig.from_dict(info["config"]).image_size
    return Predictor(kind="trial" if trial_id is not None else "search", source=str(folder),
                     classes=list(info["classes"]), image_size=size, predict=_compiled(model, size),
                     threshold=float(record.get("threshold") or 0.0) if threshold is None else threshold,
                     temperature=float(record["temperature"]), calibration=record, keras_model=model,
                     note=f"trials {', '.join(trials)}")


def _read_card(*folders: Path) -> tuple[dict, Path | None]:
    for folder in folders:
        path = folder / "model_card.json"
        if path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8")), folder
            except (OSError, ValueError):
                continue
    return {}, None


def _labels_near(*folders: Path) -> list[str]:
    for folder in folders:
        path = folder / "labels.txt"
        if path.is_file():
            return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return []


def _artifact_kind(path: Path) -> str:
    if path.is_dir():
        return "saved_model"
    suffix = path.suffix.lower()
    return {".keras": "keras", ".tflite": "tflite", ".onnx": "onnx"}[suffix]


def _input_size(kind: str, path: Path, card: dict) -> int | None:
    size = (card.get("input") or {}).get("image_size")
    if size:
        return int(size)
    if kind == "onnx":
        import onnxruntime as ort

        shape = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).get_inputs()[0].shape
        return int(shape[1]) if isinstance(shape[1], int) else None
    if kind == "tflite":
        import tensorflow as tf

        return int(tf.lite.Interpreter(model_path=str(path)).get_input_details()[0]["shape"][1])
    return None


def _onnx_classes(path: Path) -> list[str]:
    import onnxruntime as ort

    meta = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).get_modelmeta().custom_metadata_map
    try:
        return list(json.loads(meta.get("classes", "[]")))
    except ValueError:
        return []


def _open_artifact(path: Path, threshold: float | None) -> Predictor:
    # Long: one artifact of any runtime, its classes, size and calibration from what lies beside it.
    from app.core.export.export_check import PREDICTORS

    if path.is_dir() and (path / "model_card.json").is_file() and not (path / "saved_model.pb").is_file():
        chosen = next((path / name for name in EXPORT_PREFERENCE if (path / name).exists()), None)
        if chosen is None:
            raise ModelError(f"{path}: this export folder holds no model file.")
        export_folder, artifact = path, chosen
    else:
        export_folder, artifact = path.parent, path
    kind = _artifact_kind(artifact)
    near = [f for f in dict.fromkeys([export_folder, artifact.parent, artifact.parent.parent])]
    card, _ = _read_card(*near)
    if kind == "onnx" and importlib.util.find_spec("onnxruntime") is None:
        raise ModelError("Opening ONNX models needs onnxruntime: pip install 'tunestudio[onnx]'.")
    keras_model = None
    try:
        classes = list(card.get("classes") or _labels_near(*near)
                       or (_onnx_classes(artifact) if kind == "onnx" else []))
        size = _input_size(kind, artifact, card)
        if kind == "keras":
            import keras

            keras_model = keras.saving.load_model(str(artifact), safe_mode=True, compile=False)
            size = size or int(keras_model.input_shape[1])
            raw = _compiled(keras_model, size)
        else:
            raw = PREDICTORS[kind](artifact)
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file: say so, do not crash
        raise ModelError(f"{artifact}: cannot open as a {kind} model ({short_error(exc)}).") from None
    if size is None and kind == "saved_model":
        size = DEFAULT_SAVED_MODEL_SIZE  # its signature resizes any size to the model's own
    if size is None:
        raise ModelError(f"{artifact}: its input size is unknown; keep model_card.json beside it.")
    if not classes:
        probe = np.asarray(raw(np.zeros((1, size, size, 3), np.uint8)))
        classes = [f"class_{i}" for i in range(probe.shape[-1])]
    calibration = card.get("calibration") or {}
    twin = export_folder / "model.keras"
    heat_source = None
    if keras_model is None and twin.is_file():
        def heat_source():
            import keras

            return keras.saving.load_model(str(twin), safe_mode=True, compile=False)
    return Predictor(kind=kind, source=str(artifact), classes=classes, image_size=size,
                     predict=lambda x: raw(np.asarray(x, np.uint8)),
                     threshold=float(calibration.get("threshold") or 0.0) if threshold is None else threshold,
                     temperature=float(calibration.get("temperature") or 1.0), calibration=calibration or None,
                     keras_model=keras_model, heat_map_source=heat_source,
                     note="" if card else "no model_card.json beside it: no threshold or temperature known")


def open_model(source: str | Path, trial_id: str | None = None, threshold: float | None = None) -> Predictor:
    """Open any model TuneStudio makes (see the module docstring). Raises :class:`ModelError`."""
    path = Path(source).expanduser()
    if not path.exists():
        raise ModelError(f"{path}: no such file or folder.")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ModelError("The threshold is a probability between 0 and 1.")
    if is_search_folder(path):
        return _open_search(path, trial_id, threshold)
    if trial_id is not None:
        raise ModelError(f"{path}: a trial can only be chosen in a search folder.")
    if path.is_dir():
        if (path / "model_card.json").is_file() or (path / "saved_model.pb").is_file():
            return _open_artifact(path, threshold)
        raise ModelError(f"{path}: not a search folder, an export folder or a SavedModel.")
    if path.suffix.lower() not in MODEL_SUFFIXES:
        raise ModelError(f"{path}: not a model file (expected .keras, .tflite or .onnx, or a folder).")
    return _open_artifact(path, threshold)
