"""Model builders: one Keras model per trial, from the search config and the trial's hyperparameters.

Every model takes raw uint8 pixels (scaling is the model's first layer) and ends in a float32
softmax, so the exported model needs no preprocessing and mixed precision stays numerically safe.
Only standard Keras layers are used, so a saved ``.keras`` file loads anywhere with safe mode on.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from .config import TRANSFER_ARCHITECTURES, SearchConfig, is_fixed

# File names Keras Applications looks for in its cache (~/.keras/models) for include_top=False.
_MOBILENET_ROWS = (96, 128, 160, 192, 224)
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)


def hp_value(hp, name: str, spec: Any, kind: type):
    """Register one tunable with Keras Tuner and return this trial's value."""
    if is_fixed(spec):
        return hp.Fixed(name, spec)
    if "choices" in spec:
        choices = list(spec["choices"])
        if kind is bool:
            # Keras Tuner's Choice stores bools as 1/0; Boolean keeps them true/false.
            return hp.Boolean(name) if len(set(choices)) == 2 else hp.Fixed(name, bool(choices[0]))
        return hp.Choice(name, choices)
    sampling = "log" if spec.get("log") else "linear"
    lo, hi, step = spec["min"], spec["max"], spec.get("step")
    if kind is int and float(lo).is_integer() and float(hi).is_integer():
        if lo == hi:
            return hp.Fixed(name, int(lo))
        return hp.Int(name, int(lo), int(hi), step=int(step) if step else None, sampling=sampling)
    if lo == hi:
        return hp.Fixed(name, float(lo))
    return hp.Float(name, float(lo), float(hi), step=step, sampling=sampling)


def keras_cache_dir() -> Path:
    base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(base) / "models"


def imagenet_weights_file(architecture: str, image_size: int) -> str:
    if architecture == "mobilenet_v2":
        rows = image_size if image_size in _MOBILENET_ROWS else 224
        return f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{rows}_no_top.h5"
    if architecture == "efficientnet_b0":
        return "efficientnetb0_notop.h5"
    if architecture == "resnet50":
        return "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    raise ValueError(architecture)


def resolve_backbone_weights(config: SearchConfig) -> tuple[str | None, str | None]:
    """(weights argument or file, notice for the user). Never triggers a download."""
    if config.architecture not in TRANSFER_ARCHITECTURES:
        return None, None
    choice = config.backbone_weights
    if choice == "none":
        return None, None
    if choice == "imagenet":
        cached = keras_cache_dir() / imagenet_weights_file(config.architecture, config.image_size)
        if cached.is_file():
            return "imagenet", None
        return None, (f"ImageNet weights for {config.architecture} are not in the Keras cache ({cached}) and "
                      "nothing is downloaded at run time: the backbone starts from random weights and is "
                      "trained in full. Put the file there, or choose a weights file.")
    return str(Path(choice).expanduser()), None


def _regularizer(l1: float, l2: float):
    import keras

    if l1 <= 0 and l2 <= 0:
        return None
    return keras.regularizers.L1L2(l1=float(l1), l2=float(l2))


def augmentation_layers_for(config: SearchConfig, seed: int, value_range=(0.0, 255.0)) -> list:
    import keras

    aug = config.augmentation
    layers = []
    if aug.flip != "none":
        layers.append(keras.layers.RandomFlip(aug.flip, seed=seed))
    if aug.rotation > 0:
        layers.append(keras.layers.RandomRotation(aug.rotation, fill_mode="reflect", seed=seed))
    if aug.zoom > 0:
        layers.append(keras.layers.RandomZoom(aug.zoom, fill_mode="reflect", seed=seed))
    if aug.translation > 0:
        layers.append(keras.layers.RandomTranslation(aug.translation, aug.translation,
                                                     fill_mode="reflect", seed=seed))
    if aug.contrast > 0:
        layers.append(keras.layers.RandomContrast(aug.contrast, value_range=value_range, seed=seed))
    return layers


