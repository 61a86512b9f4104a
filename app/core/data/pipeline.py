"""The tf.data input pipeline: image files to batches of uint8 pixels.

Images are decoded once. When the decoded split fits comfortably in memory it is kept as one
uint8 array (fastest: every trial and epoch reuses it, shuffled per epoch); otherwise the
decoded images are cached to a file under the search folder and streamed, so a folder larger
than RAM still trains. Pixel scaling happens inside the model, so the exported model takes raw
pixels; random augmentation happens here, on the training batches (:func:`training_dataset`).
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from app.core.options.config import available_memory_bytes

# Training batches augmented at once, and ready ahead of the model: fixed and small, with tf.data's
# autotuning off (see :func:`_without_autotune`).
TRAIN_PARALLEL_BATCHES = 2
TRAIN_PREFETCH_BATCHES = 2
# Share of physical memory the decoded training + validation images may take in RAM.
MEMORY_CACHE_SHARE = 0.25


@dataclass
class SplitData:
    """One split: either decoded in memory (``images``) or streamed from files (``paths``)."""

    labels: np.ndarray
    images: np.ndarray | None = None
    paths: list[str] | None = None
    cache_file: str | None = None
    skipped: int = 0  # files that failed to decode (vanished, changed) and were left out

    def __len__(self) -> int:
        return len(self.labels)


def decoded_bytes(count: int, image_size: int) -> int:
    return count * image_size * image_size * 3


def choose_cache(mode: str, count: int, image_size: int) -> str:
    """'memory' or 'disk' for ``mode='auto'``, based on the decoded size and this machine's RAM."""
    if mode != "auto":
        return mode
    memory = available_memory_bytes() or 8 * 2**30
    return "memory" if decoded_bytes(count, image_size) <= memory * MEMORY_CACHE_SHARE else "disk"


def decode_fn(image_size: int):
    import tensorflow as tf

    def load(path, label):
        raw = tf.io.read_file(path)
        img = tf.io.decode_image(raw, channels=3, expand_animations=False)
        return resize_pixels(img, image_size), label

    return load


def resize_pixels(image, image_size):
    """Any uint8 [..., H, W, 3] to uint8 [..., size, size, 3]: the one resize training and serving
    share. ``image_size``: an int, or a [2] tensor (progressive resizing's sizes)."""
    import tensorflow as tf

    target = (image_size, image_size) if isinstance(image_size, (int, np.integer)) else image_size
    image = tf.image.resize(image, target, antialias=True)
    image = tf.cast(tf.clip_by_value(tf.round(image), 0, 255), tf.uint8)
    if image.shape.rank == 3 and isinstance(image_size, (int, np.integer)):
        image.set_shape((image_size, image_size, 3))
    return image


