"""The search configuration: a plain, JSON-serialisable description of one search.

It is what the window's controls produce and what ``tunestudio search --config FILE`` reads.
Each tunable is either a fixed value or a space to search:

* a plain value (``0.3``, ``"adam"``, ``true``): fixed;
* ``{"choices": [...]}``: one of the listed values;
* ``{"min": a, "max": b}`` with optional ``"step"`` and ``"log": true``: a range
  (integers stay integers when both ends are integers).

``validate()`` returns every problem with the field it belongs to, so a caller can mark the
field; ``check()`` raises the first as :class:`ConfigError`.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

ARCHITECTURES = {
    "mlp": "MLP (flatten + dense stack)",
    "simple_cnn": "Simple CNN (conv-pool blocks)",
    "vgg": "VGG-style blocks",
    "resnet": "ResNet-style residual blocks",
    "mobilenet_v2": "Transfer: MobileNetV2",
    "efficientnet_b0": "Transfer: EfficientNetB0",
    "resnet50": "Transfer: ResNet50",
}
TRANSFER_ARCHITECTURES = ("mobilenet_v2", "efficientnet_b0", "resnet50")
TUNERS = {
    "random": "Random search",
    "grid": "Grid search",
    "hyperband": "Hyperband",
    "bayesian": "Bayesian optimization",
}
OPTIMIZERS = ("adam", "sgd", "rmsprop", "adamw")
SCHEDULES = ("constant", "exponential", "cosine", "linear")
INITIALIZERS = ("he_normal", "glorot_uniform")
OBJECTIVES = ("val_accuracy", "val_loss")
# "mirrored": each trial trains with tf.distribute.MirroredStrategy over every visible GPU.
MULTI_GPU_MODES = ("off", "mirrored")
CLIP_MODES = ("none", "norm", "value")
CACHE_MODES = ("auto", "memory", "disk", "none")
WEIGHTS = ("imagenet", "none")

MIN_IMAGE_SIZE = 8
MAX_IMAGE_SIZE = 1024
# Transfer backbones downsample 32x; smaller inputs collapse to nothing.
MIN_TRANSFER_IMAGE_SIZE = 32


class ConfigError(ValueError):
    """A configuration value that cannot be used; ``field`` names where it is."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


# --------------------------------------------------------------------------- tunables


def is_fixed(spec: Any) -> bool:
    return not isinstance(spec, dict)


def tunable_values(spec: Any) -> list:
    """Every value a tunable can take where that is a finite list (fixed or choices)."""
    if is_fixed(spec):
        return [spec]
    if "choices" in spec:
        return list(spec["choices"])
    return [spec.get("min"), spec.get("max")]


def _check_tunable(name: str, spec: Any, kind: type, lo: float | None = None,
                   hi: float | None = None, allowed: tuple | None = None,
                   positive: bool = False) -> list[ConfigError]:
    errors: list[ConfigError] = []

    def check_value(v: Any) -> None:
        if kind is bool:
            if not isinstance(v, bool):
                errors.append(ConfigError(name, f"{v!r} is not true/false"))
            return
        if kind is str:
            if not isinstance(v, str) or (allowed and v not in allowed):
                errors.append(ConfigError(name, f"{v!r} is not one of {', '.join(allowed or ())}"))
            return
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            errors.append(ConfigError(name, f"{v!r} is not a number"))
            return
        if kind is int and not float(v).is_integer():
            errors.append(ConfigError(name, f"{v!r} is not a whole number"))
            return
        if positive and v <= 0:
            errors.append(ConfigError(name, f"must be greater than 0 (got {v})"))
        elif lo is not None and v < lo:
            errors.append(ConfigError(name, f"must be at least {lo} (got {v})"))
        elif hi is not None and v > hi:
            errors.append(ConfigError(name, f"must be at most {hi} (got {v})"))

    if is_fixed(spec):
        check_value(spec)
        return errors
    unknown = set(spec) - {"choices", "min", "max", "step", "log", "default"}
    if unknown:
        errors.append(ConfigError(name, f"unknown keys {sorted(unknown)}"))
    if "choices" in spec:
        choices = spec["choices"]
        if not isinstance(choices, list) or not choices:
            errors.append(ConfigError(name, "choices must be a non-empty list"))
            return errors
        if len({json.dumps(c) for c in choices}) != len(choices):
            errors.append(ConfigError(name, "choices contain duplicates"))
        for c in choices:
            check_value(c)
        if "default" in spec and not any(json.dumps(spec["default"]) == json.dumps(c) for c in choices):
            errors.append(ConfigError(name, f"default {spec['default']!r} is not one of the choices"))
        return errors
    if kind in (bool, str):
        errors.append(ConfigError(name, "give a value or {'choices': [...]}, not a range"))
        return errors
    if "min" not in spec or "max" not in spec:
        errors.append(ConfigError(name, "a range needs both 'min' and 'max'"))
        return errors
    check_value(spec["min"])
    check_value(spec["max"])
    if errors:
        return errors
    if spec["min"] > spec["max"]:
        errors.append(ConfigError(name, f"min ({spec['min']}) is greater than max ({spec['max']})"))
    if spec.get("log") and spec["min"] <= 0:
        errors.append(ConfigError(name, "a log range must start above 0"))
    step = spec.get("step")
    if step is not None and (isinstance(step, bool) or not isinstance(step, (int, float)) or step <= 0):
        errors.append(ConfigError(name, f"step must be greater than 0 (got {step!r})"))
    if "default" in spec:
        d = spec["default"]
        if isinstance(d, bool) or not isinstance(d, (int, float)) or not spec["min"] <= d <= spec["max"]:
            errors.append(ConfigError(name, f"default {d!r} is outside {spec['min']}..{spec['max']}"))
    return errors