def _caffe_preprocess(x):
    """RGB 0-255 -> BGR minus ImageNet mean (ResNet50's preprocessing) with a frozen 1x1 conv.

    A plain Conv2D keeps the saved model free of custom or Lambda layers.
    """
    import keras

    kernel = np.zeros((1, 1, 3, 3), np.float32)
    for out_channel, in_channel in enumerate((2, 1, 0)):
        kernel[0, 0, in_channel, out_channel] = 1.0
    conv = keras.layers.Conv2D(3, 1, trainable=False, name="caffe_preprocess")
    y = conv(x)
    conv.set_weights([kernel, -np.asarray(CAFFE_MEAN_BGR, np.float32)])
    return y


def build_model(config: SearchConfig, hp, num_classes: int, steps_per_epoch: int,
                mixed_precision: bool = False, weights: str | None = None):
    """Build and compile the model for one trial."""
    import keras

    keras.mixed_precision.set_global_policy("mixed_float16" if mixed_precision else "float32")

    width = hp_value(hp, "width", config.width, int)
    depth = hp_value(hp, "depth", config.depth, int)
    dropout = hp_value(hp, "dropout", config.dropout, float)
    l1 = hp_value(hp, "l1", config.l1, float)
    l2 = hp_value(hp, "l2", config.l2, float)
    batch_norm = hp_value(hp, "batch_norm", config.batch_norm, bool)
    initializer = hp_value(hp, "initializer", config.initializer, str)
    augment = hp_value(hp, "augmentation", config.augmentation.enabled, bool)
    dense_units = hp_value(hp, "dense_units", config.dense_units, int)
    hp_value(hp, "batch_size", config.batch_size, int)  # used by the fit step
    seed = int(config.seed)
    reg = _regularizer(l1, l2)
    conv_kwargs = dict(kernel_initializer=initializer, kernel_regularizer=reg, use_bias=not batch_norm)

    size = config.image_size
    inputs = keras.Input((size, size, 3), dtype="uint8", name="image")
    x = keras.layers.Rescaling(1.0, name="to_float")(inputs)
    if augment:
        for layer in augmentation_layers_for(config, seed):
            x = layer(x)

    def norm_act(y):
        if batch_norm:
            y = keras.layers.BatchNormalization()(y)
        return keras.layers.Activation("relu")(y)

    arch = config.architecture
    if arch in TRANSFER_ARCHITECTURES:
        x = _transfer_backbone(config, x, weights)
        x = keras.layers.GlobalAveragePooling2D()(x)
        x = keras.layers.Dropout(dropout)(x)
    else:
        x = keras.layers.Rescaling(1.0 / 255, name="scale")(x)
        if arch == "mlp":
            x = keras.layers.Flatten()(x)
            for _ in range(depth):
                x = keras.layers.Dense(width, **conv_kwargs)(x)
                x = norm_act(x)
                x = keras.layers.Dropout(dropout)(x)
        elif arch == "simple_cnn":
            spatial = size
            for i in range(depth):
                x = keras.layers.Conv2D(min(width * 2 ** i, 1024), 3, padding="same", **conv_kwargs)(x)
                x = norm_act(x)
                if spatial >= 2:
                    x = keras.layers.MaxPooling2D()(x)
                    spatial //= 2
            x = keras.layers.Flatten()(x)
            x = keras.layers.Dropout(dropout)(x)
            x = keras.layers.Dense(dense_units, **conv_kwargs)(x)
            x = norm_act(x)
            x = keras.layers.Dropout(dropout)(x)
        elif arch == "vgg":
            spatial = size
            for i in range(depth):
                filters = min(width * 2 ** i, 1024)
                for _ in range(2):
                    x = keras.layers.Conv2D(filters, 3, padding="same", **conv_kwargs)(x)
                    x = norm_act(x)
                if spatial >= 2:
                    x = keras.layers.MaxPooling2D()(x)
                    spatial //= 2
            x = keras.layers.GlobalAveragePooling2D()(x)
            x = keras.layers.Dense(dense_units, **conv_kwargs)(x)
            x = norm_act(x)
            x = keras.layers.Dropout(dropout)(x)
        elif arch == "resnet":
            x = keras.layers.Conv2D(width, 3, padding="same", **conv_kwargs)(x)
            x = norm_act(x)
            spatial = size
            filters = width
            for i in range(depth):
                downsample = i > 0 and spatial >= 2
                if downsample:
                    filters = min(filters * 2, 1024)
                    spatial //= 2
                stride = 2 if downsample else 1
                shortcut = x
                y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same", **conv_kwargs)(x)
                y = norm_act(y)
                y = keras.layers.Conv2D(filters, 3, padding="same", **conv_kwargs)(y)
                if batch_norm:
                    y = keras.layers.BatchNormalization()(y)
                if downsample or shortcut.shape[-1] != filters:
                    shortcut = keras.layers.Conv2D(filters, 1, strides=stride, **conv_kwargs)(shortcut)
                x = keras.layers.Activation("relu")(keras.layers.Add()([y, shortcut]))
            x = keras.layers.GlobalAveragePooling2D()(x)
            x = keras.layers.Dropout(dropout)(x)
        else:
            raise ValueError(f"unknown architecture {arch!r}")

    logits = keras.layers.Dense(num_classes, kernel_initializer="glorot_uniform", name="logits")(x)
    outputs = keras.layers.Activation("softmax", dtype="float32", name="probabilities")(logits)
    model = keras.Model(inputs, outputs, name=f"tunestudio_{arch}")

    optimizer = make_optimizer(config, hp, steps_per_epoch)
    smoothing = hp_value(hp, "label_smoothing", config.label_smoothing, float)
    from .metrics import ConfusionMatrix

    model.compile(
        optimizer=optimizer,
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=float(smoothing)),
        metrics=["accuracy", ConfusionMatrix(num_classes)],
    )
    return model


