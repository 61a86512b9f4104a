"""Before a search starts: what each candidate model costs (parameters, memory, epoch time).

Runs in the training process (it builds Keras models). The epoch time comes from measurements,
not guesses: the model's arithmetic counted from its layers, divided by this machine's measured
convolution speed (timing real training steps would trace a graph per candidate: 5-45 s each on
2 cores). The first real epoch then corrects the estimate (app/core/search/planning/budget.py).
The results choose ``image_size: "auto"`` and the first trial's width (app/core/search/planning/budget.py), and
candidates that cannot fit in memory are left out of the search space with a notice.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import numpy as np

from app.core.search.planning.budget import choose_image_size, choose_width_and_size, epochs_to_afford
from app.core.options.config import SMALL_IMAGE_PX, SearchConfig, available_memory_bytes, tunable_default, with_default
from app.core.options.validation import is_fixed, tunable_values

# Share of this machine's memory one trial's model may plan to use.
MEMORY_SHARE = 0.6


@dataclass
class Estimate:
    image_size: int
    width: int | None
    batch_size: int
    params: int
    activation_bytes: int  # forward + backward activations for one batch, and weights + optimizer slots
    step_seconds: float | None
    epoch_seconds: float | None
    fits: bool

    def to_dict(self) -> dict:
        return asdict(self)


def _candidate_config(config: SearchConfig, image_size: int, width: int | None, batch: int) -> SearchConfig:
    """The first trial's model at this size and width, every other tunable fixed at its default."""
    data = config.to_dict()
    for name, value in list(data.items()):
        if isinstance(value, dict) and ("choices" in value or "min" in value):
            data[name] = tunable_default(value)
    aug = dict(data["augmentation"])
    if not is_fixed(aug["enabled"]):
        aug["enabled"] = tunable_default(aug["enabled"])
    data["augmentation"] = aug
    data["image_size"] = image_size
    if width is not None:
        data["width"] = width
    data["batch_size"] = batch
    return SearchConfig.from_dict(data)


def activation_bytes(model, batch: int) -> int:
    """Memory one training step needs: every layer's output kept for the backward pass (x2 for
    the gradients), plus weights, gradients and two optimizer slots (x4), in float32."""
    total = 0
    for layer in model.layers:
        shapes = layer.output.shape if hasattr(layer, "output") else None
        if shapes is None:
            continue
        size = int(np.prod([d for d in shapes[1:] if d is not None]))
        total += size
    return int(total * batch * 4 * 2 + model.count_params() * 4 * 4)


def model_flops(model) -> int:
    """Multiply-adds x 2 of one forward pass of one image, counted from the layers' shapes
    (convolutions and dense layers: nearly all of a CNN's arithmetic)."""
    import keras

    total = 0

    def walk(layers):
        nonlocal total
        for layer in layers:
            if isinstance(layer, keras.Model):
                walk(layer.layers)
            elif isinstance(layer, (keras.layers.Conv2D, keras.layers.DepthwiseConv2D)):
                out = layer.output.shape
                kernel = layer.kernel.shape
                per_output = int(np.prod(kernel[:-1])) if not isinstance(layer, keras.layers.DepthwiseConv2D) \
                    else int(np.prod(kernel[:2]))
                total += 2 * int(np.prod([d for d in out[1:] if d is not None])) * per_output
            elif isinstance(layer, keras.layers.Dense):
                total += 2 * int(np.prod(layer.kernel.shape))

    walk(model.layers)
    return total


_THROUGHPUT: float | None = None


def conv_throughput() -> float:
    """This machine's measured convolution speed in FLOP/s (a 3x3 conv of a typical size, a few
    runs after one warm-up), measured once per process."""
    global _THROUGHPUT
    if _THROUGHPUT is None:
        import tensorflow as tf

        x = tf.random.normal((32, 48, 48, 32))
        k = tf.random.normal((3, 3, 32, 32))
        conv = tf.function(lambda x: tf.nn.conv2d(x, k, 1, "SAME"))
        conv(x).numpy()
        runs = 5
        started = time.perf_counter()
        for _ in range(runs):
            conv(x).numpy()
        seconds = (time.perf_counter() - started) / runs
        _THROUGHPUT = 2 * 32 * 48 * 48 * 9 * 32 * 32 / max(seconds, 1e-6)
    return _THROUGHPUT


