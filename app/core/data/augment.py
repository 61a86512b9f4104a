"""Random augmentation of training batches, inside the tf.data pipeline.

Why here and not as Keras layers in the model: layers run in series with each training step on
the same core, while a ``tf.data`` map on parallel calls prepares the next batches on the other
core while the model trains (issue 24; BENCHMARKS.md "The machine"). The model, and so the
exported model, then has no random layers at all.

Every random draw is a stateless op keyed by (seed, epoch, batch number): the same search seed
gives the same augmented batches in every run, and the preview (app/core/model/preview.py) calls
the same :func:`augment_batch`, so it shows exactly what training does.

Strengths follow the Keras layers they replace: rotation is a fraction of a full turn, zoom and
translation fractions of the image, contrast a factor range ``1 +- contrast``; rotation and zoom are
left out for small images (``SMALL_IMAGE_PX``), as before.
"""
from __future__ import annotations

import math

from app.core.options.config import SMALL_IMAGE_PX, Augmentation

# Mixes the epoch into the second seed word: epochs and batch numbers never collide below this.
EPOCH_STRIDE = 1 << 24


def active(augmentation: Augmentation | None, image_size: int) -> bool:
    """Whether :func:`augment_batch` changes anything for these strengths at this size."""
    if augmentation is None:
        return False
    small = image_size <= SMALL_IMAGE_PX
    return (augmentation.flip != "none" or augmentation.translation > 0 or augmentation.contrast > 0
            or (not small and (augmentation.rotation > 0 or augmentation.zoom > 0)))


def batch_key(seed, epoch, batch):
    """The stateless seed of one batch: ``[seed, epoch * EPOCH_STRIDE + batch]`` as int64."""
    import tensorflow as tf

    epoch = tf.cast(epoch, tf.int64)
    batch = tf.cast(batch, tf.int64)
    return tf.stack([tf.cast(seed, tf.int64), epoch * EPOCH_STRIDE + batch])


def augment_batch(images, key, augmentation: Augmentation):
    """Augment a uint8 batch ``[B, H, W, 3]`` with the stateless seed ``key`` (shape [2]); uint8 out."""
    import tensorflow as tf

    size = int(images.shape[1]) if images.shape[1] is not None else 0
    if not active(augmentation, size):
        return images
    keys = tf.random.experimental.stateless_split(key, num=4)
    x = tf.cast(images, tf.float32)
    count = tf.shape(x)[0]
    x = _flip(x, augmentation.flip, keys[0], count)
    x = _affine(x, augmentation, size, keys[1], count)
    if augmentation.contrast > 0:
        factor = tf.random.stateless_uniform([count, 1, 1, 1], keys[2], 1.0 - augmentation.contrast,
                                             1.0 + augmentation.contrast)
        mean = tf.reduce_mean(x, axis=[1, 2], keepdims=True)
        x = (x - mean) * factor + mean
    out = tf.cast(tf.clip_by_value(tf.round(x), 0.0, 255.0), tf.uint8)
    out.set_shape(images.shape)
    return out


def _flip(x, flip: str, key, count):
    import tensorflow as tf

    if flip == "none":
        return x
    keys = tf.random.experimental.stateless_split(key, num=2)
    for axis, wanted, k in ((2, ("horizontal", "horizontal_and_vertical"), keys[0]),
                            (1, ("vertical", "horizontal_and_vertical"), keys[1])):
        if flip in wanted:
            mask = tf.random.stateless_uniform([count, 1, 1, 1], k) < 0.5
            x = tf.where(mask, tf.reverse(x, axis=[axis]), x)
    return x


def _affine(x, augmentation: Augmentation, size: int, key, count):
    """Rotation, zoom and translation as one projective transform per image (reflect fill,
    bilinear): one resampling instead of three."""
    import tensorflow as tf

    small = size <= SMALL_IMAGE_PX
    rotation = 0.0 if small else augmentation.rotation
    zoom = 0.0 if small else augmentation.zoom
    shift = augmentation.translation
    if rotation <= 0 and zoom <= 0 and shift <= 0:
        return x
    keys = tf.random.experimental.stateless_split(key, num=4)

    def uniform(k, amount):
        return tf.random.stateless_uniform([count], k, -amount, amount) if amount > 0 else tf.zeros([count])

    angle = uniform(keys[0], rotation * 2.0 * math.pi)
    scale = 1.0 + uniform(keys[1], zoom)  # above 1 the output shows more of the image (zoomed out)
    shifts = tf.random.stateless_uniform([count, 2], keys[2], -shift, shift) * size if shift > 0 \
        else tf.zeros([count, 2])
    centre = (size - 1) / 2.0
    cos, sin = tf.cos(angle) * scale, tf.sin(angle) * scale
    # Output pixel (x, y) reads input (a0 x + a1 y + a2, b0 x + b1 y + b2): rotate and scale about
    # the centre, then shift.
    a2 = centre + shifts[:, 0] - (cos * centre - sin * centre)
    b2 = centre + shifts[:, 1] - (sin * centre + cos * centre)
    zeros = tf.zeros([count])
    transforms = tf.stack([cos, -sin, a2, sin, cos, b2, zeros, zeros], axis=1)
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=x, transforms=transforms, output_shape=tf.shape(x)[1:3], fill_value=0.0,
        interpolation="BILINEAR", fill_mode="REFLECT")
