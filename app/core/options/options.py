"""One grammar for tunable values (window and command line), and reading any option's typed text.

A tunable option is written the same way everywhere:

* ``64`` - fixed;
* ``32,64`` - choices to try;
* ``16:128`` - a range; ``1e-4:1e-2:log`` on a log scale; ``0:0.5:0.1`` in steps of 0.1.

:func:`parse_tunable` reads that text into the spec :mod:`app.core.options.config` stores (a value,
``{"choices": [...]}`` or ``{"min", "max", "step"/"log"}``) and :func:`format_tunable` writes a
spec back, keeping its step, scale and default, so a value survives the round trip.
:data:`TUNABLE_OPTIONS` lists the tunables of the option table (app/core/options/option_table.py);
:func:`parse_option_text` reads any option's typed text (a flag's value, a window field).
"""
from __future__ import annotations

from typing import Any

from app.core.options.duration import parse_duration
from app.core.util.formatting import format_number
from app.core.options.option_table import OPTION, OPTIONS, Option
from app.core.options.validation import ConfigError

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


class TunableError(ValueError):
    """Text that is not a tunable value; the message says what was expected."""


# The tunables of the one option table (app/core/options/option_table.py), and every option by field name.
TUNABLE_OPTIONS: tuple[Option, ...] = tuple(option for option in OPTIONS if option.tunable)
OPTIONS_BY_NAME = OPTION


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


def parse_option_text(option: Option, text: str) -> Any:
    """The config value for ``text`` typed for ``option`` (a command-line flag's value).

    Raises :class:`~app.core.options.validation.ConfigError` naming the field, with what was expected.
    """
    try:
        if option.cli_words is not None:
            word = text.strip().lower()
            if word not in option.cli_words:
                raise TunableError(f"'{text}' is not one of {', '.join(option.cli_words)}")
            return option.cli_words[word]
        if option.tunable:
            return parse_tunable(text, option.kind, option.allow_range)
        if option.check == "time_budget":
            return parse_duration(text)
        if option.check == "auto_int":
            word = text.strip().lower()
            if word == "auto":
                return "auto"
            if not word.isdigit():
                raise TunableError(f"'{text}' is not a whole number or auto")
            return int(word)
        return parse_value(text, option.kind)
    except ValueError as exc:  # TunableError, or parse_duration's message
        raise ConfigError(option.name, str(exc)) from None
