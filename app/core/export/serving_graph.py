"""Decode encoded images inside a SavedModel the way training saw them.

Training reads each file once with Pillow when TensorFlow would misread it (see
``app.core.data.dataset.decodable_path``): EXIF-rotated photos are turned upright, CMYK and grayscale
become RGB. A served model gets the phone's original bytes, so ``serve_bytes`` must do the same
with TensorFlow ops only (it runs in TF Serving, without Python):

* grayscale, palette and RGBA files: ``tf.io.decode_image(channels=3)`` replicates the gray
  channel and drops alpha, as Pillow's ``convert("RGB")`` does;
* CMYK JPEGs: libjpeg-turbo (inside ``decode_image``) converts them to RGB, matching Pillow
  (checked by ``tests/core/export/test_export_formats.py``);
* EXIF orientation: read here from the JPEG's APP1 segment with byte-level tensor ops and applied
  with flips/rotations, the same transforms as ``PIL.ImageOps.exif_transpose``.
"""
from __future__ import annotations

from app.core.data.pipeline import resize_pixels

# Where a JPEG's EXIF block can be: APP1 comes right after the start marker, and is at most 64 KiB.
EXIF_SEARCH_BYTES = 65536 + 32
ORIENTATION_TAG = 0x0112


def exif_orientation(image_bytes):
    """The EXIF orientation (1-8; 1 = upright) of one encoded image, as an int32 scalar tensor.

    Non-JPEG data, JPEGs without EXIF and malformed EXIF all give 1, never an error.
    """
    import tensorflow as tf

    head = tf.strings.substr(image_bytes, 0, EXIF_SEARCH_BYTES)
    # Pad so every fixed-offset read below stays in range; padding is zeros, which match nothing.
    padded = tf.strings.join([head, tf.constant(b"\0" * 64)])
    data = tf.cast(tf.io.decode_raw(padded, tf.uint8), tf.int32)
    size = tf.shape(data)[0]

    def at(offset):
        return tf.gather(data, tf.clip_by_value(offset, 0, size - 1))

    is_jpeg = tf.logical_and(tf.equal(at(0), 0xFF), tf.equal(at(1), 0xD8))
    # "Exif\0\0" starts the APP1 payload; the TIFF header follows it.
    marker = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]
    n = size - len(marker)
    hits = tf.ones([n], tf.bool)
    for i, byte in enumerate(marker):
        hits = tf.logical_and(hits, tf.equal(data[i:i + n], byte))
    found = tf.reduce_any(hits)
    tiff = tf.cast(tf.argmax(tf.cast(hits, tf.int32)), tf.int32) + len(marker)
    little = tf.equal(at(tiff), 0x49)  # "II" little-endian, "MM" big-endian

    def u16(offset):
        lo_hi = at(offset) + at(offset + 1) * 256
        hi_lo = at(offset) * 256 + at(offset + 1)
        return tf.where(little, lo_hi, hi_lo)

    def u32(offset):
        return tf.where(little, u16(offset) + u16(offset + 2) * 65536, u16(offset) * 65536 + u16(offset + 2))

    ifd = tiff + u32(tiff + 4)
    count = tf.clip_by_value(u16(ifd), 0, 512)
    # One extra entry at offset 0 keeps argmax defined when the IFD is empty.
    entries = tf.concat([ifd + 2 + 12 * tf.range(count), [0]], axis=0)
    tags = tf.concat([u16(entries[:-1]), [-1]], axis=0)
    is_orientation = tf.equal(tags, ORIENTATION_TAG)
    has_tag = tf.reduce_any(is_orientation)
    entry = tf.gather(entries, tf.cast(tf.argmax(tf.cast(is_orientation, tf.int32)), tf.int32))
    value = u16(tf.where(has_tag, entry + 8, 0))
    valid = is_jpeg & found & has_tag & (value >= 1) & (value <= 8)
    return tf.where(valid, value, 1)


def apply_orientation(image, orientation):
    """Turn an [H, W, C] image upright for an EXIF orientation, like ``ImageOps.exif_transpose``."""
    import tensorflow as tf

    def transpose(x):
        return tf.transpose(x, [1, 0, 2])

    branches = [
        lambda: image,                                     # 1: upright
        lambda: tf.reverse(image, [1]),                    # 2: mirrored left-right
        lambda: tf.image.rot90(image, 2),                  # 3: upside down
        lambda: tf.reverse(image, [0]),                    # 4: mirrored top-bottom
        lambda: transpose(image),                          # 5: transpose
        lambda: tf.image.rot90(image, 3),                  # 6: turned 90 degrees clockwise to be upright
        lambda: tf.image.rot90(transpose(image), 2),       # 7: transverse
        lambda: tf.image.rot90(image, 1),                  # 8: turned 90 degrees counter-clockwise
    ]
    return tf.switch_case(tf.clip_by_value(orientation - 1, 0, 7), branches)


def decode_upright(image_bytes, image_size: int):
    """One encoded image to uint8 [image_size, image_size, 3], decoded and resized as in training."""
    import tensorflow as tf

    image = tf.io.decode_image(image_bytes, channels=3, expand_animations=False)
    image = apply_orientation(image, exif_orientation(image_bytes))
    return resize_pixels(image, image_size)
