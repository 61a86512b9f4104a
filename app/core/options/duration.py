"""Durations as people type them: ``10m``, ``90s``, ``2h``, ``1h30m``, ``none``."""
from __future__ import annotations

import math
import re
from typing import Any


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