def tunable_default(spec: Any) -> Any:
    """The value of the first (known-good) trial: the fixed value, the spec's default, or its first choice."""
    if is_fixed(spec):
        return spec
    if "default" in spec:
        return spec["default"]
    if "choices" in spec:
        return spec["choices"][0]
    return spec.get("min")


def with_default(spec: Any, value: Any) -> Any:
    """``spec`` with its first-trial value set to ``value`` (a fixed spec is returned unchanged)."""
    if is_fixed(spec):
        return spec
    return {**spec, "default": value}


def parse_duration(text: Any) -> float:
    """Seconds from ``"10m"``, ``"90s"``, ``"2h"``, ``"1h30m"``, ``"600"`` or a number; 0 for ``none``/``no limit``.

    Raises ValueError with a message for the user.
    """
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a duration")
    if isinstance(text, (int, float)):
        if not math.isfinite(text) or text < 0:
            raise ValueError(f"{text!r} is not a duration")
        return float(text)
    s = str(text).strip().lower().replace(" ", "")
    if s in ("", "0", "none", "nolimit", "no-limit", "off", "unlimited"):
        return 0.0
    parts = re.findall(r"(\d+(?:\.\d+)?)([hms]?)", s)
    if not parts or "".join(n + u for n, u in parts) != s:
        raise ValueError(f"'{text}' is not a duration: write 10m, 90s, 2h, 1h30m or none")
    scale = {"h": 3600.0, "m": 60.0, "s": 1.0, "": 1.0}
    return sum(float(n) * scale[u] for n, u in parts)


def format_duration(seconds: float | None) -> str:
    """``600`` -> ``"10m"``, ``5400`` -> ``"1h30m"``, ``45`` -> ``"45s"``; 0/None -> ``"no limit"``."""
    if not seconds:
        return "no limit"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return "".join(f"{v}{u}" for v, u in ((h, "h"), (m, "m"), (s, "s")) if v) or "0s"


# --------------------------------------------------------------------------- the config


@dataclass
class Augmentation:
    """Augmentation layers; each strength 0 disables that layer. ``enabled`` may be tuned.

    Rotation and zoom are applied only to images above ``SMALL_IMAGE_PX`` (on 32 px images they
    blur away more than they teach; the residual recipe in BENCHMARKS.md uses flip + translation there).
    """

    enabled: Any = field(default_factory=lambda: {"choices": [True, False], "default": True})
    flip: str = "horizontal"  # "none", "horizontal", "vertical", "horizontal_and_vertical"
    rotation: float = 0.08  # fraction of a full turn
    zoom: float = 0.15
    translation: float = 0.1
    contrast: float = 0.0


# Images up to this size count as "small native images" (CIFAR-like): not upscaled, no stride in
# the stem, no rotation/zoom augmentation.
SMALL_IMAGE_PX = 48


