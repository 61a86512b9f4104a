"""Augmented samples of the user's own images, as the training pipeline would see them.

Uses the training pipeline's own augmentation (app/core/data/augment.py: flip, rotation, zoom,
translation, contrast, with rotation and zoom left out for small images as in training).
:func:`augmentation_preview` imports TensorFlow; the window calls :func:`preview_in_child`, which runs it in a spawned child process that stays for the next
preview, so TensorFlow (about 600 MB and a GIL-holding import) never enters the window's process.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np

from app.core.data.augment import active, augment_batch, batch_key
from app.core.options.config import Augmentation


def load_image(path: str | Path, image_size: int) -> np.ndarray:
    """An RGB uint8 array of ``image_size`` x ``image_size`` (EXIF orientation applied)."""
    from PIL import Image, ImageOps

    with Image.open(path) as img:
        img = ImageOps.exif_transpose(img)
        if img.mode.startswith("I;16") or img.mode in ("I", "F"):
            img = img.convert("L")
        img = img.convert("RGB").resize((image_size, image_size), Image.Resampling.BILINEAR)
        return np.asarray(img, dtype=np.uint8).copy()


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

    batch = np.stack([originals[i % len(originals)] for i in range(count)])
    if not active(augmentation, image_size):
        return [img.copy() for img in batch]
    import tensorflow as tf

    # The training pipeline's own function, keyed as the first batch of the first epoch of ``seed``.
    augmented = augment_batch(tf.constant(batch), batch_key(seed, 0, 0), augmentation).numpy()
    return [img for img in augmented]


# --------------------------------------------------------------------------- in a child process

PREVIEW_TIMEOUT_S = 300.0  # the first preview imports TensorFlow in the child
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _child_setup() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        os.nice(5)  # a preview must not slow the window or a running search down
    except OSError:
        pass


def preview_in_child(image_paths: Sequence[str | Path], augmentation: Augmentation, image_size: int,
                     count: int = 8, seed: int = 0, timeout: float = PREVIEW_TIMEOUT_S) -> list[np.ndarray]:
    """:func:`augmentation_preview` in a spawned child process (blocking: call it off the GUI
    thread). The child stays for the next preview, so only the first one pays TensorFlow's import.
    ``ValueError`` from the child is raised here; a child that died raises ``RuntimeError``."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_child_setup)
        pool = _pool
    try:
        return pool.submit(augmentation_preview, [str(p) for p in image_paths], augmentation, image_size,
                           count, seed).result(timeout=timeout)
    except BrokenProcessPool:
        shutdown_preview_process()
        raise RuntimeError("the preview process stopped unexpectedly; press Preview to try again") from None


def shutdown_preview_process() -> None:
    """End the preview child, if one was started (the application is quitting)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
