"""Learning-rate range finder: a short run that raises the learning rate exponentially.

One model of the chosen architecture (the search space's default values) trains for ``steps``
batches while the learning rate grows from ``start_lr`` to ``end_lr`` geometrically. The loss of
each batch, smoothed, is plotted against the learning rate. Where it falls fastest, the model
learns; past its minimum, it diverges. The suggested range is one decade wide and ends at the
earlier of (the minimum, one decade above the steepest descent), so it lies where the loss falls.
The run stops early once the loss has clearly diverged (4x its best).
"""
from __future__ import annotations

import math

import numpy as np

from app.core.playbook.tasks import TaskContext, TaskError

SMOOTHING = 0.9
DIVERGED = 4.0
POINT_EVERY = 5  # steps between live progress events


def _training_images(data_dir: str, image_size: int, seed: int, limit: int):
    """Training-split images of a folder (at most ``limit``, class-stratified), decoded like a search."""
    from app.core.data.dataset_report import DatasetError
    from app.core.data.decoding import decodable_path
    from app.core.data.dataset import scan_dataset
    from app.core.data.splits import split_dataset
    from app.core.util.paths import cache_dir
    from app.core.search.predictions import decode_rows

    try:
        report = scan_dataset(data_dir)
        report.check_trainable()
    except DatasetError as exc:
        raise TaskError(str(exc)) from None
    classes = report.usable_classes
    train = split_dataset(report, 0.2, 0.0, seed)["train"]
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(train))[:limit]
    conv_dir = cache_dir() / "converted"
    rows = []
    for i in order:
        try:
            rows.append([decodable_path(train[i], conv_dir), classes.index(train[i].label)])
        except DatasetError:
            continue
    images, kept = decode_rows(rows, image_size)
    if len(images) < 2:
        raise TaskError("Too few readable training images to measure a learning rate.")
    labels = np.asarray([rows[i][1] for i in kept], np.int32)
    return images, labels, classes


def suggest_range(lrs: list[float], losses: list[float]) -> dict:
    """One decade of learning rate where the smoothed loss falls (see the module docstring)."""
    lr = np.asarray(lrs, float)
    loss = np.asarray(losses, float)
    if len(lr) < 5:
        raise TaskError("The run was too short to suggest a learning rate.")
    lowest = int(np.argmin(loss))
    # Skip the first few points: the smoothing has not settled there.
    start = min(max(1, len(lr) // 10), max(0, lowest - 1))
    if lowest <= start:
        steepest = lowest
    else:
        slope = np.gradient(loss[start:lowest + 1], np.log10(lr[start:lowest + 1]))
        steepest = start + int(np.argmin(slope))
    top = min(lr[lowest], lr[steepest] * 10.0)
    return {"min": float(top / 10.0), "max": float(top), "steepest": float(lr[steepest]),
            "lowest_loss_lr": float(lr[lowest])}


def find_lr(ctx: TaskContext, data_dir: str, architecture: str = "simple_cnn", image_size: int = 64,
            batch_size: int = 32, steps: int = 200, start_lr: float = 1e-6, end_lr: float = 1.0,
            config: dict | None = None, seed: int = 42) -> dict:
    """Task: the loss against the learning rate; returns ``{"suggested", "points", ...}``."""
    import keras
    import keras_tuner as kt
    import tensorflow as tf

    from app.core.options.validation import ConfigError
    from app.core.options.config import SearchConfig
    from app.core.model.models import build_model, resolve_backbone_weights

    if not (0 < start_lr < end_lr):
        raise TaskError("The learning-rate ramp needs 0 < start < end.")
    if steps < 10:
        raise TaskError("The learning-rate ramp needs at least 10 steps.")
    try:
        base = SearchConfig.from_dict(config) if config else SearchConfig()
        cfg = base.replace(data_dir=str(data_dir), architecture=architecture, image_size=int(image_size),
                           schedule="constant", learning_rate=float(start_lr), batch_size=int(batch_size),
                           mixed_precision=False, seed=int(seed))
        cfg.check()
    except ConfigError as exc:
        raise TaskError(f"{exc.field}: {exc.message}") from None
    ctx.progress(0.0, "Reading the training images")
    images, labels, classes = _training_images(str(data_dir), cfg.image_size, cfg.seed, steps * batch_size)
    keras.utils.set_random_seed(cfg.seed)
    weights, _ = resolve_backbone_weights(cfg)
    model = build_model(cfg, kt.HyperParameters(), len(classes), steps, weights=weights)
    # The trial's optimizer with a plain learning rate (a trial's follows a schedule), set each step.
    optimizer = type(model.optimizer).from_config({**model.optimizer.get_config(), "learning_rate": float(start_lr)})
    loss_fn = keras.losses.CategoricalCrossentropy()
    dataset = (tf.data.Dataset.from_tensor_slices((images, tf.one_hot(labels, len(classes))))
               .shuffle(len(images), seed=cfg.seed).repeat().batch(batch_size).prefetch(2))

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True)) + sum(model.losses)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    factor = (end_lr / start_lr) ** (1.0 / (steps - 1))
    points, raw = [], []
    average, best = 0.0, math.inf
    ctx.progress(0.0, "Raising the learning rate")
    for step, (x, y) in enumerate(dataset.take(steps)):
        ctx.check()
        lr = start_lr * factor ** step
        optimizer.learning_rate.assign(lr)
        value = float(train_step(x, y))
        if not math.isfinite(value):
            break
        raw.append(value)
        average = SMOOTHING * average + (1 - SMOOTHING) * value
        smoothed = average / (1 - SMOOTHING ** (step + 1))
        points.append([lr, smoothed])
        best = min(best, smoothed)
        if step % POINT_EVERY == POINT_EVERY - 1 or step == steps - 1:
            ctx.progress((step + 1) / steps, f"learning rate {lr:.2e}: loss {smoothed:.3f}",
                         points=points[-POINT_EVERY:])
        if step > steps // 10 and smoothed > DIVERGED * best:
            break
    keras.backend.clear_session()
    suggested = suggest_range([p[0] for p in points], [p[1] for p in points])
    return {"suggested": {"min": suggested["min"], "max": suggested["max"]},
            "steepest_lr": suggested["steepest"], "lowest_loss_lr": suggested["lowest_loss_lr"],
            "points": points, "raw_losses": raw, "architecture": architecture, "image_size": cfg.image_size,
            "batch_size": batch_size, "images": int(len(images)), "classes": classes}