@dataclass
class SearchConfig:
    """Everything one search needs. Field names are what error messages and the window use.

    The defaults are a budgeted search around a known-good first trial (the small residual CNN of
    BENCHMARKS.md: batch norm, global average pooling, augmentation, AdamW with a warmed-up cosine
    schedule, label smoothing). Each tunable's ``default`` is that first trial's value; the search
    explores around it. Chosen with bench/search_quality.py.
    """

    data_dir: str = ""
    name: str = ""
    # model
    architecture: str = "resnet"
    # "auto": follows the data (small native images keep their size; photos get 96-128 px as the
    # budget allows, see app/core/budget.py), or a fixed size in pixels.
    image_size: Any = "auto"
    # Width of the first stage (later stages double it) and number of stages / blocks / layers.
    # The first trial's width is picked from the choices by measured epoch time (app/core/budget.py).
    width: Any = field(default_factory=lambda: {"choices": [16, 32]})
    depth: Any = 4
    dense_units: Any = 128
    backbone_weights: str = "imagenet"  # "imagenet", "none", or a path to a weights file
    fine_tune: bool = False
    # regularization
    dropout: Any = field(default_factory=lambda: {"min": 0.0, "max": 0.4, "step": 0.1, "default": 0.2})
    l1: Any = 0.0
    l2: Any = 0.0
    batch_norm: Any = True
    augmentation: Augmentation = field(default_factory=Augmentation)
    initializer: Any = "he_normal"
    label_smoothing: Any = 0.1
    class_weights: Any = "auto"  # True, False, or "auto": on when the scan finds heavy imbalance
    # optimizer
    optimizer: Any = "adamw"
    learning_rate: Any = field(default_factory=lambda: {"min": 1e-3, "max": 6e-3, "log": True,
                                                        "default": 3e-3})
    weight_decay: Any = 5e-4  # AdamW only
    momentum: Any = 0.9  # SGD and RMSprop only
    nesterov: bool = True
    schedule: Any = "cosine"
    # Share of a trial's steps spent warming the learning rate up linearly (with any schedule).
    warmup_fraction: Any = 0.067
    clip_mode: str = "none"
    clip_value: Any = 1.0
    batch_size: Any = 64
    # training
    # The most epochs a trial may get; with a time budget, each trial gets the epochs that fit and
    # its schedule is laid out over those.
    epochs: int = 30
    early_stopping: bool = True
    patience: int = 6
    restore_best_weights: bool = True
    mixed_precision: bool = False  # honoured only where a GPU trains
    tensorboard: bool = True  # TensorBoard logs (scalars + HParams) per trial
    # Deterministic TensorFlow ops: the same seed gives the same weights on the CPU (slower on GPUs).
    deterministic: bool = False
    multi_gpu: str = "off"  # "off" | "mirrored" (see app/core/multi_gpu.py)
    # search
    tuner: str = "random"
    max_trials: int = 20
    # Wall-clock seconds for the whole search (scan and decoding included); 0 = no limit. The search
    # ends at whichever comes first: the budget, max_trials or the plateau.
    time_budget: float = 600.0
    # End the search after this many finished trials in a row without a better score (0 = never).
    plateau_trials: int = 6
    objective: str = "val_accuracy"
    seed: int = 42
    hyperband_factor: int = 3
    # data
    val_fraction: float = 0.2
    test_fraction: float = 0.0
    cache: str = "auto"
    max_retries_per_trial: int = 0
    keep_best_checkpoints: int = 5  # weights of the best k trials are kept; 0 keeps all
    max_consecutive_failed_trials: int = 3

    # ---------------------------------------------------------------- (de)serialisation

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict) -> "SearchConfig":
        """Build from a dict; unknown keys are an error naming the key."""
        if not isinstance(data, dict):
            raise ConfigError("config", "must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(unknown[0], "unknown option")
        values = dict(data)
        aug = values.get("augmentation")
        if isinstance(aug, dict):
            aug_known = {f.name for f in fields(Augmentation)}
            bad = sorted(set(aug) - aug_known)
            if bad:
                raise ConfigError(f"augmentation.{bad[0]}", "unknown option")
            values["augmentation"] = Augmentation(**aug)
        elif aug is not None and not isinstance(aug, Augmentation):
            raise ConfigError("augmentation", "must be an object")
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> "SearchConfig":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError("config", f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
        return cls.from_dict(data)

    @classmethod
    def load(cls, path: str | Path) -> "SearchConfig":
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError("config", f"cannot read {path}: {exc.strerror or exc}") from None
        return cls.from_json(text)

    def replace(self, **changes: Any) -> "SearchConfig":
        data = self.to_dict()
        data.update(changes)
        return SearchConfig.from_dict(data)

    # ---------------------------------------------------------------- validation

    def validate(self, memory_bytes: int | None = None) -> list[ConfigError]:
        """Every problem in this config, each naming its field. Empty when usable."""
        e: list[ConfigError] = []
        if self.data_dir and not Path(self.data_dir).expanduser().is_dir():
            e.append(ConfigError("data_dir", f"folder not found: {self.data_dir}"))
        if self.architecture not in ARCHITECTURES:
            e.append(ConfigError("architecture", f"unknown architecture {self.architecture!r}; "
                                 f"choose one of {', '.join(ARCHITECTURES)}"))
        if self.tuner not in TUNERS:
            e.append(ConfigError("tuner", f"unknown tuner {self.tuner!r}; choose one of {', '.join(TUNERS)}"))
        if self.objective not in OBJECTIVES:
            e.append(ConfigError("objective", f"must be one of {', '.join(OBJECTIVES)}"))
        if self.image_size != "auto":
            e += _scalar_int("image_size", self.image_size, MIN_IMAGE_SIZE, MAX_IMAGE_SIZE)
        if (self.architecture in TRANSFER_ARCHITECTURES and isinstance(self.image_size, int)
                and self.image_size < MIN_TRANSFER_IMAGE_SIZE):
            e.append(ConfigError("image_size", f"transfer backbones need at least {MIN_TRANSFER_IMAGE_SIZE} px"))
        e += _scalar_int("epochs", self.epochs, 1, 10000)
        e += _scalar_int("max_trials", self.max_trials, 1, 100000)
        e += _scalar_int("patience", self.patience, 0, 10000)
        e += _scalar_int("seed", self.seed, 0, 2**31 - 1)
        e += _scalar_int("hyperband_factor", self.hyperband_factor, 2, 100)
        e += _scalar_int("max_retries_per_trial", self.max_retries_per_trial, 0, 10)
        e += _scalar_int("keep_best_checkpoints", self.keep_best_checkpoints, 0, 100000)
        e += _scalar_int("max_consecutive_failed_trials", self.max_consecutive_failed_trials, 1, 1000)
        e += _scalar_int("plateau_trials", self.plateau_trials, 0, 100000)
        tb = self.time_budget
        if isinstance(tb, bool) or not isinstance(tb, (int, float)) or not math.isfinite(tb) or tb < 0:
            e.append(ConfigError("time_budget", f"must be a number of seconds, 0 for no limit (got {tb!r})"))
        elif 0 < tb < 5:
            e.append(ConfigError("time_budget", "must be at least 5 seconds (or 0 for no limit)"))
        if self.class_weights not in (True, False, "auto"):
            e.append(ConfigError("class_weights", "must be true, false or auto"))
        e += _check_tunable("warmup_fraction", self.warmup_fraction, float, lo=0.0, hi=0.5)
        e += _check_tunable("weight_decay", self.weight_decay, float, lo=0.0, hi=1.0)
        if self.tuner == "hyperband" and isinstance(self.epochs, int) and self.epochs < 2:
            e.append(ConfigError("epochs", "Hyperband needs at least 2 epochs"))
        e += _check_tunable("width", self.width, int, positive=True, hi=4096)
        e += _check_tunable("depth", self.depth, int, lo=1, hi=50)
        e += _check_tunable("dense_units", self.dense_units, int, positive=True, hi=65536)
        e += _check_tunable("dropout", self.dropout, float, lo=0.0, hi=0.95)
        e += _check_tunable("l1", self.l1, float, lo=0.0, hi=1.0)
        e += _check_tunable("l2", self.l2, float, lo=0.0, hi=1.0)
        e += _check_tunable("batch_norm", self.batch_norm, bool)
        e += _check_tunable("initializer", self.initializer, str, allowed=INITIALIZERS)
        e += _check_tunable("label_smoothing", self.label_smoothing, float, lo=0.0, hi=0.5)
        e += _check_tunable("optimizer", self.optimizer, str, allowed=OPTIMIZERS)
        e += _check_tunable("learning_rate", self.learning_rate, float, positive=True, hi=10.0)
        e += _check_tunable("momentum", self.momentum, float, lo=0.0, hi=0.999)
        e += _check_tunable("schedule", self.schedule, str, allowed=SCHEDULES)
        e += _check_tunable("batch_size", self.batch_size, int, positive=True, hi=65536)
        if self.clip_mode not in CLIP_MODES:
            e.append(ConfigError("clip_mode", f"must be one of {', '.join(CLIP_MODES)}"))
        elif self.clip_mode != "none":
            e += _check_tunable("clip_value", self.clip_value, float, positive=True)
        if not isinstance(self.nesterov, bool):
            e.append(ConfigError("nesterov", "must be true or false"))
        for flag in ("early_stopping", "restore_best_weights", "mixed_precision", "fine_tune", "tensorboard",
                     "deterministic"):
            if not isinstance(getattr(self, flag), bool):
                e.append(ConfigError(flag, "must be true or false"))
        if self.multi_gpu not in MULTI_GPU_MODES:
            e.append(ConfigError("multi_gpu", f"must be one of {', '.join(MULTI_GPU_MODES)}"))
        if self.cache not in CACHE_MODES:
            e.append(ConfigError("cache", f"must be one of {', '.join(CACHE_MODES)}"))
        if not isinstance(self.backbone_weights, str) or not self.backbone_weights:
            e.append(ConfigError("backbone_weights", "give 'imagenet', 'none' or a weights file"))
        elif (self.architecture in TRANSFER_ARCHITECTURES and self.backbone_weights not in WEIGHTS
              and not Path(self.backbone_weights).expanduser().is_file()):
            e.append(ConfigError("backbone_weights", f"weights file not found: {self.backbone_weights}"))
        for name in ("val_fraction", "test_fraction"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (0 <= v < 1):
                e.append(ConfigError(name, f"must be a fraction from 0 to below 1 (got {v!r})"))
        if (isinstance(self.val_fraction, (int, float)) and isinstance(self.test_fraction, (int, float))
                and 0 <= self.val_fraction < 1 and 0 <= self.test_fraction < 1):
            if self.val_fraction <= 0:
                e.append(ConfigError("val_fraction", "a validation split is needed to score trials"))
            elif self.val_fraction + self.test_fraction > 0.8:
                e.append(ConfigError("val_fraction", "validation and test together leave too little to train on"))
        aug = self.augmentation
        e += [ConfigError("augmentation." + x.field, x.message)
              for x in _check_tunable("enabled", aug.enabled, bool)]
        if aug.flip not in ("none", "horizontal", "vertical", "horizontal_and_vertical"):
            e.append(ConfigError("augmentation.flip", "must be none, horizontal, vertical or horizontal_and_vertical"))
        for name in ("rotation", "zoom", "translation", "contrast"):
            v = getattr(aug, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (0 <= v <= 1):
                e.append(ConfigError(f"augmentation.{name}", f"must be from 0 to 1 (got {v!r})"))
        if self.name and not isinstance(self.name, str):
            e.append(ConfigError("name", "must be text"))
        if not e:
            e += self._memory_errors(memory_bytes)
        return e

    def _memory_errors(self, memory_bytes: int | None) -> list[ConfigError]:
        """Refuse image and batch sizes whose single batch cannot fit in memory.

        The estimate is deliberately generous (activations of a wide first layer for forward and
        backward passes), so a refusal means the search could not possibly run here.
        """
        if memory_bytes is None:
            memory_bytes = available_memory_bytes()
        if not memory_bytes:
            return []
        biggest_batch = max(int(v) for v in tunable_values(self.batch_size))
        biggest_width = max(int(v) for v in tunable_values(self.width))
        size = self.image_size if isinstance(self.image_size, int) else 128  # "auto": at most 128 px
        pixels = size * size
        input_bytes = biggest_batch * pixels * 3 * 4
        activation_bytes = biggest_batch * pixels * max(biggest_width, 32) * 4 * 3
        if self.architecture == "mlp":
            units = max(int(v) for v in tunable_values(self.dense_units))
            activation_bytes += pixels * 3 * units * 4 * 4  # first dense weights + optimizer slots
        need = input_bytes + activation_bytes
        if need > memory_bytes * 0.8:
            gib = need / 2**30
            field_name = "batch_size" if biggest_batch > 1 else "image_size"
            return [ConfigError(field_name, f"a batch of {biggest_batch} images of {self.image_size} px "
                                f"needs about {gib:.1f} GiB, more than this machine has "
                                f"({memory_bytes / 2**30:.1f} GiB); lower the batch size or image size")]
        return []

    def check(self, memory_bytes: int | None = None) -> "SearchConfig":
        """Raise the first problem as :class:`ConfigError`; return self when usable."""
        errors = self.validate(memory_bytes)
        if errors:
            raise errors[0]
        return self


def _scalar_int(name: str, value: Any, lo: int, hi: int) -> list[ConfigError]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [ConfigError(name, f"{value!r} is not a whole number")]
    if not lo <= value <= hi:
        return [ConfigError(name, f"must be from {lo} to {hi} (got {value})")]
    return []


def available_memory_bytes() -> int | None:
    """Physical memory of this machine, or None where it cannot be read."""
    try:
        import os

        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def quick_config(data_dir: str, **changes: Any) -> SearchConfig:
    """A small, fast search (for first runs, tests and the sample data)."""
    base = SearchConfig(data_dir=str(data_dir))
    return base.replace(**changes)
