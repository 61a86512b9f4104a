"""Why the model decided: Grad-CAM heat maps (Selvaraju et al., 2017) with Keras and TensorFlow's
own gradient tape, for every architecture TuneStudio builds (the element-wise variant, HiResCAM,
Draelos & Carin 2020, which equals Grad-CAM behind global pooling).

The feature map is found generically: the last 4-D tensor of the model's top-level graph (a
convolution stage's output, a residual block's, or a transfer backbone's whole output, whichever
comes last before pooling). The class score is the ``logits`` layer's (before the softmax), so a
saturated probability still has a gradient. The MLP has no feature map but its (scaled) input:
there the same formula is gradient x input, summed over the colour channels. An averaged final model gets
the mean of its members' maps. Maps are resized to the image and scaled to 0..1.
"""
from __future__ import annotations

import numpy as np

from app.core.export.calibrated_model import LOGITS_LAYER, members

GRAD_CAM, GRADIENT_X_INPUT = "grad-cam", "gradient x input"
# The scaled input: the MLP's only 4-D tensor (app/core/model/models.py names these layers).
INPUT_LAYERS = ("image", "to_float", "scale")


def _node_output(layer):
    """The layer's output in its model's graph (``layer.output`` of a nested model is its own inner one)."""
    return layer._inbound_nodes[-1].output_tensors[0]  # noqa: SLF001 - Keras 3 has no public accessor


def feature_layer(model):
    """The layer whose output is the model's last 4-D feature map (None if the model has none)."""
    for layer in reversed(model.layers):
        if not layer._inbound_nodes:  # noqa: SLF001
            continue
        shape = _node_output(layer).shape
        if len(shape) == 4:
            return layer
    return None


# (model, body, head, layer name) by id(model): building them again would clone the graph again, and
# Keras refuses a second clone's names. The model is kept so its id is never reused while cached.
_SPLITS: dict[int, tuple] = {}
MAX_CACHED = 4


def _split(model):
    cached = _SPLITS.get(id(model))
    if cached is not None and cached[0] is model:
        return cached[1:]
    if len(_SPLITS) >= MAX_CACHED:
        _SPLITS.clear()
    parts = _build_split(model)
    _SPLITS[id(model)] = (model, *parts)
    return parts


def _build_split(model):
    """(body: image -> feature map, head: feature map -> class scores, the feature layer's name).

    Two models, so the tape can watch the feature map before the head uses it (a head without
    weights before it, as the MLP's, would otherwise leave the map out of the recorded graph)."""
    import keras

    layer = feature_layer(model)
    if layer is None:
        raise ValueError(f"{model.name}: no 4-D feature map to explain")
    try:
        score = _node_output(model.get_layer(LOGITS_LAYER))
    except ValueError:
        score = model.outputs[0]
    features = _node_output(layer)
    return keras.Model(model.inputs, features), keras.Model(features, score), layer.name


def _maps_one(model, images: np.ndarray, classes: np.ndarray) -> tuple[np.ndarray, str]:
    import tensorflow as tf

    body, head, layer_name = _split(model)
    features = tf.cast(body(tf.constant(np.asarray(images, np.uint8)), training=False), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(features)
        scores = head(features, training=False)
        score = tf.gather(scores, tf.constant(classes, tf.int32), axis=1, batch_dims=1)
    grads = tf.cast(tape.gradient(score, features), tf.float32)
    # Element-wise gradient x activation, summed over channels (HiResCAM): equal to Grad-CAM's
    # channel-mean weights behind global pooling, and still faithful behind a flatten + dense head.
    cam = tf.nn.relu(tf.reduce_sum(grads * features, axis=-1))
    size = int(images.shape[1])
    cam = tf.image.resize(cam[..., None], (size, size), method="bilinear")[..., 0].numpy()
    return cam, layer_name


def heat_maps(model, images: np.ndarray, classes: list[int] | None = None) -> dict:
    """Heat maps of uint8 [N, S, S, 3] ``images`` for ``classes`` (default: each image's top class).

    Returns ``maps`` float32 [N, S, S] in 0..1 (each scaled by its own maximum), ``classes`` (the
    explained class per image), ``method`` and ``layer`` (the feature map used).
    """
    if len(images) == 0:
        return {"maps": np.zeros((0,) + images.shape[1:3], np.float32), "classes": [], "method": "", "layer": ""}
    wanted = None if classes is None else np.asarray(classes, np.int32)
    if wanted is None:
        wanted = np.argmax(np.asarray(model(images, training=False)), axis=-1).astype(np.int32)
    total, layer = None, ""
    for member in members(model):
        cam, layer = _maps_one(member, images, wanted)
        total = cam if total is None else total + cam
    method = GRADIENT_X_INPUT if layer in INPUT_LAYERS else GRAD_CAM
    peak = total.reshape(len(total), -1).max(axis=1).reshape(-1, 1, 1)
    maps = np.where(peak > 0, total / np.maximum(peak, 1e-12), 0.0).astype(np.float32)
    return {"maps": maps, "classes": [int(c) for c in wanted], "method": method, "layer": layer}


def overlay(image: np.ndarray, heat: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    """``image`` (uint8 [H, W, 3]) with ``heat`` (0..1, [h, w]) blended on top in a blue-to-red ramp."""
    from PIL import Image

    h, w = image.shape[:2]
    if heat.shape != (h, w):
        heat = np.asarray(Image.fromarray((heat * 255).astype(np.uint8)).resize((w, h), Image.Resampling.BILINEAR),
                          np.float32) / 255.0
    ramp = np.stack([np.clip(1.5 - np.abs(4 * heat - 3), 0, 1), np.clip(1.5 - np.abs(4 * heat - 2), 0, 1),
                     np.clip(1.5 - np.abs(4 * heat - 1), 0, 1)], axis=-1) * 255.0
    mixed = (1 - alpha) * image.astype(np.float32) + alpha * ramp
    return np.clip(mixed, 0, 255).astype(np.uint8)
