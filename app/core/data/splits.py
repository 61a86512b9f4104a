"""The stratified, seeded and stable split: a file keeps its split when files are added."""
from __future__ import annotations

import hashlib

from app.core.data.dataset_report import ImageRecord, ScanReport, relative_path

def _stable_unit(relpath: str, seed: int) -> float:
    digest = hashlib.sha256(f"{seed}:{relpath}".encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _carve(records: list[ImageRecord], root: str, seed: int, fractions: list[tuple[str, float]]
           ) -> dict[str, list[ImageRecord]]:
    """Stratified, stable assignment of ``records`` to the named fractions; the rest is train.

    A file's place depends only on its relative path and the seed, so adding files never moves
    existing ones (except that a class with no file in a split lends it its closest candidate).
    """
    out: dict[str, list[ImageRecord]] = {"train": []}
    for name, _ in fractions:
        out[name] = []
    by_class: dict[str, list[tuple[float, ImageRecord]]] = {}
    for r in records:
        by_class.setdefault(r.label, []).append((_stable_unit(relative_path(r.path, root), seed), r))
    for label in sorted(by_class):
        ranked = sorted(by_class[label], key=lambda ur: (ur[0], ur[1].path))
        start = 0
        lower = 0.0
        for name, fraction in fractions:
            upper = lower + fraction
            end = start
            while end < len(ranked) and ranked[end][0] < upper:
                end += 1
            if fraction > 0 and end == start and len(ranked) - start >= 2:
                end = start + 1  # every class needs an example in each requested split
            out[name] += [r for _, r in ranked[start:end]]
            start, lower = end, upper
        out["train"] += [r for _, r in ranked[start:]]
    return out


def split_dataset(report: ScanReport, val_fraction: float = 0.2, test_fraction: float = 0.0,
                  seed: int = 42) -> dict[str, list[ImageRecord]]:
    """Stratified, seeded, stable split into ``{"train", "val", "test"}``.

    Each file's split depends only on its relative path and the seed, so adding files never
    moves existing ones. Within each class the files are ranked by that hash and the lowest
    fractions go to test and validation. Each class is kept represented: a class with no file
    in a requested split (but two or more files) lends it its closest candidate; that one file
    returns to the split its hash gives once a file of its own lands there.

    A folder's own train/val/test split is kept; a split it lacks is carved out of its train
    images the same way.
    """
    for name, value in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0 <= value < 1:
            raise ValueError(f"{name} must be from 0 to below 1 (got {value})")
    if val_fraction + test_fraction >= 1:
        raise ValueError("val_fraction and test_fraction together must leave images to train on")
    usable = set(report.usable_classes)
    records = [r for r in report.images if r.label in usable]
    out: dict[str, list[ImageRecord]] = {"train": [], "val": [], "test": []}
    if report.layout != "splits":
        carved = _carve(records, report.root, seed, [("test", test_fraction), ("val", val_fraction)])
        for name in out:
            out[name] = carved.get(name, [])
        return out
    for r in records:
        out[r.split or "train"].append(r)
    wanted = [(name, fraction) for name, fraction in (("test", test_fraction), ("val", val_fraction))
              if not out[name] and fraction > 0]
    if wanted:
        carved = _carve(out["train"], report.root, seed, wanted)
        for name in out:
            if name == "train" or name in dict(wanted):
                out[name] = carved.get(name, [])
    return out
