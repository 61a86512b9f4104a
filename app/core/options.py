"""Search options as one table, and one grammar for tunable values (window and command line).

A tunable option is written the same way everywhere:

* ``64`` - fixed;
* ``32,64`` - choices to try;
* ``16:128`` - a range; ``1e-4:1e-2:log`` on a log scale; ``0:0.5:0.1`` in steps of 0.1.

:func:`parse_tunable` reads that text into the spec :mod:`app.core.config` stores (a value,
``{"choices": [...]}`` or ``{"min", "max", "step"/"log"}``) and :func:`format_tunable` writes a
spec back, keeping its step, scale and default, so a value survives the round trip.
:data:`TUNABLE_OPTIONS` lists the tunables with their type, command-line flag, help and options
page; ``tunestudio search`` builds its flags from it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .formatting import format_number

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


class TunableError(ValueError):
    """Text that is not a tunable value; the message says what was expected."""


@dataclass(frozen=True)
class TunableOption:
    name: str  # SearchConfig field ("augmentation.enabled" for a nested one)
    kind: type  # int, float, bool or str
    flag: str  # command-line flag of tunestudio search
    help: str
    page: str  # the options page that shows it
    allow_range: bool = True


TUNABLE_OPTIONS: tuple[TunableOption, ...] = (
    TunableOption("batch_size", int, "--batch-size", "batch size: 32, or choices 16,32,64", "Training", False),
    TunableOption("width", int, "--width", "units/filters: 64, choices 32,64 or range 16:128", "Model"),
    TunableOption("depth", int, "--depth", "blocks/layers: 2, choices or range 1:4", "Model"),
    TunableOption("dropout", float, "--dropout", "dropout rate: 0.3 or range 0:0.5:0.1", "Regularization"),
    TunableOption("l1", float, "--l1", "L1 factor", "Regularization"),
    TunableOption("l2", float, "--l2", "L2 factor", "Regularization"),
    TunableOption("batch_norm", bool, "--batch-norm", "batch normalisation: true, false or true,false", "Model"),
    TunableOption("optimizer", str, "--optimizer", "adam, sgd, rmsprop, adamw (comma list to search)", "Training"),
    TunableOption("learning_rate", float, "--learning-rate", "1e-3, or a range 1e-4:1e-2:log", "Training"),
    TunableOption("schedule", str, "--schedule", "constant, exponential, cosine, linear (comma list to search)",
                  "Training"),
    TunableOption("warmup_fraction", float, "--warmup", "share of a trial's steps spent warming up: 0.067 or 0:0.2",
                  "Training"),
    TunableOption("weight_decay", float, "--weight-decay", "AdamW weight decay: 5e-4 or 1e-5:1e-2:log", "Training"),
    TunableOption("momentum", float, "--momentum", "momentum for SGD/RMSprop", "Training"),
    TunableOption("label_smoothing", float, "--label-smoothing", "label smoothing", "Training"),
    TunableOption("augmentation.enabled", bool, "--augment", "data augmentation: true, false or true,false",
                  "Augmentation"),
)
OPTIONS_BY_NAME = {option.name: option for option in TUNABLE_OPTIONS}


def parse_value(text: str, kind: type) -> Any:
    """One value of type ``kind`` (``yes``/``no`` and friends for bool)."""
    value = text.strip()
    if kind is bool:
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in FALSE_WORDS:
            return False
        raise TunableError(f"'{value}' is not true/false")
    if kind is str:
        if not value:
            raise TunableError("give a value")
        return value
    try:
        number = float(value)
    except ValueError:
        raise TunableError(f"'{value}' is not a number") from None
    if kind is int:
        if not number.is_integer():
            raise TunableError(f"'{value}' is not a whole number")
        return int(number)
    return number


def parse_tunable(text: str, kind: type, allow_range: bool = True) -> Any:
    """``"64"`` fixed, ``"32,64"`` choices, ``"16:128"`` range (``:log`` or ``:STEP`` after it)."""
    text = text.strip()
    if not text:
        raise TunableError("give a value, a list such as 32,64, or a range such as 16:128")
    if ":" in text and kind not in (str, bool):
        if not allow_range:
            raise TunableError("give one value or a comma-separated list here")
        parts = [p.strip() for p in text.split(":")]
        if len(parts) not in (2, 3):
            raise TunableError(f"'{text}': a range is MIN:MAX, MIN:MAX:log or MIN:MAX:STEP")
        spec: dict[str, Any] = {"min": parse_value(parts[0], kind), "max": parse_value(parts[1], kind)}
        if len(parts) == 3:
            if parts[2].lower() == "log":
                spec["log"] = True
            else:
                spec["step"] = parse_value(parts[2], kind)
        return spec
    values = [parse_value(v, kind) for v in text.replace(";", ",").split(",") if v.strip()]
    if not values:
        raise TunableError("give at least one value")
    return values[0] if len(values) == 1 else {"choices": values}


def format_tunable(spec: Any) -> str:
    """The text :func:`parse_tunable` reads back into ``spec`` (a ``default`` key stays in the spec,
    not in the text: see :func:`merge_extras`)."""
    if isinstance(spec, dict) and "choices" in spec:
        return ",".join(_text(v) for v in spec["choices"])
    if isinstance(spec, dict) and "min" in spec:
        text = f"{_text(spec['min'])}:{_text(spec['max'])}"
        if spec.get("log"):
            return text + ":log"
        if spec.get("step") is not None:
            return text + f":{_text(spec['step'])}"
        return text
    return _text(spec)


def merge_extras(parsed: Any, previous: Any) -> Any:
    """``parsed`` with what ``previous`` said that the text does not: the step or scale of a range
    whose ends were edited, and the default value (the first trial's) while it is still inside."""
    if not isinstance(parsed, dict) or not isinstance(previous, dict):
        return parsed
    if "min" in parsed and "min" in previous and not ({"step", "log"} & parsed.keys()):
        parsed.update({key: previous[key] for key in ("step", "log") if key in previous})
    default = previous.get("default")
    if default is not None and "default" not in parsed:
        inside = (default in parsed["choices"]) if "choices" in parsed else (
            isinstance(default, (int, float)) and parsed["min"] <= default <= parsed["max"])
        if inside:
            parsed["default"] = default
    return parsed


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        text = format_number(value)  # as every view shows numbers, unless that would round it
        return text if float(text) == value else repr(value)
    return str(value)
