"""Model builders: one Keras model per trial, from the search config and the trial's hyperparameters.

Every model takes raw uint8 pixels (scaling is the model's first layer) and ends in a float32
softmax, so the exported model needs no preprocessing and mixed precision stays numerically safe.
Only standard Keras layers are used, so a saved ``.keras`` file loads anywhere with safe mode on.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from app.core.options.auto_epochs import trial_epochs
from app.core.options.config import SMALL_IMAGE_PX, SearchConfig
from app.core.options.option_table import TRANSFER_ARCHITECTURES
from app.core.options.validation import is_fixed
from app.core.model.weights_store import missing_notice, usable_weights_file, weights_entry

CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
FEW_STEPS = 20  # steps an epoch below which batch norm keeps less history (batch_norm_momentum)


def batch_norm_momentum(steps_per_epoch: int) -> float:
    """How much of its running statistics a batch norm keeps per step: Keras' 0.99, but PyTorch's
    0.9 when an epoch has fewer than ``FEW_STEPS`` steps (a folder of a few hundred photos).

    Why: the running mean and variance start at 0 and 1 and forget that start by the factor
    ``momentum`` per step; validation and prediction use them. At 0.99 that takes several hundred
    steps, which a small folder never gives: on 200 flower photos (2-4 steps an epoch) in 2
    minutes validation scored 0.08-0.16 (5 classes) while the net learned, and 0.64 at 0.9. On
    flowers-train (37 steps an epoch, 10 minutes) 0.99 stays: 0.9 and 0.973 scored higher on
    validation there but lower held-out in single runs (0.698 and 0.707 against 0.739), so the
    change is kept to where 0.99 is measured to fail (BENCHMARKS.md, session 4).
    """
    return 0.9 if steps_per_epoch < FEW_STEPS else 0.99


def hp_value(hp, name: str, spec: Any, kind: type):
    """Register one tunable with Keras Tuner and return this trial's value."""
    if is_fixed(spec):
        return hp.Fixed(name, spec)
    # The spec's default is the first (known-good) trial's value: Keras Tuner's defaults are what
    # the studio oracle proposes first (see trial_tuner._first_trial_defaults).
    default = spec.get("default")
    if "choices" in spec:
        choices = list(spec["choices"])
        if kind is bool:
            # Keras Tuner's Choice stores bools as 1/0; Boolean keeps them true/false.
            if len(set(choices)) == 2:
                return hp.Boolean(name, default=bool(default) if default is not None else False)
            return hp.Fixed(name, bool(choices[0]))
        return hp.Choice(name, choices, default=default if default is not None else choices[0])
    sampling = "log" if spec.get("log") else "linear"
    lo, hi, step = spec["min"], spec["max"], spec.get("step")
    if kind is int and float(lo).is_integer() and float(hi).is_integer():
        if lo == hi:
            return hp.Fixed(name, int(lo))
        return hp.Int(name, int(lo), int(hi), step=int(step) if step else None, sampling=sampling,
                      default=int(default) if default is not None else None)
    if lo == hi:
        return hp.Fixed(name, float(lo))
    return hp.Float(name, float(lo), float(hi), step=step, sampling=sampling,
                    default=float(default) if default is not None else None)


def searched_values(spec: Any) -> set:
    """Values a tunable may take where that is a finite set (fixed or choices); empty for ranges."""
    if is_fixed(spec):
        return {spec}
    if "choices" in spec:
        return set(spec["choices"])
    return set()


def resolve_backbone_weights(config: SearchConfig) -> tuple[str | None, str | None]:
    """(weights argument or file, notice for the user). Never downloads: the window and the command
    line ask the user and fetch before a search (app/core/weights_download.py).

    ImageNet weights found in Keras's cache are returned as their path: loading by path never makes
    Keras fetch anything (with ``weights="imagenet"`` it re-downloads a file whose hash differs)."""
    if config.architecture not in TRANSFER_ARCHITECTURES:
        return None, None
    choice = config.backbone_weights
    if choice == "none":
        return None, None
    if choice == "imagenet":
        cached = usable_weights_file(config.architecture, config.image_size)
        if cached is not None:
            return str(cached), None
        return None, missing_notice(weights_entry(config.architecture, config.image_size))
    return str(Path(choice).expanduser()), None


