"""The temperature folded into a Keras model, so every runtime returns calibrated probabilities.

Every TuneStudio model ends in ``Dense(name="logits")`` and a softmax (``app/core/model/models.py``);
an averaged final model holds one such member per trial. Dividing each logits layer's kernel and
bias by T makes the model compute ``softmax(logits / T)`` itself: no new layer, no custom op, so the
SavedModel, the ``.keras`` file (safe mode), TFLite (int8 too) and ONNX all carry the temperature
and their format checks compare against the folded model. The arithmetic and the fit are
``app/core/search/calibration.py``'s.
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from app.core.search import calibration as cal

LOGITS_LAYER = "logits"


def _models(model) -> list:
    import keras

    out = [model]
    for layer in getattr(model, "layers", []):
        if isinstance(layer, keras.Model):
            out.extend(_models(layer))
    return out


def logits_layers(model) -> list:
    """Every ``logits`` Dense layer of ``model`` and of the models nested in it (an ensemble's members)."""
    found = []
    for inner in _models(model):
        try:
            found.append(inner.get_layer(LOGITS_LAYER))
        except ValueError:
            continue
    return found


def members(model) -> list:
    """The averaged trials of an ensemble model (``app.core.search.trials.average_model``), else [model]."""
    import keras

    inner = [layer for layer in model.layers if isinstance(layer, keras.Model) and layer.name.startswith("member_")]
    return inner or [model]


def member_probabilities(model, images: np.ndarray, batch_size: int = 64) -> list[np.ndarray]:
    if len(images) == 0:
        return [np.zeros((0, int(model.output_shape[-1])), np.float32)]
    return [np.asarray(m.predict(images, batch_size=batch_size, verbose=0), np.float32) for m in members(model)]


def fold(model, temperature: float):
    """Make ``model`` compute calibrated probabilities; returns the function that restores its weights."""
    layers = logits_layers(model) if temperature != 1.0 else []
    saved = [[np.array(w) for w in layer.get_weights()] for layer in layers]
    for layer, weights in zip(layers, saved):
        layer.set_weights([w / np.float32(temperature) for w in weights])

    def restore() -> None:
        for layer, weights in zip(layers, saved):
            layer.set_weights(weights)

    return restore


@contextmanager
def folded(model, temperature: float):
    """``model`` computing calibrated probabilities inside the block; its own weights afterwards."""
    restore = fold(model, temperature)
    try:
        yield model
    finally:
        restore()


def export_calibration(model, info: dict, trial_id: str, images: np.ndarray, labels: np.ndarray) -> dict:
    """The calibration an export carries: the search's stored one when it was fitted for this very
    model (the final model, same trials), else fitted now on the exported model's validation
    predictions. The threshold is always the search's (set in the window). Summary only (no curves)."""
    stored = info.get("calibration") or {}
    threshold = float(stored.get("threshold") or 0.0)
    wanted = trial_id.split(":", 1)[1].split(",") if trial_id.startswith("ensemble:") else [trial_id]
    if not logits_layers(model):
        return {"temperature": 1.0, "threshold": threshold, "note": "no logits layer: probabilities left as trained"}
    if stored.get("trials") == wanted and "temperature" in stored:
        record = stored
    else:
        record = cal.fit(member_probabilities(model, images), labels, threshold)
    keys = ("temperature", "threshold", "ece_before", "ece_after", "nll_before", "nll_after", "images")
    return {key: record.get(key) for key in keys}
