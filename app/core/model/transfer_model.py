"""The models of a staged transfer search: the frozen feature extractor, the head, and both joined.

One graph, three views of it:

* the **feature extractor**: uint8 pixels -> float -> the backbone's own preprocessing -> the
  pretrained backbone (inference mode) -> global average pooling. Stage 1 runs it once per image
  and view (app/core/model/feature_cache.py);
* the **head** (a Keras model named ``head``): features -> dropout -> optional hidden layer ->
  ``logits`` -> float32 softmax. Stage 2 trains only heads, on the cached features
  (app/core/search/transfer/head_search.py); a head trial's checkpoint holds only the head's weights;
* the **full model**: the extractor's graph with the head on top (fine-tuned by
  app/core/search/transfer/fine_tune.py, its augmentation in the input pipeline like every trial's). It takes raw
  uint8 pixels like every other model of the app, so export, serving signatures and format checks need
  nothing special, and it holds no random layers.

Only standard Keras layers, so the saved ``.keras`` file loads with safe mode on.
"""
from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

from app.core.options.config import SearchConfig
from app.core.model.models import caffe_preprocess

STAGE_HEAD = "head"
STAGE_FINE_TUNE = "fine_tune"
BACKBONE_LAYER = "backbone"
FEATURES_LAYER = "features"

_HASHES: dict[tuple, str] = {}


def weights_identity(path: str | Path | None) -> str:
    """A short content hash of a weights file ("random" without one): part of the feature cache key,
    so features of other weights (a re-downloaded or imported file) are never mixed up."""
    if not path:
        return "random"
    path = Path(path)
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _HASHES:
        digest = hashlib.blake2b(digest_size=8)
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _HASHES[key] = digest.hexdigest()
    return _HASHES[key]


def _application(arch: str, size: int, weights: str | None):
    """The Keras Applications backbone without its top; ``weights`` is a file or None (random)."""
    import keras

    builders = {"mobilenet_v2": keras.applications.MobileNetV2, "efficientnet_b0": keras.applications.EfficientNetB0,
                "resnet50_v2": keras.applications.ResNet50V2, "resnet50": keras.applications.ResNet50}
    if arch not in builders:
        raise ValueError(f"not a transfer backbone: {arch}")
    # A file path, never "imagenet": Keras would try the network for a missing or unhashed file.
    backbone = builders[arch](include_top=False, weights=str(weights) if weights else None,
                              input_shape=(size, size, 3))
    backbone.name = BACKBONE_LAYER  # one name for every architecture: fine-tuning and export find it
    return backbone


def _preprocess(arch: str, x):
    import keras

    if arch in ("mobilenet_v2", "resnet50_v2"):  # both expect -1..1
        return keras.layers.Rescaling(1.0 / 127.5, offset=-1.0, name="scale")(x)
    if arch == "resnet50":
        return caffe_preprocess(x)
    return x  # EfficientNet rescales 0-255 inputs itself


def backbone_graph(config: SearchConfig, weights: str | None):
    """(uint8 input, pooled features tensor, the backbone model), the backbone frozen and in inference mode."""
    import keras

    size = int(config.image_size)
    inputs = keras.Input((size, size, 3), dtype="uint8", name="image")
    x = keras.layers.Rescaling(1.0, name="to_float")(inputs)
    x = _preprocess(config.architecture, x)
    backbone = _application(config.architecture, size, weights)
    backbone.trainable = False
    # training=False for good: batch norm keeps ImageNet's statistics even while fine-tuning.
    x = backbone(x, training=False)
    features = keras.layers.GlobalAveragePooling2D(name=FEATURES_LAYER)(x)
    return inputs, features, backbone


def feature_extractor(config: SearchConfig, weights: str | None):
    import keras

    inputs, features, _ = backbone_graph(config, weights)
    return keras.Model(inputs, features, name="feature_extractor")


def build_head(values: dict, feature_dim: int, num_classes: int):
    """The head a trial's hyperparameter values describe (``head_units`` 0: linear)."""
    import keras

    units = int(values.get("head_units") or 0)
    dropout = float(values.get("dropout") or 0.0)
    l2 = float(values.get("l2") or 0.0)
    reg = keras.regularizers.L2(l2) if l2 > 0 else None
    inputs = keras.Input((feature_dim,), name="pooled")
    x = keras.layers.Dropout(dropout, name="head_dropout")(inputs)
    if units:
        x = keras.layers.Dense(units, activation="relu", kernel_regularizer=reg, name="head_hidden")(x)
        x = keras.layers.Dropout(dropout, name="hidden_dropout")(x)
    logits = keras.layers.Dense(num_classes, kernel_regularizer=reg, name="logits")(x)
    outputs = keras.layers.Activation("softmax", dtype="float32", name="probabilities")(logits)
    return keras.Model(inputs, outputs, name="head")


def full_model(config: SearchConfig, values: dict, num_classes: int, weights: str | None,
               head_checkpoint: str | Path | None = None):
    """Pixels -> backbone -> head, one graph. ``head_checkpoint``: a head trial's weights to start from."""
    import keras

    inputs, features, _ = backbone_graph(config, weights)
    head = build_head(values, int(features.shape[-1]), num_classes)
    if head_checkpoint is not None:
        with warnings.catch_warnings():
            # The checkpoint's optimizer slots are not needed here.
            warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
            head.load_weights(str(head_checkpoint))
    outputs = head(features)
    return keras.Model(inputs, outputs, name=f"tunestudio_{config.architecture}_transfer")


def is_transfer_trial(values: dict) -> bool:
    return values.get("stage") in (STAGE_HEAD, STAGE_FINE_TUNE)


def load_transfer_trial(config: SearchConfig, values: dict, num_classes: int, checkpoint: str | Path,
                        backbone_weights: str | None):
    """The full model of a staged trial, ready to predict raw pixels: a head trial's head on the
    pretrained backbone (``backbone_weights``, the file it was trained on; None when it is gone), or
    a fine-tuned trial's own weights."""
    if values.get("stage") == STAGE_HEAD:
        if backbone_weights is None:
            raise FileNotFoundError(f"The pretrained weights of {config.architecture} this trial's head was "
                                    "trained on are no longer on this machine; fetch or import them again.")
        return full_model(config, values, num_classes, backbone_weights, head_checkpoint=checkpoint)
    model = full_model(config, values, num_classes, None)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
        model.load_weights(str(checkpoint))
    return model