def _regularizer(l1: float, l2: float):
    import keras

    if l1 <= 0 and l2 <= 0:
        return None
    return keras.regularizers.L1L2(l1=float(l1), l2=float(l2))


def caffe_preprocess(x):
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
                mixed_precision: bool = False, weights: str | None = None, epochs: int | None = None,
                jit_compile: bool | str = "auto"):
    """Build and compile one trial's model; ``jit_compile``: XLA as measured (search/compile_choice.py) or "auto"."""
    import keras

    keras.mixed_precision.set_global_policy("mixed_float16" if mixed_precision else "float32")
    if config.architecture == "auto":
        # Not resolved by a search (e.g. the learning-rate finder before one): today's from-scratch
        # default, as app/core/transfer_plan.py resolves it without pretrained weights.
        config = config.replace(architecture="resnet")

    arch = config.architecture
    transfer = arch in TRANSFER_ARCHITECTURES
    # Hyperparameters a choice makes irrelevant are not registered, so no trial is spent on a model
    # identical to another: a transfer backbone has no width/depth/batch norm/initializer of ours,
    # and only the MLP and the simple CNN have a dense head.
    width = None if transfer else hp_value(hp, "width", config.width, int)
    depth = None if transfer else hp_value(hp, "depth", config.depth, int)
    batch_norm = False if transfer else hp_value(hp, "batch_norm", config.batch_norm, bool)
    initializer = "he_normal" if transfer else hp_value(hp, "initializer", config.initializer, str)
    dense_units = hp_value(hp, "dense_units", config.dense_units, int) if arch in ("mlp", "simple_cnn", "vgg") else None
    dropout = hp_value(hp, "dropout", config.dropout, float)
    l1 = hp_value(hp, "l1", config.l1, float)
    l2 = hp_value(hp, "l2", config.l2, float)
    # Augmentation is searched here but applied by the input pipeline (app/core/data/augment.py,
    # on another core while the model trains): the model, and so the export, has no random layers.
    hp_value(hp, "augmentation", config.augmentation.enabled, bool)
    hp_value(hp, "batch_size", config.batch_size, int)  # used by the fit step
    reg = _regularizer(l1, l2)
    conv_kwargs = dict(kernel_initializer=initializer, kernel_regularizer=reg, use_bias=not batch_norm)
    bn_momentum = batch_norm_momentum(steps_per_epoch)

    size = config.image_size
    inputs = keras.Input((size, size, 3), dtype="uint8", name="image")
    x = keras.layers.Rescaling(1.0, name="to_float")(inputs)

    def norm_act(y):
        if batch_norm:
            y = keras.layers.BatchNormalization(momentum=bn_momentum)(y)
        return keras.layers.Activation("relu")(y)

    def dense_block(y, units: int):
        return keras.layers.Dropout(dropout)(norm_act(keras.layers.Dense(units, **conv_kwargs)(y)))

    if transfer:
        x = _transfer_backbone(config, x, weights)
        x = keras.layers.GlobalAveragePooling2D()(x)
        x = keras.layers.Dropout(dropout)(x)
    else:
        x = _scratch_body(keras.layers.Rescaling(1.0 / 255, name="scale")(x), arch, width, depth, size, dense_units,
                          dropout, norm_act, dense_block, conv_kwargs, batch_norm, bn_momentum)

    logits = keras.layers.Dense(num_classes, kernel_initializer="glorot_uniform", name="logits")(x)
    outputs = keras.layers.Activation("softmax", dtype="float32", name="probabilities")(logits)
    model = keras.Model(inputs, outputs, name=f"tunestudio_{arch}")

    optimizer = make_optimizer(config, hp, steps_per_epoch, epochs or trial_epochs(config.epochs, steps_per_epoch))
    smoothing = hp_value(hp, "label_smoothing", config.label_smoothing, float)
    from app.core.model.metrics import ConfusionMatrix

    model.compile(
        optimizer=optimizer,
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=float(smoothing)),
        metrics=["accuracy", ConfusionMatrix(num_classes)],
        jit_compile=jit_compile,
    )
    return model


