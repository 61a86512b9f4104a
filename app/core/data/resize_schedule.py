"""Progressive resizing: a trial trains on smaller images early and on the target size at the end.

Why: within a time budget, accuracy follows the epochs a trial gets (issue 24). An epoch at two
thirds of the side costs about half the convolutions, so a trial whose first epochs run small gets
more epochs from the same minutes; its last epochs run at the target size, so batch norm's
statistics and the filters settle on the size the model is validated, exported and served at
(the train/test resolution discrepancy of "FixRes", Touvron et al. 2019; the progressive learning
of EfficientNetV2, Tan & Le 2021). The model itself keeps its input size: its convolutions and
global pooling take any size, and only the training batches are resized (app/core/data/pipeline.py).

One rule, here: :func:`size_at` says the side of epoch ``e`` of ``total``; :func:`epoch_cost`
its relative price, which the budget planner uses to lay out the epochs that fit
(app/core/search/planning/budget.py); the pipeline reads the sizes from a table this module writes.

Plain Python except :meth:`ResizeSchedule.table` (TensorFlow imported on use).
"""
from __future__ import annotations

import math

# (share of the planned epochs from which it applies, share of the target side). The last phase is
# always the target size; it is long enough (30 %) for batch norm and the learning rate's tail.
PHASES = ((0.0, 2 / 3), (0.4, 5 / 6), (0.7, 1.0))
# Sizes are rounded to this many pixels (strided convolutions halve them several times) ...
SIZE_STEP = 8
# ... and progressive resizing applies only to images at least this large (CIFAR's 32 px keeps its size:
# 24 px would leave the residual net 3x3 maps).
MIN_TARGET_PX = 64
# The share of an epoch's time that does not scale with the pixels (validation at full size, the
# per-step overhead of Keras and tf.data). An estimate: the planner re-plans with each epoch's measured
# time anyway (BENCHMARKS.md, session 9, compares it with measured epochs).
FIXED_SHARE = 0.15
# The table holds this many epochs (a trial's epochs are capped far below by the options).
MAX_EPOCHS = 4096


def applies(target: int) -> bool:
    return target >= MIN_TARGET_PX


def size_at(epoch: int, total: int, target: int) -> int:
    """The image side of epoch ``epoch`` (0-based) of a trial planned for ``total`` epochs."""
    if not applies(target) or total <= 1:
        return target
    progress = epoch / max(1, total)
    share = [s for start, s in PHASES if progress >= start - 1e-9][-1]
    if epoch >= total - 1:
        share = 1.0  # the last planned epoch is always at the target size
    return max(SIZE_STEP, min(target, int(round(target * share / SIZE_STEP)) * SIZE_STEP))


def epoch_cost(epoch: int, total: int, target: int) -> float:
    """Epoch ``epoch``'s time relative to an epoch at the target size."""
    side = size_at(epoch, total, target)
    return FIXED_SHARE + (1.0 - FIXED_SHARE) * (side / target) ** 2


class ResizeSchedule:
    """One trial's sizes: ``plan(total)`` when its planned epochs change; the pipeline reads ``table()``."""

    def __init__(self, target: int):
        self.target = int(target)
        self.total = 1
        self._table = None

    def sizes(self, total: int) -> list[int]:
        return [size_at(e, total, self.target) for e in range(max(1, total))]

    def table(self):
        """A tf.Variable of every epoch's side (int32), read by the training pipeline per batch."""
        if self._table is None:
            import tensorflow as tf

            self._table = tf.Variable(self._values(self.total), trainable=False, dtype=tf.int32,
                                      name="progressive_sizes")
        return self._table

    def plan(self, total: int) -> None:
        """Lay the phases over ``total`` epochs (a trial shortened by the budget gets its full-size
        tail earlier)."""
        self.total = max(1, int(total))
        if self._table is not None:
            self._table.assign(self._values(self.total))

    def _values(self, total: int) -> list[int]:
        sizes = self.sizes(min(total, MAX_EPOCHS))
        return sizes + [self.target] * (MAX_EPOCHS - len(sizes))


def mean_cost(total: int, target: int) -> float:
    """The average epoch's time relative to a target-size epoch, over ``total`` epochs."""
    total = max(1, int(total))
    return math.fsum(epoch_cost(e, total, target) for e in range(total)) / total


def for_config(config) -> bool:
    """Whether a search with this config resizes progressively: the option on, a target of 64 px or
    more, and a tuner that lets the budget plan each trial's epochs (Hyperband sets them itself)."""
    size = config.image_size
    return bool(config.progressive_resizing) and isinstance(size, int) and applies(size) \
        and config.tuner != "hyperband"
