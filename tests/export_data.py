"""Tiny generated data for the export tests: 32 px images whose class is where the bright half is.

The class depends on orientation ("top" rotated a quarter turn looks like "left"), so a served
model that ignored EXIF orientation would give a rotated photo the wrong class.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

CLASSES = ("bottom", "left", "top")
SIZE = 32


def pattern(label: str, rng: np.random.Generator, size: int = SIZE) -> np.ndarray:
    image = rng.normal(60, 25, (size, size, 3))
    half = size // 2
    if label == "top":
        image[:half] += 150
    elif label == "bottom":
        image[half:] += 150
    else:
        image[:, :half] += 150
    return np.clip(image, 0, 255).astype(np.uint8)


def make_dataset(root: Path, per_class: int = 30, seed: int = 0) -> Path:
    from PIL import Image

    rng = np.random.default_rng(seed)
    for label in CLASSES:
        (root / label).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            Image.fromarray(pattern(label, rng)).save(root / label / f"{label}_{i:02d}.png")
    return root


def tiny_config(data: Path, **changes):
    from app.core.options.config import SearchConfig

    base = dict(data_dir=str(data), architecture="mlp", image_size=SIZE, epochs=3, max_trials=1,
                batch_size=8, width=32, depth=1, dropout=0.0, l2=0.0, batch_norm=False, learning_rate=3e-3,
                schedule="constant", early_stopping=False, tensorboard=False, seed=3, test_fraction=0.15, time_budget=0,
                augmentation={"enabled": False})
    base.update(changes)
    return SearchConfig().replace(**base)


def run_tiny_search(root: Path, **changes) -> str:
    """A finished one-trial search under ``root`` (its own TUNESTUDIO_HOME); returns its folder."""
    from app.core.search import events as ev
    from app.core.search.runner import run_search

    previous = os.environ.get("TUNESTUDIO_HOME")
    os.environ["TUNESTUDIO_HOME"] = str(root / "home")
    try:
        data = make_dataset(root / "data")
        final = run_search(tiny_config(data, **changes), ev.EventLog())
    finally:
        if previous is None:
            os.environ.pop("TUNESTUDIO_HOME", None)
        else:
            os.environ["TUNESTUDIO_HOME"] = previous
    assert final["status"] == "completed", final
    return final["search_dir"]
