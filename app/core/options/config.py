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
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from app.core.options.duration import format_duration, parse_duration
from app.core.options.option_table import (
    ARCHITECTURES, CACHE_MODES, CLIP_MODES, INITIALIZERS, MAX_IMAGE_SIZE, MIN_IMAGE_SIZE, MULTI_GPU_MODES,
    OBJECTIVES, OPTIMIZERS, SCHEDULES, TRANSFER_ARCHITECTURES, TUNERS, WEIGHTS, default_of,
)
from app.core.options.validation import (
    MIN_TRANSFER_IMAGE_SIZE, ConfigError, cross_field_errors, field_errors, is_fixed, tunable_values,
)

# Re-exported: callers import these from here.
__all__ = [
    "ARCHITECTURES", "CACHE_MODES", "CLIP_MODES", "INITIALIZERS", "MAX_IMAGE_SIZE", "MIN_IMAGE_SIZE",
    "MIN_TRANSFER_IMAGE_SIZE", "MULTI_GPU_MODES", "OBJECTIVES", "OPTIMIZERS", "SCHEDULES", "SMALL_IMAGE_PX",
    "TRANSFER_ARCHITECTURES", "TUNERS", "WEIGHTS", "Augmentation", "ConfigError", "SearchConfig",
    "available_memory_bytes", "format_duration", "is_fixed", "parse_duration", "quick_config",
    "tunable_default", "tunable_values", "with_default",
]


def _default(name: str) -> Any:
    """The field's default from the option table (a fresh copy for each config)."""
    return field(default_factory=lambda: default_of(name))


# --------------------------------------------------------------------------- tunables


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


# --------------------------------------------------------------------------- the config


@dataclass
class Augmentation:
    """Augmentation layers; each strength 0 disables that layer. ``enabled`` may be tuned.

    Rotation and zoom are applied only to images above ``SMALL_IMAGE_PX`` (on 32 px images they
    blur away more than they teach; the residual recipe in BENCHMARKS.md uses flip + translation there).
    """

    # Defaults, allowed values and help: app/core/options/option_table.py ("augmentation.<field>").
    enabled: Any = _default("augmentation.enabled")
    flip: str = _default("augmentation.flip")
    rotation: float = _default("augmentation.rotation")  # fraction of a full turn
    zoom: float = _default("augmentation.zoom")
    translation: float = _default("augmentation.translation")
    contrast: float = _default("augmentation.contrast")


MAX_CONFIG_BYTES = 4 * 2**20  # a config file is a few KiB: a bigger one is refused unread
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

    # Defaults, allowed values, help, window page and command-line flag of every field:
    # app/core/options/option_table.py.
    data_dir: str = _default("data_dir")
    name: str = _default("name")
    # model
    architecture: str = _default("architecture")
    # "auto": follows the data (small native images keep their size; photos get 96-128 px as the
    # budget allows, see app/core/search/planning/budget.py), or a fixed size in pixels.
    image_size: Any = _default("image_size")
    # Width of the first stage (later stages double it) and number of stages / blocks / layers.
    # The first trial's width is picked from the choices by measured epoch time (app/core/search/planning/budget.py).
    width: Any = _default("width")
    depth: Any = _default("depth")
    dense_units: Any = _default("dense_units")
    backbone_weights: str = _default("backbone_weights")
    fine_tune: bool = _default("fine_tune")
    # regularization
    dropout: Any = _default("dropout")
    l1: Any = _default("l1")
    l2: Any = _default("l2")
    batch_norm: Any = _default("batch_norm")
    augmentation: Augmentation = field(default_factory=Augmentation)
    initializer: Any = _default("initializer")
    label_smoothing: Any = _default("label_smoothing")
    progressive_resizing: bool = _default("progressive_resizing")
    weight_averaging: bool = _default("weight_averaging")
    class_weights: Any = _default("class_weights")
    # optimizer
    optimizer: Any = _default("optimizer")
    learning_rate: Any = _default("learning_rate")
    weight_decay: Any = _default("weight_decay")
    momentum: Any = _default("momentum")
    nesterov: bool = _default("nesterov")
    schedule: Any = _default("schedule")
    # Share of a trial's steps spent warming the learning rate up linearly (with any schedule).
    warmup_fraction: Any = _default("warmup_fraction")
    clip_mode: str = _default("clip_mode")
    clip_value: Any = _default("clip_value")
    batch_size: Any = _default("batch_size")
    # training
    # The most epochs a trial may get; with a time budget, each trial gets the epochs that fit and
    # its schedule is laid out over those.
    epochs: int = _default("epochs")
    early_stopping: bool = _default("early_stopping")
    patience: int = _default("patience")
    restore_best_weights: bool = _default("restore_best_weights")
    mixed_precision: bool = _default("mixed_precision")
    tensorboard: bool = _default("tensorboard")
    # Deterministic TensorFlow ops: the same seed gives the same weights on the CPU (slower on GPUs).
    deterministic: bool = _default("deterministic")
    multi_gpu: str = _default("multi_gpu")
    # search
    tuner: str = _default("tuner")
    max_trials: int = _default("max_trials")
    # Wall-clock seconds for the whole search (scan and decoding included); 0 = no limit. The search
    # ends at whichever comes first: the budget, max_trials or the plateau.
    time_budget: float = _default("time_budget")
    # End the search after this many finished trials in a row without a better score (0 = never).
    plateau_trials: int = _default("plateau_trials")
    objective: str = _default("objective")
    seed: int = _default("seed")
    hyperband_factor: int = _default("hyperband_factor")
    # data
    val_fraction: float = _default("val_fraction")
    test_fraction: float = _default("test_fraction")
    cache: str = _default("cache")
    max_retries_per_trial: int = _default("max_retries_per_trial")
    keep_best_checkpoints: int = _default("keep_best_checkpoints")
    max_consecutive_failed_trials: int = _default("max_consecutive_failed_trials")


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
        except RecursionError:
            raise ConfigError("config", "nested too deeply to be a TuneStudio config") from None
        if not isinstance(data, dict):
            raise ConfigError("config", "must be a JSON object")
        return cls.from_dict(data)

    @classmethod
    def load(cls, path: str | Path) -> "SearchConfig":
        try:
            size = Path(path).stat().st_size
            if size > MAX_CONFIG_BYTES:  # checked before reading: a config is a few KiB
                raise ConfigError("config", f"{path} is {size} bytes; a config is never above {MAX_CONFIG_BYTES}")
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ConfigError("config", f"{path} is not UTF-8 text") from None
        except OSError as exc:
            raise ConfigError("config", f"cannot read {path}: {exc.strerror or exc}") from None
        return cls.from_json(text)

    def replace(self, **changes: Any) -> "SearchConfig":
        data = self.to_dict()
        data.update(changes)
        return SearchConfig.from_dict(data)

    # ---------------------------------------------------------------- validation

    def validate(self, memory_bytes: int | None = None) -> list[ConfigError]:
        """Every problem in this config, each naming its field. Empty when usable.

        Each field is checked by its row of the option table, then the rules across fields; the
        memory estimate only once everything else is usable.
        """
        data = self.to_dict()
        e = field_errors(data) + cross_field_errors(data)
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