def load_split(paths: list[str], labels: list[int], image_size: int, cache: str,
               cache_file: str | None = None) -> SplitData:
    """Prepare one split. ``cache`` is 'memory', 'disk' or 'none'."""
    import tensorflow as tf

    labels_arr = np.asarray(labels, dtype=np.int32)
    if cache != "memory":
        return SplitData(labels=labels_arr, paths=list(paths),
                         cache_file=cache_file if cache == "disk" else None)
    ds = tf.data.Dataset.from_tensor_slices((list(paths), labels_arr))
    # Files that vanish or change after the scan are dropped here (counted), not fatal.
    ds = ds.map(decode_fn(image_size), num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    ds = ds.ignore_errors().batch(256).prefetch(tf.data.AUTOTUNE)
    images, kept = [], []
    for x, y in ds:
        images.append(x.numpy())
        kept.append(y.numpy())
    if images:
        all_images = np.concatenate(images)
        all_labels = np.concatenate(kept).astype(np.int32)
    else:
        all_images = np.zeros((0, image_size, image_size, 3), np.uint8)
        all_labels = np.zeros((0,), np.int32)
    return SplitData(labels=all_labels, images=all_images, skipped=len(labels_arr) - len(all_labels))


def make_dataset(split: SplitData, image_size: int, batch_size: int, shuffle: bool, seed: int,
                 num_classes: int | None = None):
    """A batched, prefetched ``tf.data.Dataset`` of (uint8 images, labels).

    Labels are class indices, or one-hot float vectors when ``num_classes`` is given (encoded
    inside the pipeline, before the prefetch, so training never waits for it).
    """
    import tensorflow as tf

    def finish(ds):
        ds = ds.batch(batch_size)
        if num_classes:
            ds = ds.map(lambda x, y: (x, tf.one_hot(y, num_classes)), num_parallel_calls=tf.data.AUTOTUNE)
        return _without_autotune(ds.prefetch(TRAIN_PREFETCH_BATCHES))

    ds, buffer = _decoded(split, image_size)
    if shuffle:
        # Shuffle after the cache, so each epoch gets a new order (a cache after shuffle freezes it).
        ds = ds.shuffle(buffer, seed=seed, reshuffle_each_iteration=True)
    return finish(ds)


def _decoded(split: SplitData, image_size: int):
    """(unbatched dataset of (uint8 image, label), the shuffle buffer that covers it): the images in
    memory, or decoded from their files (bad ones left out) into the split's cache file."""
    import tensorflow as tf

    if split.images is not None:
        return tf.data.Dataset.from_tensor_slices((split.images, split.labels)), len(split)
    ds = tf.data.Dataset.from_tensor_slices((split.paths, split.labels))
    ds = ds.map(decode_fn(image_size), num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    # ignore_errors before batching keeps the good images of a batch with one bad file.
    ds = ds.ignore_errors()
    if split.cache_file:
        os.makedirs(os.path.dirname(split.cache_file), exist_ok=True)
        ds = ds.cache(split.cache_file)
    return ds, min(len(split), 10_000)


def training_dataset(split: SplitData, image_size: int, batch_size: int, seed: int,
                     num_classes: int | None = None, augmentation=None, resize=None):
    """The training input: an endless ``tf.data.Dataset`` whose every
    :func:`steps_per_epoch` batches are one epoch (fit it with ``steps_per_epoch``: Keras then
    keeps one iterator, so the next epoch's batches are prepared while validation runs).

    Each epoch is shuffled with a seed derived from (``seed``, epoch), and, when
    ``augmentation`` (an :class:`~app.core.options.config.Augmentation`) is given, each batch is
    augmented by app/core/data/augment.py keyed by (``seed``, epoch, batch): reproducible, and on
    parallel calls, so another core augments while the model trains.

    ``resize`` (a :class:`~app.core.data.resize_schedule.ResizeSchedule`) shrinks each epoch's
    batches, after augmentation, to the side its table gives that epoch (progressive resizing).
    """
    import tensorflow as tf

    from app.core.data.augment import active, augment_batch, batch_key

    augment = active(augmentation, image_size)
    base, buffer = _decoded(split, image_size)

    sizes = resize.table() if resize is not None else None

    def prepare(batch, x, y, epoch):
        if augment:
            x = augment_batch(x, batch_key(seed, epoch, batch), augmentation)
        if sizes is not None:
            x = _resized(x, sizes[tf.minimum(epoch, tf.cast(tf.shape(sizes)[0] - 1, epoch.dtype))], image_size)
        if num_classes:
            y = tf.one_hot(y, num_classes)
        return x, y

    def one_epoch(epoch):
        ds = base.shuffle(max(1, buffer), seed=tf.constant(int(seed), tf.int64) * 7919 + epoch)
        ds = ds.batch(batch_size).enumerate()
        return ds.map(lambda b, xy: prepare(b, xy[0], xy[1], epoch), num_parallel_calls=TRAIN_PARALLEL_BATCHES,
                      deterministic=True)

    epochs = tf.data.Dataset.range(1 << 40)
    return _without_autotune(epochs.flat_map(one_epoch).prefetch(TRAIN_PREFETCH_BATCHES))


def _without_autotune(ds):
    """``ds`` without tf.data's autotuning thread. When a fit ends, the iterator's destructor waits for
    that thread (``RootDataset::Iterator`` joining an ``UnboundedThreadPool`` thread, native stack in
    BENCHMARKS.md, session 9), and trials ended 30-50 s after their last epoch; the fixed parallelism
    above keeps 20-30 batches a second ready against the model's 2-3."""
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.with_options(options)


def _resized(images, side, image_size: int):
    """A uint8 batch at ``side`` pixels (a tensor), unchanged when that is its own size."""
    import tensorflow as tf

    def smaller():
        return resize_pixels(images, tf.stack([side, side]))

    x = tf.cond(side < image_size, smaller, lambda: images)
    x.set_shape((None, None, None, 3))
    return x


def steps_per_epoch(count: int, batch_size: int) -> int:
    return max(1, math.ceil(count / batch_size))