# Training costs about three forward passes (forward, two backward products); Keras and tf.data
# add the rest (measured on this machine: a real epoch of the residual net took ~1.2x the
# arithmetic estimate). The first real epoch corrects the estimate for the trials after it.
TRAIN_COST = 3.0
OVERHEAD = 1.2


# A budget long enough to spend a few seconds timing real training steps of each candidate: the
# arithmetic estimate is off by up to 3x for narrow nets (small convolutions run far below the
# machine's peak: measured 27 s against 10 s estimated for width 16 at 96 px on flowers), and
# choosing the image size on it cost a 10-minute flowers search 0.2 of held-out accuracy.
MEASURE_MIN_BUDGET = 120.0
MEASURE_STEPS = 3


def measured_step_seconds(model, batch: int, num_classes: int, steps: int = MEASURE_STEPS) -> float:
    """Seconds of one real training step of ``model`` at ``batch`` (traced first, then timed):
    augmentation, the optimizer and the metrics included, as the trial will run it."""
    size = int(model.input_shape[1])
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (batch, size, size, 3), dtype=np.uint8)
    y = np.eye(num_classes, dtype="float32")[np.arange(batch) % num_classes]
    model.train_on_batch(x, y)  # traces the train step
    started = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(x, y)
    return (time.perf_counter() - started) / steps


def estimate_candidate(config: SearchConfig, num_classes: int, train_count: int, val_count: int,
                       image_size: int, width: int | None, batch: int, memory_bytes: int | None,
                       time_it: bool = True, measure: bool = False, measure_limit: float = math.inf) -> Estimate:
    """Parameters, memory per step and expected epoch time of the first trial's model at this
    size and width: real training steps timed (``measure``), or the arithmetic counted from the
    built model divided by this machine's measured convolution speed. The arithmetic is a lower
    bound in practice, so a candidate whose arithmetic epoch already exceeds ``measure_limit``
    seconds is not timed (it cannot be chosen)."""
    import keras
    import keras_tuner as kt

    from app.core.model.models import build_model
    from app.core.data.pipeline import steps_per_epoch

    candidate = _candidate_config(config, image_size, width, batch)
    steps = steps_per_epoch(train_count, batch)
    model = build_model(candidate, kt.HyperParameters(), num_classes, steps, epochs=1)
    need = activation_bytes(model, batch)
    fits = not memory_bytes or need <= memory_bytes * MEMORY_SHARE
    step_s = epoch_s = None
    if fits and time_it:
        flops = model_flops(model)
        speed = conv_throughput()
        step_s = TRAIN_COST * flops * batch / speed * OVERHEAD
        epoch_s = (TRAIN_COST * train_count + val_count) * flops / speed * OVERHEAD
        if measure and epoch_s <= measure_limit:
            step_s = measured_step_seconds(model, batch, num_classes)
            # Validation is a forward pass: about a third of a training step per image.
            epoch_s = step_s * (steps + val_count / batch / TRAIN_COST)
    params = int(model.count_params())
    del model
    keras.backend.clear_session()
    return Estimate(image_size=image_size, width=width, batch_size=batch, params=params,
                    activation_bytes=need, step_seconds=step_s, epoch_seconds=epoch_s, fits=fits)


def candidate_widths(config: SearchConfig) -> list[int | None]:
    """Widths to compare for the first trial (None for transfer backbones, which have no width)."""
    from app.core.options.option_table import TRANSFER_ARCHITECTURES

    if config.architecture in TRANSFER_ARCHITECTURES:
        return [None]
    if is_fixed(config.width) or "choices" in config.width:
        return sorted({int(v) for v in tunable_values(config.width)})
    return [int(tunable_default(config.width))]


def largest_batch(config: SearchConfig) -> int:
    return max(int(v) for v in tunable_values(config.batch_size))


# Sizes "auto" chooses from for photos, largest first (the timing is measured at REFERENCE_SIZE
# and scaled by pixel count for the others: conv nets cost in proportion to pixels).
PHOTO_SIZES = (128, 112, 96, 80, 64)
REFERENCE_SIZE = 96


def _reporting(items: list, progress=None):
    """``items``, calling ``progress(done, total)`` before each and after the last (the window's
    "measuring this machine: k of N")."""
    for done, item in enumerate(items):
        if progress is not None:
            progress(done, len(items))
        yield item
    if progress is not None:
        progress(len(items), len(items))


@dataclass
class SearchPlan:
    config: SearchConfig  # image_size resolved, width choices that fit, the first trial's width
    epoch_seconds: float | None  # the first trial's expected epoch time
    estimates: list[Estimate]
    notices: list[str]


