"""The numbers the curves draw, as numpy arrays: a trial's per-epoch metrics and the live batch line.

The trial's values come from :class:`~app.core.search.search_state.TrialState` (its ``history``, one
value per epoch, ``None`` for a missing one); this module turns them into the ``x``/``y`` arrays
pyqtgraph's ``setData`` takes. Epochs are drawn 1-based: epoch 0 ends at x = 1.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QCoreApplication

from app.core.search.search_state import TrialState

_EMPTY = (np.empty(0), np.empty(0))


class GrowingSeries:
    """x/y samples in preallocated numpy buffers that double when full.

    pyqtgraph's own scrolling-plot idiom: appending is O(1) amortised and ``data()`` hands
    ``setData`` views, so no list is converted on each redraw.
    """

    def __init__(self, capacity: int = 256) -> None:
        self._x = np.empty(capacity)
        self._y = np.empty(capacity)
        self._n = 0
        self.generation = 0  # changes on clear(), so a redraw can tell old data from new

    def append(self, x: float, y: float) -> None:
        if self._n == len(self._x):
            self._x = np.concatenate([self._x, np.empty(len(self._x))])
            self._y = np.concatenate([self._y, np.empty(len(self._y))])
        self._x[self._n] = x
        self._y[self._n] = y
        self._n += 1

    def clear(self) -> None:
        # Fresh buffers: a curve may still hold a view of the old ones until its next setData.
        self._x = np.empty(256)
        self._y = np.empty(256)
        self._n = 0
        self.generation += 1

    def last_x(self) -> float | None:
        return float(self._x[self._n - 1]) if self._n else None

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x[:self._n], self._y[:self._n]

    def __len__(self) -> int:
        return self._n


def epoch_count(trial: TrialState) -> int:
    """Epochs the trial has values for (the longest of its metrics)."""
    return max((len(v) for v in trial.history.values() if isinstance(v, list)), default=0)


def trial_series(trial: TrialState, metric: str, finite_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """One metric of a trial per epoch; a missing value is NaN (a gap), or left out with ``finite_only``."""
    values = trial.history.get(metric)
    if not values:
        return _EMPTY
    n = epoch_count(trial)
    # dtype=float turns None into NaN; a metric logged on fewer epochs is padded to the others.
    y = np.full(n, np.nan)
    y[:len(values)] = np.array(values, dtype=float)
    x = np.arange(1.0, n + 1.0)
    if finite_only:
        keep = np.isfinite(y)
        return x[keep], y[keep]
    return x, y


def trial_label(trial: TrialState) -> str:
    # The runner numbers trials from 1; 0 or None means it could not (odd trial ids).
    return QCoreApplication.translate("CurvesPanel", "trial {n}").format(n=trial.number or trial.trial_id)


def number(value) -> float:
    """A float, NaN for anything missing or not finite."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        return math.nan
    return result if math.isfinite(result) else math.nan


def whole(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