def _scratch_body(x, arch: str, width: int, depth: int, size: int, dense_units: int | None, dropout: float,
                  norm_act, dense_block, conv_kwargs: dict, batch_norm: bool, bn_momentum: float):
    """The layers of a model trained from scratch, from scaled pixels to the features before the logits."""
    import keras

    if arch == "mlp":
        x = keras.layers.Flatten()(x)
        for _ in range(depth):
            x = dense_block(x, width)
    elif arch == "simple_cnn":
        x = _conv_stages(x, width, depth, size, 1, norm_act, conv_kwargs)
        x = keras.layers.Flatten()(x)
        x = keras.layers.Dropout(dropout)(x)
        x = dense_block(x, dense_units)
    elif arch == "vgg":
        x = _conv_stages(x, width, depth, size, 2, norm_act, conv_kwargs)
        x = keras.layers.GlobalAveragePooling2D()(x)
        x = dense_block(x, dense_units)
    elif arch == "resnet":
        x = _resnet_body(x, width, depth, size, norm_act, conv_kwargs, batch_norm, bn_momentum)
        x = keras.layers.GlobalAveragePooling2D()(x)
        x = keras.layers.Dropout(dropout)(x)
    else:
        raise ValueError(f"unknown architecture {arch!r}")
    return x


def _conv_stages(x, width: int, depth: int, size: int, convs_per_stage: int, norm_act, conv_kwargs: dict):
    """``depth`` stages of ``convs_per_stage`` 3x3 convolutions (width doubling per stage, at most
    1024), each stage ending in a 2x2 max-pool while the feature map is still 2 px or larger:
    the plain CNN has one convolution a stage, VGG two."""
    import keras

    spatial = size
    for i in range(depth):
        filters = min(width * 2 ** i, 1024)
        for _ in range(convs_per_stage):
            x = keras.layers.Conv2D(filters, 3, padding="same", **conv_kwargs)(x)
            x = norm_act(x)
        if spatial >= 2:
            x = keras.layers.MaxPooling2D()(x)
            spatial //= 2
    return x


def _resnet_body(x, width: int, stages: int, size: int, norm_act, conv_kwargs: dict, batch_norm: bool,
                 bn_momentum: float):
    """The small residual CNN of BENCHMARKS.md: a 3x3 stem (stride 2 above SMALL_IMAGE_PX), then
    ``stages`` stages of one residual block each (two 3x3 convs, batch norm, ReLU), widths doubling from
    ``width`` with stride 2 from the second stage on; 1x1 conv shortcuts where the shape changes."""
    import keras

    stem_stride = 2 if size > SMALL_IMAGE_PX else 1
    x = keras.layers.Conv2D(width, 3, strides=stem_stride, padding="same", **conv_kwargs)(x)
    x = norm_act(x)
    spatial = size // stem_stride
    filters = width
    for stage in range(stages):
        downsample = stage > 0 and spatial >= 2
        if stage > 0:
            filters = min(filters * 2, 1024)
        stride = 2 if downsample else 1
        if downsample:
            spatial //= 2
        shortcut = x
        y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same", **conv_kwargs)(x)
        y = norm_act(y)
        y = keras.layers.Conv2D(filters, 3, padding="same", **conv_kwargs)(y)
        if batch_norm:
            y = keras.layers.BatchNormalization(momentum=bn_momentum)(y)
        if stride != 1 or shortcut.shape[-1] != filters:
            shortcut = keras.layers.Conv2D(filters, 1, strides=stride, **conv_kwargs)(shortcut)
            if batch_norm:
                shortcut = keras.layers.BatchNormalization(momentum=bn_momentum)(shortcut)
        x = keras.layers.Activation("relu")(keras.layers.Add()([y, shortcut]))
    return x


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
    elif arch == "resnet50_v2":
        # ResNetV2 takes -1..1 inputs, like MobileNetV2 (keras.applications.resnet_v2.preprocess_input).
        x = keras.layers.Rescaling(1.0 / 127.5, offset=-1.0, name="scale")(x)
        backbone = keras.applications.ResNet50V2(include_top=False, weights=keras_weights,
                                                 input_shape=(size, size, 3))
    elif arch == "resnet50":
        x = caffe_preprocess(x)
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


