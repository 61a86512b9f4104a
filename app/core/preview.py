"""Augmented samples of the user's own images, as the training pipeline would see them.

Uses the same Keras preprocessing layers the model builder applies (flip, rotation, zoom,
translation, contrast). TensorFlow is imported on first call: call this off the GUI thread.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from app.core.config import Augmentation


def load_image(path: str | Path, image_size: int) -> np.ndarray:
    """An RGB uint8 array of ``image_size`` x ``image_size`` (EXIF orientation applied)."""
    from PIL import Image, ImageOps

    with Image.open(path) as img:
        img = ImageOps.exif_transpose(img)
        if img.mode.startswith("I;16") or img.mode in ("I", "F"):
            img = img.convert("L")
        img = img.convert("RGB").resize((image_size, image_size), Image.Resampling.BILINEAR)
        return np.asarray(img, dtype=np.uint8).copy()


def augmentation_layers(augmentation: Augmentation, seed: int | None = None) -> list:
    """The Keras layers for ``augmentation``: the model builder's own, so the preview is what training does."""
    from app.core.config import SearchConfig
    from app.core.models import augmentation_layers_for

    return augmentation_layers_for(SearchConfig(augmentation=augmentation), seed)


def augmentation_preview(image_paths: Sequence[str | Path], augmentation: Augmentation, image_size: int,
                         count: int = 8, seed: int = 0) -> list[np.ndarray]:
    """``count`` augmented versions of the given images (cycling through them), HxWx3 uint8.

    Raises ``ValueError`` when no path is given or none can be read.
    """
    if count < 1:
        return []
    originals = []
    errors = []
    for path in image_paths:
        try:
            originals.append(load_image(path, image_size))
        except (OSError, ValueError) as exc:
            errors.append(f"{path}: {exc}")
    if not originals:
        raise ValueError("no readable image to preview" + (f" ({errors[0]})" if errors else ""))

    batch = np.stack([originals[i % len(originals)] for i in range(count)]).astype("float32")
    layers = augmentation_layers(augmentation, seed=seed)
    if not layers:
        return [img.copy() for img in batch.astype(np.uint8)]
    import keras

    pipeline = keras.Sequential(layers)
    augmented = keras.ops.convert_to_numpy(pipeline(batch, training=True))
    augmented = np.clip(np.nan_to_num(augmented), 0, 255).astype(np.uint8)
    return [img for img in augmented]
