"""Refining the best trial when the budget holds only a few trials.

Random search pays off over many trials; with room for only two or three (ten minutes of photos on a
2-core machine), a trial drawn from the whole space is mostly a loss (measured on flowers: the second
trial, with augmentation off, dropout 0.4 and a learning rate of 5.8e-3, scored 0.49 against the
first trial's 0.67). So when the budget says few trials fit, the next trials keep the best trial's
choices (architecture, width, augmentation, optimizer, ...) and move its numeric ranges a little:
learning rate within a factor of 1.6 on a log scale, dropout and other linear ranges by a step or
15 % of their range. Each such trial has a good chance to be as good as the best, and a differently
trained model of equal quality is what an ensemble of the best trials gains from
(``app/core/search/final_model.py``).

Works on Keras Tuner's hyperparameter objects (no TensorFlow calls); ``runner`` installs it.
"""
from __future__ import annotations

import math
import random

# The whole budget holds at most this many trials: refine instead of sampling the whole space.
LOCAL_SEARCH_MAX_TRIALS = 4
LOG_FACTOR = 1.6
LINEAR_SHARE = 0.15
ATTEMPTS = 20


def _nudge(hp, value, rng: random.Random):
    """A value of the numeric hyperparameter ``hp`` near ``value``, inside its range."""
    lo, hi = float(hp.min_value), float(hp.max_value)
    step = getattr(hp, "step", None)
    if getattr(hp, "sampling", "linear") == "log" and lo > 0:
        new = float(value) * math.exp(rng.uniform(-math.log(LOG_FACTOR), math.log(LOG_FACTOR)))
    elif step:
        new = float(value) + rng.choice((-1, 1)) * float(step)
    else:
        new = float(value) + rng.uniform(-LINEAR_SHARE, LINEAR_SHARE) * (hi - lo)
    new = min(hi, max(lo, new))
    if step and getattr(hp, "sampling", "linear") != "log":
        new = lo + round((new - lo) / float(step)) * float(step)
        new = min(hi, max(lo, new))
    if type(hp).__name__ == "Int":
        return int(round(new))
    return float(new)


def _numeric(hp) -> bool:
    return type(hp).__name__ in ("Float", "Int") and float(hp.max_value) > float(hp.min_value)


def local_values(oracle, rng: random.Random) -> dict | None:
    """Hyperparameter values near the oracle's best completed trial (not tried before), or None
    when there is no best trial yet or no numeric range to move."""
    from keras_tuner.src.engine import hyperparameters as hp_module

    best = [t for t in oracle.get_best_trials(1) if str(t.status) == "COMPLETED"]
    if not best:
        return None
    base = best[0].hyperparameters.values
    numeric = [hp for hp in oracle.hyperparameters.space if _numeric(hp)]
    if not numeric:
        return None
    for _ in range(ATTEMPTS):
        hps = hp_module.HyperParameters()
        for hp in oracle.hyperparameters.space:
            hps.merge([hp])
            if not hps.is_active(hp):
                continue
            value = base.get(hp.name, hp.default)
            hps.values[hp.name] = _nudge(hp, value, rng) if _numeric(hp) and value is not None else value
        if hps.values != base and not oracle._duplicate(hps.values):
            return hps.values
    return None


def install(oracle, seed: int) -> None:
    """Let ``oracle.studio_local_search = True`` switch its sampling to :func:`local_values`."""
    rng = random.Random(seed)
    sample = oracle._random_values
    oracle.studio_local_search = False

    def values():
        if oracle.studio_local_search and oracle.trials:
            local = local_values(oracle, rng)
            if local is not None:
                return local
        return sample()

    oracle._random_values = values
