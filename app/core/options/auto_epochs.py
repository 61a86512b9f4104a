"""Epochs "auto" (the default of the *Epochs* option): how many epochs a trial gets when the user
has not typed a number. Plain Python; the search decides it once per folder
(``app/core/search/planning/batch_fit.py``), and a model built before that decision uses the same rule.

A trial from scratch learns per optimizer step, not per epoch. Measured on the bundled sample (61
training photos at batch 8: 8 steps an epoch), one default trial on three different splits scored
0.42 / 0.72 / 0.69 validation accuracy after 20 epochs (160 steps) and 0.53 / 0.78 / 0.77 after 60
(480 steps); 90-120 epochs added little (BENCHMARKS.md, session 10). So "auto" gives a trial at
least ``TRIAL_STEPS`` steps, and ``AUTO_EPOCHS`` for every folder of a few hundred images or more.
"""
from __future__ import annotations

import math
from typing import Any

AUTO = "auto"
# A trial's epochs give it at least this many steps ...
TRIAL_STEPS = 480
# ... and never fewer than this many epochs (a big folder's default: flowers, 37 steps an epoch,
# converges in 14-26; the budget planner lays out fewer when the budget is short) ...
AUTO_EPOCHS = 30
# ... nor more than this many.
MAX_AUTO_EPOCHS = 200


def epochs_for_steps(steps_per_epoch: int, least: int) -> int:
    """At least ``least`` epochs, more when ``steps_per_epoch`` is small: ``TRIAL_STEPS`` steps in all."""
    return min(MAX_AUTO_EPOCHS, max(least, math.ceil(TRIAL_STEPS / max(1, steps_per_epoch))))


def trial_epochs(epochs: Any, steps_per_epoch: int) -> int:
    """The epochs option's value as a number: the user's, or "auto"'s for ``steps_per_epoch``."""
    return epochs_for_steps(steps_per_epoch, AUTO_EPOCHS) if epochs == AUTO else int(epochs)
