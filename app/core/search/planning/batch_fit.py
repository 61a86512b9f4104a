"""The batch size and the epochs follow the folder: a small folder gets batches small enough for several
steps an epoch, and (epochs "auto", the default) enough epochs for a trial to take the steps it learns in.

Why: batch norm's running statistics (used by validation and by the exported model) and the
learning-rate schedule advance once per step. The bundled sample (61 training photos) at the
default batch of 64 got one step an epoch, and its validation sat at chance for 8 of 14 epochs
(issue 24). Below ``MIN_STEPS_PER_EPOCH`` steps each batch size is lowered to the largest power
of two that gives that many, but not below ``MIN_BATCH`` (batch norm needs a few images a batch).

Epochs "auto" (``app/core/options/auto_epochs.py``) is decided here once per folder, from the
steps an epoch of the fitted batch has; the budget planner counts a trial of ``TRIAL_STEPS`` steps,
not of 20 epochs, as a long one. A number typed by the user is kept.
Plain Python, no TensorFlow.
"""
from __future__ import annotations

import math

from app.core.options.auto_epochs import AUTO, trial_epochs
from app.core.options.config import SearchConfig
from app.core.options.validation import is_fixed, tunable_values

MIN_STEPS_PER_EPOCH = 8
MIN_BATCH = 8


def batch_for_folder(batch: int, train_count: int) -> int:
    """``batch``, or a smaller power of two (at least ``MIN_BATCH``) giving ``MIN_STEPS_PER_EPOCH`` steps."""
    if train_count <= 0 or math.ceil(train_count / batch) >= MIN_STEPS_PER_EPOCH:
        return batch
    fitted = 2 ** int(math.floor(math.log2(max(1.0, train_count / MIN_STEPS_PER_EPOCH))))
    return max(min(batch, MIN_BATCH), min(batch, max(MIN_BATCH, fitted)))


def fit_batch_to_folder(config: SearchConfig, train_count: int) -> tuple[SearchConfig, str | None]:
    """The config with every batch size fitted to ``train_count`` training images, and a notice
    for the user when one changed (None when none did)."""
    spec = config.batch_size
    if is_fixed(spec):
        fitted = batch_for_folder(int(spec), train_count)
        if fitted == int(spec):
            return config, None
        new_spec, said = fitted, f"{spec} to {fitted}"  # "lowered from 64 to 8"
    else:
        choices = [int(v) for v in spec["choices"]]
        fitted_choices = sorted({batch_for_folder(v, train_count) for v in choices})
        if fitted_choices == sorted(choices):
            return config, None
        new_spec = {"choices": fitted_choices} if len(fitted_choices) > 1 else fitted_choices[0]
        if isinstance(new_spec, dict) and "default" in spec:
            new_spec["default"] = batch_for_folder(int(spec["default"]), train_count)
        said = f"{', '.join(map(str, choices))} to {', '.join(map(str, fitted_choices))}"
    steps = math.ceil(train_count / (new_spec if isinstance(new_spec, int) else max(new_spec["choices"])))
    notice = (f"{train_count} training images: batch size lowered from {said}, so an epoch has {steps} or "
              "more steps (batch norm and the learning-rate schedule learn per step; one step an epoch leaves "
              "validation at chance).")
    return config.replace(batch_size=new_spec), notice


def steps_per_epoch_at_most(config: SearchConfig, train_count: int) -> int:
    """The fewest steps an epoch any of the config's batch sizes gives (the largest batch, fitted to
    the folder as :func:`fit_batch_to_folder` fits it, so the order of the two does not matter)."""
    batch = max(batch_for_folder(int(b), train_count) for b in tunable_values(config.batch_size))
    return max(1, math.ceil(max(0, train_count) / max(1, batch)))


def resolve_epochs(config: SearchConfig, train_count: int) -> SearchConfig:
    """The config with epochs "auto" made a number for a folder of ``train_count`` training images
    (after :func:`fit_batch_to_folder`); a number the user gave is kept."""
    if config.epochs != AUTO:
        return config
    return config.replace(epochs=trial_epochs(AUTO, steps_per_epoch_at_most(config, train_count)))
