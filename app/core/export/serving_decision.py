"""What the SavedModel's signatures answer for a batch of probabilities: the class, or "unknown".

Kept apart from the writers (``export_formats.write_saved_model``) so the answer's rule has one
home: the top class when its (calibrated) probability reaches the threshold, otherwise class name
``unknown`` and class id -1, the same rule as ``app.core.search.calibration.decide``.
"""
from __future__ import annotations

from app.core.search.calibration import UNKNOWN


def serving_outputs(probabilities, class_names, threshold: float) -> dict:
    """``probabilities``, ``class_id`` (-1 below the threshold) and ``class_name`` (``unknown`` below it)."""
    import tensorflow as tf

    top = tf.argmax(probabilities, axis=-1, output_type=tf.int32)
    sure = tf.reduce_max(probabilities, axis=-1) >= tf.cast(threshold, probabilities.dtype)
    return {"probabilities": probabilities,
            "class_id": tf.where(sure, top, tf.fill(tf.shape(top), -1)),
            "class_name": tf.where(sure, tf.gather(class_names, top), tf.fill(tf.shape(top), UNKNOWN))}