def make_optimizer(config: SearchConfig, hp, steps_per_epoch: int, epochs: int | None = None):
    """The trial's optimizer. Its learning rate follows a :func:`trial_schedule` laid out over the
    epochs the trial is planned to get; ``optimizer_schedule(opt)`` returns it so the runner can
    shorten it when the budget cuts the trial."""
    import keras

    name = hp_value(hp, "optimizer", config.optimizer, str)
    lr = float(hp_value(hp, "learning_rate", config.learning_rate, float))
    schedule = hp_value(hp, "schedule", config.schedule, str)
    warmup = float(hp_value(hp, "warmup_fraction", config.warmup_fraction, float))
    # Momentum matters only to SGD and RMSprop, weight decay only to AdamW: registered only where
    # the optimizer can be one of those (conditionally when the optimizer itself is searched).
    optimizers = searched_values(config.optimizer)
    momentum = weight_decay = 0.0
    if optimizers & {"sgd", "rmsprop"}:
        with _conditional(hp, "optimizer", config.optimizer, ["sgd", "rmsprop"]):
            momentum = float(hp_value(hp, "momentum", config.momentum, float) or 0.0)  # None when inactive
    if "adamw" in optimizers:
        with _conditional(hp, "optimizer", config.optimizer, ["adamw"]):
            weight_decay = float(hp_value(hp, "weight_decay", config.weight_decay, float) or 0.0)
    total_steps = max(1, steps_per_epoch * (epochs or trial_epochs(config.epochs, steps_per_epoch)))
    learning_rate = trial_schedule(lr, schedule, total_steps, int(round(warmup * total_steps)))
    clip = {}
    if config.clip_mode != "none":
        value = float(hp_value(hp, "clip_value", config.clip_value, float))
        clip = {"clipnorm": value} if config.clip_mode == "norm" else {"clipvalue": value}
    if config.weight_averaging:  # an average over about two epochs' steps (SwapEMAWeights shows it)
        clip.update(use_ema=True, ema_momentum=ema_momentum(steps_per_epoch, total_steps))
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate, momentum=momentum, nesterov=bool(config.nesterov), **clip)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate, momentum=momentum, **clip)
    if name == "adamw":
        return keras.optimizers.AdamW(learning_rate, weight_decay=weight_decay, **clip)
    return keras.optimizers.Adam(learning_rate, **clip)


def ema_momentum(steps_per_epoch: int, total_steps: int) -> float:
    """The moving average's momentum: a horizon of about two epochs' steps, but at most a tenth of the
    trial's steps (Keras's average starts at the first weights: a long horizon on a short trial would
    keep the untrained ones); 0, the plain weights, for trials of a few dozen steps."""
    horizon = min(2 * steps_per_epoch, total_steps / 10)
    return max(0.0, 1.0 - 1.0 / max(1.0, horizon))


def with_weight_averaging(model, callbacks: list) -> list:
    """A fit's callbacks with Keras's ``SwapEMAWeights`` first when the model's optimizer averages its
    weights: validation and every later callback (best-epoch keepers, checkpoints, the tuner's hooks)
    then see the average, and the fit ends with it in the model."""
    import keras

    if not getattr(model.optimizer, "use_ema", False):
        return list(callbacks)
    return [keras.callbacks.SwapEMAWeights(swap_on_epoch=True), *callbacks]


class _NoScope:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _conditional(hp, parent: str, parent_spec: Any, values: list):
    """A Keras Tuner conditional scope when the parent is searched; nothing when it is fixed."""
    if is_fixed(parent_spec):
        return _NoScope()
    return hp.conditional_scope(parent, [v for v in values if v in parent_spec.get("choices", [])])


_SCHEDULE_CLASS = None


def trial_schedule(base_lr: float, kind: str, total_steps: int, warmup_steps: int):
    """A learning-rate schedule (linear warm-up, then constant/cosine/linear/exponential decay over
    ``total_steps``) whose length is a variable: ``set_total_steps`` lays the rest of the decay over
    fewer steps when a trial is cut, so a cut trial still ends at a low learning rate."""
    global _SCHEDULE_CLASS
    if _SCHEDULE_CLASS is None:
        _SCHEDULE_CLASS = _make_schedule_class()
    return _SCHEDULE_CLASS(base_lr, kind, total_steps, warmup_steps)


