"""Rebuild ``tests/data/flowers-32`` from the bundled sample flowers (run from the repository root).

The tests need a few real photos of a fixed, tiny size (like CIFAR-10's 32x32 JPEGs) so scans and
training stay fast and their sizes are predictable. Each photo is centre-cropped to a square and
reduced to 32x32; the licence (CC-BY 2.0) is the sample's, see ``tests/data/flowers-32.LICENSE.txt``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image, ImageOps

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "resources" / "sample-flowers"
TARGET = REPO / "tests" / "data" / "flowers-32"
PER_CLASS = 12
SIZE = 32


def main() -> None:
    shutil.rmtree(TARGET, ignore_errors=True)
    for class_dir in sorted(p for p in SOURCE.iterdir() if p.is_dir()):
        out = TARGET / class_dir.name
        out.mkdir(parents=True)
        for i, src in enumerate(sorted(class_dir.glob("*.jpg"))[:PER_CLASS]):
            with Image.open(src) as img:
                small = ImageOps.fit(img.convert("RGB"), (SIZE, SIZE), Image.Resampling.LANCZOS)
            small.save(out / f"{i:04d}.jpg", quality=90)


if __name__ == "__main__":
    main()
