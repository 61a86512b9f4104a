"""Opening a saved model as data: a ``.keras`` file or a SavedModel folder, checked first.

Both loaders run :mod:`app.core.util.untrusted`'s checks before TensorFlow or Keras read the
file, load ``.keras`` files with Keras' ``safe_mode`` on, and turn any failure into
:class:`ModelFileError` with a message for the user (never a traceback).
"""
from __future__ import annotations

from pathlib import Path

from app.core.util.untrusted import UntrustedFileError, check_keras_archive, check_saved_model


class ModelFileError(ValueError):
    """A model file that cannot (or may not) be opened; the message says why."""


def load_keras_model(path: str | Path):
    """A ``.keras`` model, uncompiled; refuses code (Lambda layers, non-Keras objects) and damage."""
    import keras

    path = Path(path)
    try:
        check_keras_archive(path)
        return keras.saving.load_model(str(path), safe_mode=True, compile=False)
    except UntrustedFileError as exc:
        raise ModelFileError(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - Keras raises many types for a damaged or foreign file
        raise ModelFileError(f"{path} cannot be opened as a Keras model: {_first_line(exc)}") from None


def load_saved_model(path: str | Path):
    """A SavedModel (``tf.saved_model.load``): a graph, no Python; refused when cut off or damaged."""
    import tensorflow as tf

    path = Path(path)
    try:
        check_saved_model(path)
        return tf.saved_model.load(str(path))
    except UntrustedFileError as exc:
        raise ModelFileError(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - TensorFlow raises many types for a damaged graph
        raise ModelFileError(f"{path} cannot be opened as a SavedModel (cut off or damaged?): "
                             f"{_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
