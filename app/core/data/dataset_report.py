"""What a scan found: usable images, unused files with their reasons, and the report around them."""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import asdict, dataclass, field

IMBALANCE_RATIO = 10.0


# Problem kinds
UNUSABLE = "unusable"  # a file that is meant as data but cannot be used
IGNORED = "ignored"  # hidden/system files and folders, skipped on purpose


class DatasetError(ValueError):
    """The folder cannot be used as a dataset at all; the message says why."""


class ScanCancelled(DatasetError):
    """The scan was stopped through its ``cancel`` token."""


@dataclass(slots=True)
class ImageRecord:
    """One usable image, with what the scan learnt about it."""

    path: str  # absolute path of the original file
    label: str  # class name
    split: str | None = None  # "train"/"val"/"test" when the folder fixes it
    width: int = 0
    height: int = 0
    format: str = ""
    size_bytes: int = 0
    needs_conversion: bool = False
    note: str = ""  # e.g. "animated GIF: first frame used"
    mode: str = ""  # Pillow colour mode: "RGB", "L", "CMYK", "P", ...
    content_hash: str = ""  # finds exact duplicates; part of the fingerprint


@dataclass(slots=True)
class Problem:
    """A file or folder that is not used, and why."""

    path: str
    reason: str
    kind: str = UNUSABLE  # UNUSABLE or IGNORED


@dataclass
class ScanReport:
    """What a folder holds: usable images by class, every unused file with its reason, warnings."""

    root: str
    layout: str  # "classes" or "splits"
    classes: list[str]
    images: list[ImageRecord]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    duplicates: list[list[str]] = field(default_factory=list)
    stats: dict = field(default_factory=dict)  # files, inspected, cache_hits, workers, seconds

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(r.label for r in self.images)
        return {c: counter.get(c, 0) for c in self.classes}

    @property
    def formats(self) -> dict[str, int]:
        return dict(Counter(r.format for r in self.images))

    @property
    def size_range(self) -> tuple[tuple[int, int], tuple[int, int]] | None:
        if not self.images:
            return None
        smallest = min(self.images, key=lambda r: r.width * r.height)
        largest = max(self.images, key=lambda r: r.width * r.height)
        return (smallest.width, smallest.height), (largest.width, largest.height)

    @property
    def usable_classes(self) -> list[str]:
        counts = self.counts
        return [c for c in self.classes if counts[c] > 0]

    @property
    def unusable(self) -> list[Problem]:
        """Problems that lose data (hidden, system and stray non-image files left out)."""
        return [p for p in self.problems if p.kind != IGNORED]

    def fingerprint(self) -> str:
        """Hash of the usable files (relative paths, sizes, contents, labels): changes when the data does."""
        h = hashlib.sha256()
        for r in sorted(self.images, key=lambda r: r.path):
            rel = relative_path(r.path, self.root)
            h.update(f"{rel}\0{r.size_bytes}\0{r.content_hash}\0{r.label}\0{r.split}\n"
                     .encode("utf-8", "surrogateescape"))
        return h.hexdigest()[:16]

    def check_trainable(self) -> None:
        """Raise :class:`DatasetError` unless at least two classes have images."""
        usable = self.usable_classes
        if len(usable) >= 2:
            return
        hint = self.stats.get("hint", "")
        if not self.classes:
            loose = self.stats.get("loose_images", 0)
            found = (f" It has {loose} image{'s' if loose != 1 else ''} directly inside; "
                     "move them into one folder per class." if loose else "")
            raise DatasetError(f"{self.root} has no class folders.{found} Put each class's images in its "
                               f"own subfolder (e.g. cats/ and dogs/).{hint}")
        if not self.images and not self.stats.get("files", 0):
            raise DatasetError(f"{self.root}: its class folders are empty. Put each class's images in its "
                               f"own subfolder.{hint}")
        if not self.images:
            files = self.stats.get("files", 0)
            raise DatasetError(f"{self.root} does not look like an image dataset: none of its {files} "
                               f"file{'s' if files != 1 else ''} is a usable image (see the problem list). "
                               f"Choose a folder with one subfolder of images per class.{hint}")
        raise DatasetError(f"{self.root}: a classifier needs at least two classes with usable images "
                           f"(found only '{usable[0]}'). Put each class's images in its own subfolder.{hint}")

    def to_dict(self) -> dict:
        size_range = self.size_range
        return {
            "root": self.root,
            "layout": self.layout,
            "classes": self.classes,
            "counts": self.counts,
            "image_count": len(self.images),
            "formats": self.formats,
            "size_range": [list(size_range[0]), list(size_range[1])] if size_range else None,
            "problems": [asdict(p) for p in self.problems],
            "warnings": list(self.warnings),
            "duplicates": self.duplicates,
            "fingerprint": self.fingerprint(),
            "stats": {k: v for k, v in self.stats.items() if k != "hint"},
        }


def relative_path(path: str, root: str) -> str:
    """``path`` relative to ``root`` (fast for the usual case of a path inside root)."""
    prefix = root if root.endswith(os.sep) else root + os.sep
    if path.startswith(prefix):
        return path[len(prefix):]
    return os.path.relpath(path, root)


def heavily_imbalanced(counts: dict[str, int]) -> bool:
    """The scan's rule for "heavy class imbalance" (also what turns class weights on by default)."""
    nonzero = [n for n in counts.values() if n]
    return len(nonzero) >= 2 and max(nonzero) >= IMBALANCE_RATIO * min(nonzero)


def balanced_class_weights(counts: list[int]) -> dict[int, float]:
    """Keras ``class_weight``: n_samples / (n_classes * n_c), as scikit-learn's "balanced" (mean 1)."""
    total, k = sum(counts), len(counts)
    return {i: (total / (k * n) if n else 0.0) for i, n in enumerate(counts)}


def native_image_size(images: list[ImageRecord]) -> int:
    """The median of the images' shorter sides (0 when unknown)."""
    sides = sorted(min(r.width, r.height) for r in images if r.width and r.height)
    return sides[len(sides) // 2] if sides else 0
