"""Checking search options: each field by its row of the option table, then the rules across fields.

:func:`field_errors` checks every option of :data:`~app.core.options.option_table.OPTIONS` by what its
row says (type, range, allowed values, tunable or not, and the named extra rules of
:data:`RULES`); :func:`cross_field_errors` holds the few rules that need two fields. Each
problem is a :class:`ConfigError` naming the field, so the window can mark that field.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Callable, Mapping

from app.core.util.formatting import format_number
from app.core.options.option_table import OPTIONS, TRANSFER_ARCHITECTURES, WEIGHTS, Option, get_value, one_of

# Transfer backbones downsample 32x; smaller inputs collapse to nothing.
MIN_TRANSFER_IMAGE_SIZE = 32


class ConfigError(ValueError):
    """A configuration value that cannot be used; ``field`` names where it is."""

    def __init__(self, field_name: str, message: str):
        # A hostile or broken file must not turn its value into a message of megabytes.
        field_name, message = _short(str(field_name), 80), _short(message, MAX_MESSAGE)
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


MAX_MESSAGE = 300
MAX_CHOICES = 1000  # far more than any search tries; a longer list is a broken or hostile file


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_fixed(spec: Any) -> bool:
    return not isinstance(spec, dict)


def tunable_values(spec: Any) -> list:
    """Every value a tunable can take where that is a finite list (fixed or choices)."""
    if is_fixed(spec):
        return [spec]
    if "choices" in spec:
        return list(spec["choices"])
    return [spec.get("min"), spec.get("max")]


def check_tunable(name: str, spec: Any, kind: type, lo: float | None = None,
                  hi: float | None = None, allowed: tuple | None = None,
                  positive: bool = False) -> list[ConfigError]:
    """A tunable: a value, ``{"choices": [...]}`` or a range, each value of type ``kind`` within bounds."""
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
        if len(choices) > MAX_CHOICES:
            errors.append(ConfigError(name, f"{len(choices)} choices; at most {MAX_CHOICES}"))
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


def scalar_int(name: str, value: Any, lo: int, hi: int) -> list[ConfigError]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [ConfigError(name, f"{value!r} is not a whole number")]
    if not lo <= value <= hi:
        return [ConfigError(name, f"must be from {lo} to {hi} (got {value})")]
    return []


def _scalar_float(option: Option, value: Any) -> list[ConfigError]:
    lo = option.lo if option.lo is not None else -math.inf
    hi = option.hi if option.hi is not None else math.inf
    number = not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)
    if option.below_hi:
        if not number or not lo <= value < hi:
            return [ConfigError(option.name, f"must be a fraction from {format_number(lo)} to below "
                                             f"{format_number(hi)} (got {value!r})")]
    elif not number or not lo <= value <= hi:
        return [ConfigError(option.name, f"must be from {format_number(lo)} to {format_number(hi)} (got {value!r})")]
    return []


def _choice(option: Option, value: Any) -> list[ConfigError]:
    if one_of(value, option.choices):
        return []
    names = ", ".join(str(c) for c in option.choices)
    template = option.message or "must be one of {choices}"
    return [ConfigError(option.name, template.format(value=value, choices=names))]


# ---------------------------------------------------------------- rules beyond type and range, by name


def _data_dir(option: Option, value: Any) -> list[ConfigError]:
    if value and not Path(value).expanduser().is_dir():
        return [ConfigError(option.name, f"folder not found: {value}")]
    return []


def _auto_int(option: Option, value: Any) -> list[ConfigError]:
    """"auto" (decided by the search from the data and the budget) or a whole number in bounds."""
    return [] if value == "auto" else scalar_int(option.name, value, int(option.lo), int(option.hi))


def _time_budget(option: Option, tb: Any) -> list[ConfigError]:
    if isinstance(tb, bool) or not isinstance(tb, (int, float)) or not math.isfinite(tb) or tb < 0:
        return [ConfigError(option.name, f"must be a number of seconds, 0 for no limit (got {tb!r})")]
    if 0 < tb < 5:
        return [ConfigError(option.name, "must be at least 5 seconds (or 0 for no limit)")]
    return []


def _backbone_weights(option: Option, value: Any) -> list[ConfigError]:
    if not isinstance(value, str) or not value:
        return [ConfigError(option.name, "give 'imagenet', 'none' or a weights file")]
    return []  # whether a file is there matters for transfer backbones only: cross_field_errors


def _name(option: Option, value: Any) -> list[ConfigError]:
    return [ConfigError(option.name, "must be text")] if value and not isinstance(value, str) else []


RULES: dict[str, Callable[[Option, Any], list[ConfigError]]] = {
    "data_dir": _data_dir, "auto_int": _auto_int, "time_budget": _time_budget,
    "backbone_weights": _backbone_weights, "name": _name,
}


def check_option(option: Option, value: Any) -> list[ConfigError]:
    """The problems of one option's value, by its row of the table."""
    if option.check is not None:
        return RULES[option.check](option, value)
    if option.tunable:
        allowed = tuple(option.choices) if option.kind is str and option.choices else None
        return check_tunable(option.name, value, option.kind, lo=option.lo, hi=option.hi, allowed=allowed,
                             positive=option.positive)
    if option.choices is not None:
        return _choice(option, value)
    if option.kind is bool:
        return [] if isinstance(value, bool) else [ConfigError(option.name, "must be true or false")]
    if option.kind is int:
        return scalar_int(option.name, value, int(option.lo), int(option.hi))
    if option.kind is float:
        return _scalar_float(option, value)
    return [] if isinstance(value, str) else [ConfigError(option.name, "must be text")]


def field_errors(data: Mapping[str, Any]) -> list[ConfigError]:
    """Every option of the table checked on its own (``data`` as ``SearchConfig.to_dict()``)."""
    errors: list[ConfigError] = []
    for option in OPTIONS:
        if option.check_only_if_enabled and not option.is_enabled(lambda name: get_value(data, name)):
            continue
        errors += check_option(option, get_value(data, option.name))
    return errors


def cross_field_errors(data: Mapping[str, Any]) -> list[ConfigError]:
    """The rules that need two fields."""
    errors: list[ConfigError] = []
    transfer = data.get("architecture") in TRANSFER_ARCHITECTURES
    size = data.get("image_size")
    if transfer and isinstance(size, int) and size < MIN_TRANSFER_IMAGE_SIZE:
        errors.append(ConfigError("image_size", f"transfer backbones need at least {MIN_TRANSFER_IMAGE_SIZE} px"))
    epochs = data.get("epochs")
    if data.get("tuner") == "hyperband" and isinstance(epochs, int) and epochs < 2:
        errors.append(ConfigError("epochs", "Hyperband needs at least 2 epochs"))
    weights = data.get("backbone_weights")
    if (transfer and isinstance(weights, str) and weights and weights not in WEIGHTS
            and not Path(weights).expanduser().is_file()):
        errors.append(ConfigError("backbone_weights", f"weights file not found: {weights}"))
    val, test = data.get("val_fraction"), data.get("test_fraction")
    if (isinstance(val, (int, float)) and isinstance(test, (int, float)) and 0 <= val < 1 and 0 <= test < 1):
        if val <= 0:
            errors.append(ConfigError("val_fraction", "a validation split is needed to score trials"))
        elif val + test > 0.8:
            errors.append(ConfigError("val_fraction", "validation and test together leave too little to train on"))
    return errors