def plan_search(config: SearchConfig, native_size: int, num_classes: int, train_count: int, val_count: int,
                budget_left: float, memory_bytes: int | None = None, measure: bool | None = None,
                progress=None) -> SearchPlan:
    """Resolve ``image_size: "auto"``, leave out widths that cannot fit, pick the first trial's width.

    One model is built per width; with a budget of ``MEASURE_MIN_BUDGET`` or more (or ``measure``)
    a few real training steps of each are timed (a few seconds each), otherwise the arithmetic
    is divided by the machine's convolution speed, measured once. ``progress(done, total)``: per candidate.
    """
    if measure is None:
        measure = math.isfinite(budget_left) and budget_left >= MEASURE_MIN_BUDGET
    memory_bytes = memory_bytes if memory_bytes is not None else available_memory_bytes()
    notices: list[str] = []
    estimates: list[Estimate] = []
    widths = candidate_widths(config)
    batch = largest_batch(config)
    auto_size = config.image_size == "auto"
    if auto_size and 0 < native_size <= SMALL_IMAGE_PX:
        size = max(8, int(native_size))  # small native images are not upscaled
        sizes = [size]
    elif auto_size:
        sizes = list(PHOTO_SIZES)
        size = REFERENCE_SIZE
    else:
        size = int(config.image_size)
        sizes = [size]

    # One model per width, built at the reference size: memory and arithmetic both scale with
    # the pixel count, so the other sizes need no model of their own.
    scale_to_max = (max(sizes) / size) ** 2
    by_width: dict = {}
    fitting = []
    # Timing a candidate pays only if it could be chosen: one converged trial must fit (budget.py).
    # The narrowest is always timed (it is what remains when nothing else fits).
    affordable = budget_left / epochs_to_afford(config.epochs) if math.isfinite(budget_left) else math.inf
    affordable /= (min(sizes) / size) ** 2  # at the smallest size "auto" may choose
    for width in _reporting(widths, progress):
        e = estimate_candidate(config, num_classes, train_count, val_count, size, width, batch, None,
                               measure=measure, measure_limit=math.inf if width == widths[0] else affordable)
        e.activation_bytes = int(e.activation_bytes * scale_to_max)
        e.fits = not memory_bytes or e.activation_bytes <= memory_bytes * MEMORY_SHARE
        estimates.append(e)
        by_width[width] = e
        if e.fits:
            fitting.append(width)
        else:
            notices.append(f"Width {width} at {max(sizes)} px and batch {batch} needs about "
                           f"{e.activation_bytes / 2**30:.1f} GiB per step, more than this machine can give "
                           "a trial: left out of the search.")
    if not fitting:
        from app.core.search.search_dir import SearchError

        raise SearchError(f"No candidate model fits in this machine's memory at {max(sizes)} px and batch "
                          f"{batch}: lower the image size, the batch size or the width.")
    data = config.to_dict()
    if widths != [None] and len(fitting) < len(widths):
        data["width"] = fitting[0] if len(fitting) == 1 else {"choices": fitting}
    # Epoch times at the first trial's batch size (the estimates above used the largest batch for
    # memory; arithmetic per image does not depend on the batch).
    timed = {w: by_width[w].epoch_seconds for w in fitting if by_width[w].epoch_seconds}
    first_width = fitting[-1]
    if isinstance(data["width"], dict) and "default" in data["width"]:
        first_width = data["width"]["default"]
    elif isinstance(data["width"], dict) and timed:
        # Width first, then the size that width can afford (app/core/search/planning/budget.py).
        first_width, _ = choose_width_and_size(timed, size, sizes, native_size, budget_left, config.epochs)
        data["width"] = with_default(data["width"], first_width)
    elif not isinstance(data["width"], dict) and widths != [None]:
        first_width = data["width"]
    if auto_size and len(sizes) > 1 and timed.get(first_width):
        per_size = {s: timed[first_width] * (s / size) ** 2 for s in sizes}
        chosen = choose_image_size(native_size, per_size, budget_left, config.epochs)
        timed = {w: t * (chosen / size) ** 2 for w, t in timed.items()}
        size = chosen
    elif auto_size and len(sizes) > 1:
        size = REFERENCE_SIZE
    epoch_s = timed.get(first_width)
    data["image_size"] = size
    return SearchPlan(config=SearchConfig.from_dict(data), epoch_seconds=epoch_s, estimates=estimates,
                      notices=notices)
