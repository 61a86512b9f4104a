"""Tiny generated image folders (one colour tint per class) for tests that train for real."""
from pathlib import Path
import numpy as np
from PIL import Image


def make_images(root: Path, classes: int = 3, per_class: int = 8) -> Path:
    rng = np.random.default_rng(0)
    for c in range(classes):
        (root / f"class{c}").mkdir(parents=True, exist_ok=True)
        base = np.zeros(3)
        base[c % 3] = 180
        for i in range(per_class):
            pixels = (rng.random((16, 16, 3)) * 60 + base).clip(0, 255).astype("uint8")
            Image.fromarray(pixels).save(root / f"class{c}" / f"{i}.png")
    return root