def _transfer_backbone(config: SearchConfig, x, weights: str | None):
    import keras

    size = config.image_size
    arch = config.architecture
    keras_weights = "imagenet" if weights == "imagenet" else None
    if arch == "mobilenet_v2":
        x = keras.layers.Rescaling(1.0 / 127.5, offset=-1.0, name="scale")(x)
        backbone = keras.applications.MobileNetV2(include_top=False, weights=keras_weights,
                                                  input_shape=(size, size, 3))
    elif arch == "efficientnet_b0":
        # EfficientNet rescales 0-255 inputs itself.
        backbone = keras.applications.EfficientNetB0(include_top=False, weights=keras_weights,
                                                     input_shape=(size, size, 3))
    elif arch == "resnet50":
        x = _caffe_preprocess(x)
        backbone = keras.applications.ResNet50(include_top=False, weights=keras_weights,
                                               input_shape=(size, size, 3))
    else:
        raise ValueError(arch)
    if weights and weights != "imagenet":
        # A weights file (HDF5 / .weights.h5): plain arrays, nothing is unpickled.
        backbone.load_weights(weights)
    pretrained = weights is not None
    # Frozen features only make sense when they were learned; random ones must train.
    backbone.trainable = bool(config.fine_tune or not pretrained)
    return backbone(x, training=False if not backbone.trainable else None)


def make_optimizer(config: SearchConfig, hp, steps_per_epoch: int):
    import keras

    name = hp_value(hp, "optimizer", config.optimizer, str)
    lr = float(hp_value(hp, "learning_rate", config.learning_rate, float))
    schedule = hp_value(hp, "schedule", config.schedule, str)
    momentum = float(hp_value(hp, "momentum", config.momentum, float))
    total_steps = max(1, steps_per_epoch * config.epochs)
    if schedule == "exponential":
        learning_rate = keras.optimizers.schedules.ExponentialDecay(lr, decay_steps=total_steps, decay_rate=0.1)
    elif schedule == "cosine":
        learning_rate = keras.optimizers.schedules.CosineDecay(lr, decay_steps=total_steps, alpha=0.01)
    elif schedule == "linear":
        learning_rate = keras.optimizers.schedules.PolynomialDecay(lr, total_steps, end_learning_rate=lr * 0.01,
                                                                   power=1.0)
    else:
        learning_rate = lr
    clip = {}
    if config.clip_mode != "none":
        value = float(hp_value(hp, "clip_value", config.clip_value, float))
        clip = {"clipnorm": value} if config.clip_mode == "norm" else {"clipvalue": value}
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate, momentum=momentum, nesterov=bool(config.nesterov), **clip)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate, momentum=momentum, **clip)
    if name == "adamw":
        return keras.optimizers.AdamW(learning_rate, weight_decay=1e-4, **clip)
    return keras.optimizers.Adam(learning_rate, **clip)
