"""How numbers, values and durations read on screen: one rule for every view and the CLI.

``format_number(1e-4)`` is ``"1e-4"`` in the trial table, Compare, Results, History and the
command line alike; scores always have four decimals.
"""
from __future__ import annotations

import json
import math
from typing import Any

UNDEFINED = "\u2013"  # en dash: a value that does not exist (not "0", not "nan")


def format_number(value: float | int) -> str:
    """A number as people write it: ``0.001`` → ``"0.001"``, ``1e-4`` → ``"1e-4"``, ``0.5`` → ``"0.5"``.

    Four significant digits; tiny (< 0.001) and huge (>= 100000) magnitudes in scientific
    notation without padding (``2.5e-5``, ``1e+6`` reads as ``1e6``).
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    if abs(value) < 1e-3 or abs(value) >= 1e5:
        mantissa, exponent = f"{value:.3e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    return f"{value:.4g}"


def format_value(value: Any) -> str:
    """A hyperparameter or option value: numbers as :func:`format_number`, booleans yes/no,
    None as a dash, lists and dicts as compact JSON."""
    if value is None:
        return UNDEFINED
    if isinstance(value, (bool, int, float)):
        return format_number(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def format_score(score: float | None) -> str:
    """An objective value (accuracy, loss): four decimals, a dash when there is none."""
    if score is None or not isinstance(score, (int, float)) or not math.isfinite(score):
        return UNDEFINED
    return f"{score:.4f}"


def format_duration(seconds: float | None) -> str:
    """A duration in words-like units: ``12.3 s``, ``4 m 05 s``, ``2 h 07 m``."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return UNDEFINED
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        minutes, secs = divmod(int(round(seconds)), 60)
        return f"{minutes} m {secs:02d} s"
    hours, rest = divmod(int(round(seconds)), 3600)
    return f"{hours} h {rest // 60:02d} m"


def format_clock(seconds: float | None) -> str:
    """A running time as a clock: ``4:10``, ``1:02:03`` (status line, budgets)."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return UNDEFINED
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