def optimizer_schedule(optimizer):
    """The :func:`trial_schedule` of an optimizer built by :func:`make_optimizer`, or None."""
    schedule = getattr(optimizer, "_learning_rate", None)
    return schedule if hasattr(schedule, "set_total_steps") else None


# Early stopping counts its patience only past this share of a decaying schedule: the best epochs
# come at the schedule's low end, and a trial stopped on its way down loses points (quality-facts.md:
# a schedule cut early lost 8 points on flowers; BENCHMARKS.md, session 5: patience 6 counted from
# half of a 15-epoch cosine stopped a trial two epochs before its end at validation 0.584).
EARLY_STOP_FROM = 0.75
_EARLY_STOPPING_CLASS = None


def early_stopping(**kwargs):
    """A Keras ``EarlyStopping`` (same arguments) that, with a decaying :func:`trial_schedule`, keeps
    track of the best epoch from the start but lets patience run out only in the last quarter of the
    schedule. With a constant rate (or no schedule) it is Keras' own behaviour."""
    global _EARLY_STOPPING_CLASS
    if _EARLY_STOPPING_CLASS is None:
        _EARLY_STOPPING_CLASS = _make_early_stopping_class()
    return _EARLY_STOPPING_CLASS(**kwargs)


def _make_early_stopping_class():
    import keras
    from keras import ops

    class ScheduleAwareEarlyStopping(keras.callbacks.EarlyStopping):
        def _early_in_schedule(self) -> bool:
            schedule = optimizer_schedule(self.model.optimizer)
            if schedule is None or schedule.kind == "constant":
                return False
            done = float(ops.convert_to_numpy(self.model.optimizer.iterations))
            return done < EARLY_STOP_FROM * float(ops.convert_to_numpy(schedule.total_steps))

        def on_epoch_end(self, epoch, logs=None):
            early = self._early_in_schedule()
            if early:
                # Keras adds 1 to ``wait`` and stops at ``patience``: start below reach, then reset.
                self.wait = -self.patience - 1
            super().on_epoch_end(epoch, logs)
            if early:
                self.wait = 0

    return ScheduleAwareEarlyStopping


def _make_schedule_class():
    import math as _math

    import keras
    from keras import ops

    class TrialSchedule(keras.optimizers.schedules.LearningRateSchedule):
        FINAL = {"cosine": 0.0, "linear": 0.01, "exponential": 0.01, "constant": 1.0}

        def __init__(self, base_lr, kind, total_steps, warmup_steps):
            self.base_lr = float(base_lr)
            self.kind = kind
            # Variables, read at every step: changing them needs no retracing of the train step.
            self.total_steps = keras.Variable(float(max(1, total_steps)), trainable=False, dtype="float32",
                                              name="schedule_total_steps")
            self.warmup_steps = keras.Variable(float(max(0, warmup_steps)), trainable=False, dtype="float32",
                                               name="schedule_warmup_steps")

        def set_total_steps(self, total_steps: int) -> None:
            total = float(max(1, total_steps))
            self.total_steps.assign(total)
            self.warmup_steps.assign(min(float(self.warmup_steps.numpy()), total / 2))

        def __call__(self, step):
            step = ops.cast(step, "float32")
            total = ops.maximum(self.total_steps, 1.0)
            warm = self.warmup_steps
            final = self.FINAL.get(self.kind, 1.0)
            progress = ops.clip((step - warm) / ops.maximum(total - warm, 1.0), 0.0, 1.0)
            if self.kind == "cosine":
                factor = final + (1.0 - final) * 0.5 * (1.0 + ops.cos(_math.pi * progress))
            elif self.kind == "linear":
                factor = 1.0 - (1.0 - final) * progress
            elif self.kind == "exponential":
                factor = ops.power(final, progress)
            else:
                factor = ops.ones_like(progress)
            warm_factor = ops.minimum(1.0, (step + 1.0) / ops.maximum(warm, 1.0))
            factor = ops.where(step < warm, warm_factor, factor)
            return self.base_lr * factor

        def get_config(self):
            return {"base_lr": self.base_lr, "kind": self.kind,
                    "total_steps": int(self.total_steps.numpy()), "warmup_steps": int(self.warmup_steps.numpy())}

    return TrialSchedule
