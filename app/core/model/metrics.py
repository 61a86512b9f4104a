"""A confusion-matrix metric, so the per-class matrix comes from Keras's own validation pass
(no second prediction pass per epoch). Its result appears in the epoch logs as ``val_confusion``.
"""
from __future__ import annotations

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="tunestudio")
class ConfusionMatrix(keras.metrics.Metric):
    """Counts (true class, predicted class) pairs; rows are true classes."""

    def __init__(self, num_classes: int, name: str = "confusion", **kwargs):
        super().__init__(name=name, **kwargs)
        self.num_classes = int(num_classes)
        self.matrix = self.add_variable(shape=(self.num_classes, self.num_classes), initializer="zeros",
                                        name="matrix", dtype="float32")

    def update_state(self, y_true, y_pred, sample_weight=None):
        # Labels arrive one-hot (label smoothing needs it); take the class index either way.
        if y_true.shape.rank is not None and y_true.shape.rank > 1 and y_true.shape[-1] == self.num_classes:
            y_true = tf.argmax(y_true, axis=-1, output_type=tf.int32)
        y_true = tf.cast(tf.reshape(y_true, [-1]), tf.int32)
        y_pred = tf.reshape(tf.argmax(y_pred, axis=-1, output_type=tf.int32), [-1])
        # One (classes x batch) @ (batch x classes) product: cheaper per step than
        # tf.math.confusion_matrix's checks and int64 scatter, and it runs on every training step.
        true_hot = tf.one_hot(y_true, self.num_classes, dtype=tf.float32)
        pred_hot = tf.one_hot(y_pred, self.num_classes, dtype=tf.float32)
        self.matrix.assign_add(tf.matmul(true_hot, pred_hot, transpose_a=True))

    def result(self):
        return tf.identity(self.matrix)

    def reset_state(self):
        self.matrix.assign(tf.zeros_like(self.matrix))

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name}
