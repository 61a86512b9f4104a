"""Reading an image folder: what is in it, what cannot be used and why, and a stable split.

Two layouts are accepted:

* ``DIR/<class>/...images``: one subfolder per class; the split is made here;
* ``DIR/train/<class>/...``, ``DIR/val/<class>/...`` and optional ``DIR/test/<class>/...``:
  the user's own split is kept.

Every file found is either usable or listed in ``problems`` with its reason: nothing is dropped
silently. Files TensorFlow cannot decode as they are (CMYK JPEG, 16-bit PNG, EXIF-rotated photos,
...) but Pillow can are marked ``needs_conversion``; the input pipeline converts those once into a
cache folder.
"""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".gif"}
# Pillow reads these too; we convert them for TensorFlow.
CONVERTIBLE_EXTENSIONS = {".webp", ".tif", ".tiff"}
SYSTEM_FILES = {".ds_store", "thumbs.db", "desktop.ini", ".directory"}
SPLIT_NAMES = ("train", "val", "test")
SPLIT_ALIASES = {"train": "train", "training": "train", "val": "val", "valid": "val",
                 "validation": "val", "test": "test", "testing": "test"}
MAX_PIXELS = 40_000_000  # above this an image is refused as a possible decompression bomb
FEW_IMAGES = 5
IMBALANCE_RATIO = 10.0


class DatasetError(ValueError):
    """The folder cannot be used as a dataset at all; the message says why."""


@dataclass
class ImageRecord:
    path: str  # absolute path of the original file
    label: str  # class name
    split: str | None = None  # "train"/"val"/"test" when the folder fixes it
    width: int = 0
    height: int = 0
    format: str = ""
    size_bytes: int = 0
    needs_conversion: bool = False
    note: str = ""  # e.g. "animated GIF: first frame used"


@dataclass
class Problem:
    path: str
    reason: str


@dataclass
class ScanReport:
    root: str
    layout: str  # "classes" or "splits"
    classes: list[str]
    images: list[ImageRecord]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    duplicates: list[list[str]] = field(default_factory=list)

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
        areas = sorted(self.images, key=lambda r: r.width * r.height)
        return (areas[0].width, areas[0].height), (areas[-1].width, areas[-1].height)

    @property
    def usable_classes(self) -> list[str]:
        counts = self.counts
        return [c for c in self.classes if counts[c] > 0]

    def fingerprint(self) -> str:
        """Hash of the usable file list (relative paths, sizes, labels): changes when the data does."""
        h = hashlib.sha256()
        root = Path(self.root)
        for r in sorted(self.images, key=lambda r: r.path):
            rel = os.path.relpath(r.path, root)
            h.update(f"{rel}\0{r.size_bytes}\0{r.label}\0{r.split}\n".encode("utf-8", "surrogateescape"))
        return h.hexdigest()[:16]

    def check_trainable(self) -> None:
        """Raise :class:`DatasetError` unless at least two classes have images."""
        usable = self.usable_classes
        if len(usable) < 2:
            found = f"only '{usable[0]}'" if usable else "none"
            raise DatasetError(f"{self.root}: a classifier needs at least two classes with usable images "
                               f"(found {found}). Put each class's images in its own subfolder.")

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
        }


# --------------------------------------------------------------------------- scanning


def _is_hidden(name: str) -> bool:
    return name.startswith(".") or name.lower() in SYSTEM_FILES


def _inspect(path: str) -> tuple[dict | None, str | None]:
    """Look at one file with Pillow. Returns (image facts, None) or (None, reason)."""
    from PIL import Image, UnidentifiedImageError

    try:
        size = os.path.getsize(path)
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"
    if size == 0:
        return None, "empty file (0 bytes)"
    ext = os.path.splitext(path)[1].lower()
    try:
        with open(path, "rb") as fh:
            try:
                img = Image.open(fh)
            except UnidentifiedImageError:
                return None, "not an image (unrecognised content)"
            except Image.DecompressionBombError as exc:
                return None, f"refused: image too large, possible decompression bomb ({exc})"
            fmt = (img.format or "").upper()
            width, height = img.size
            if width * height > MAX_PIXELS:
                return None, (f"refused: {width}x{height} pixels is too large to decode safely "
                              f"(limit {MAX_PIXELS:,} pixels)")
            if width < 1 or height < 1:
                return None, "image has no pixels"
            mode = img.mode
            n_frames = getattr(img, "n_frames", 1)
            try:
                orientation = img.getexif().get(0x0112, 1) if fmt in ("JPEG", "TIFF", "WEBP", "PNG") else 1
            except Exception:  # noqa: BLE001 - broken EXIF is not fatal, the pixels may be fine
                orientation = 1
            # A full decode is the only reliable check for truncated or corrupt data.
            try:
                img.load()
            except Image.DecompressionBombError as exc:
                return None, f"refused: possible decompression bomb ({exc})"
            except (OSError, SyntaxError, ValueError) as exc:
                return None, f"corrupt or truncated image ({exc})"
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"

    notes = []
    needs_conversion = False
    tf_formats = {"JPEG": {".jpg", ".jpeg"}, "PNG": {".png"}, "BMP": {".bmp"}, "GIF": {".gif"}}
    if fmt not in tf_formats:
        needs_conversion = True
        notes.append(f"{fmt or 'unknown'} format converted")
    elif ext not in tf_formats[fmt]:
        notes.append(f"{fmt} content with a {ext or 'missing'} extension")
    if mode in ("CMYK", "YCbCr", "LAB", "I;16", "I;16B", "I;16L", "I", "F") or mode.startswith("I;16"):
        needs_conversion = True
        notes.append(f"{mode} colour mode converted to RGB")
    if orientation not in (1, None):
        needs_conversion = True
        notes.append("EXIF orientation applied")
    if fmt == "GIF" and n_frames > 1:
        notes.append(f"animated GIF ({n_frames} frames): first frame used")
    return {"width": width, "height": height, "format": fmt, "size_bytes": size,
            "needs_conversion": needs_conversion, "note": "; ".join(notes)}, None


def _walk_class_folder(folder: Path, problems: list[Problem]) -> list[str]:
    """Every file below a class folder (nested folders included), without following link loops."""
    files: list[str] = []
    seen_dirs: set[tuple[int, int]] = set()

    def onerror(exc: OSError) -> None:
        problems.append(Problem(str(getattr(exc, "filename", folder)), f"cannot read folder: {exc.strerror or exc}"))

    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True, onerror=onerror):
        try:
            st = os.stat(dirpath)
            key = (st.st_dev, st.st_ino)
        except OSError:
            continue
        if key in seen_dirs:
            problems.append(Problem(dirpath, "folder link loop: skipped"))
            dirnames[:] = []
            continue
        seen_dirs.add(key)
        hidden_dirs = [d for d in dirnames if d.startswith(".")]
        for d in hidden_dirs:
            problems.append(Problem(os.path.join(dirpath, d), "hidden folder: skipped"))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            files.append(os.path.join(dirpath, name))
    return files


def _class_folders(folder: Path) -> list[Path]:
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise DatasetError(f"{folder}: cannot read folder ({exc.strerror or exc})") from None
    return [p for p in entries if p.is_dir() and not p.name.startswith(".")]


def detect_layout(root: Path) -> tuple[str, dict[str, Path]]:
    """("splits", {"train": path, ...}) or ("classes", {"": root})."""
    subdirs = {p.name.lower(): p for p in _class_folders(root)}
    splits = {}
    for name, path in subdirs.items():
        if name in SPLIT_ALIASES:
            splits[SPLIT_ALIASES[name]] = path
    if "train" in splits and "val" in splits and set(subdirs) <= set(SPLIT_ALIASES):
        return "splits", splits
    return "classes", {"": root}


def scan_dataset(root: str | Path, workers: int | None = None, progress=None) -> ScanReport:
    """Scan an image folder. Raises :class:`DatasetError` when it is not a folder at all.

    ``progress(done, total)`` is called now and then while files are inspected.
    """
    root = Path(root).expanduser()
    if not root.exists():
        raise DatasetError(f"{root}: folder not found")
    if not root.is_dir():
        raise DatasetError(f"{root}: not a folder")
    root = root.resolve()
    layout, parts = detect_layout(root)
    problems: list[Problem] = []
    candidates: list[tuple[str, str, str | None]] = []  # (path, label, split)
    classes: list[str] = []
    for split, part in parts.items():
        for entry in sorted(part.iterdir(), key=lambda p: p.name) if part.is_dir() else []:
            if entry.is_file() or entry.is_symlink() and not entry.is_dir():
                problems.append(Problem(str(entry), "file outside any class folder: not used"
                                        if not _is_hidden(entry.name) else "hidden or system file: skipped"))
        for class_dir in _class_folders(part):
            label = class_dir.name
            if label not in classes:
                classes.append(label)
            for path in _walk_class_folder(class_dir, problems):
                name = os.path.basename(path)
                if _is_hidden(name):
                    problems.append(Problem(path, "hidden or system file: skipped"))
                    continue
                candidates.append((path, label, split or None))
    classes.sort()

    images: list[ImageRecord] = []
    total = len(candidates)
    with ThreadPoolExecutor(max_workers=workers or min(8, (os.cpu_count() or 2) * 2)) as pool:
        for i, ((path, label, split), (facts, reason)) in enumerate(
                zip(candidates, pool.map(lambda c: _inspect(c[0]), candidates))):
            if progress and (i % 200 == 0 or i == total - 1):
                progress(i + 1, total)
            if reason:
                problems.append(Problem(path, reason))
                continue
            ext = os.path.splitext(path)[1].lower()
            if ext not in IMAGE_EXTENSIONS and ext not in CONVERTIBLE_EXTENSIONS:
                facts["note"] = "; ".join(x for x in (facts["note"], f"unusual extension {ext or '(none)'}") if x)
            images.append(ImageRecord(path=path, label=label, split=split, **facts))

    report = ScanReport(root=str(root), layout=layout, classes=classes, images=images, problems=problems)
    _add_warnings(report)
    return report


def _file_hash(path: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _add_warnings(report: ScanReport) -> None:
    counts = report.counts
    warnings = report.warnings
    if not report.classes:
        warnings.append("No class folders found: put each class's images in its own subfolder.")
    for c, n in counts.items():
        if n == 0:
            warnings.append(f"Class '{c}' has no usable images and will be left out.")
        elif n < FEW_IMAGES:
            warnings.append(f"Class '{c}' has only {n} image{'s' if n != 1 else ''}: results will be unreliable.")
    nonzero = [n for n in counts.values() if n]
    if len(nonzero) >= 2 and max(nonzero) >= IMBALANCE_RATIO * min(nonzero):
        big = max(counts, key=counts.get)
        small = min((c for c in counts if counts[c]), key=counts.get)
        warnings.append(f"Heavy class imbalance: '{big}' has {counts[big]} images, '{small}' only {counts[small]}.")
    # Exact duplicates by content: hash only files whose sizes collide.
    by_size: dict[int, list[ImageRecord]] = {}
    for r in report.images:
        by_size.setdefault(r.size_bytes, []).append(r)
    groups: dict[str, list[ImageRecord]] = {}
    for same in by_size.values():
        if len(same) < 2:
            continue
        for r in same:
            try:
                groups.setdefault(_file_hash(r.path), []).append(r)
            except OSError:
                continue
    for recs in groups.values():
        if len(recs) < 2:
            continue
        report.duplicates.append(sorted(r.path for r in recs))
        labels = {r.label for r in recs}
        splits = {r.split for r in recs if r.split}
        names = ", ".join(os.path.relpath(r.path, report.root) for r in recs[:3])
        if len(labels) > 1:
            warnings.append(f"The same image is in different classes ({', '.join(sorted(labels))}): {names}")
        elif len(splits) > 1:
            warnings.append(f"The same image is in more than one split ({', '.join(sorted(splits))}): {names}")
        else:
            warnings.append(f"Exact duplicate files: {names}")
    if report.problems:
        warnings.append(f"{len(report.problems)} file(s) cannot be used; see the problem list.")


# --------------------------------------------------------------------------- splitting


def _stable_unit(relpath: str, seed: int) -> float:
    digest = hashlib.sha256(f"{seed}:{relpath}".encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_dataset(report: ScanReport, val_fraction: float = 0.2, test_fraction: float = 0.0,
                  seed: int = 42) -> dict[str, list[ImageRecord]]:
    """Stratified, seeded, stable split.

    Each file's split depends only on its relative path and the seed, so adding files never
    moves existing ones. Within each class the files are ranked by that hash and the lowest
    fractions go to test and validation, which keeps each class represented (at least one
    validation image per class that has two or more).
    """
    usable = set(report.usable_classes)
    out: dict[str, list[ImageRecord]] = {"train": [], "val": [], "test": []}
    if report.layout == "splits":
        for r in report.images:
            if r.label in usable:
                out[r.split or "train"].append(r)
        return out
    by_class: dict[str, list[ImageRecord]] = {}
    for r in report.images:
        if r.label in usable:
            by_class.setdefault(r.label, []).append(r)
    root = report.root
    for label, recs in by_class.items():
        ranked = sorted(recs, key=lambda r: _stable_unit(os.path.relpath(r.path, root), seed))
        units = [_stable_unit(os.path.relpath(r.path, root), seed) for r in ranked]
        n_test = sum(1 for u in units if u < test_fraction)
        n_val = sum(1 for u in units if test_fraction <= u < test_fraction + val_fraction)
        if val_fraction > 0 and n_val == 0 and len(ranked) - n_test >= 2:
            n_val = 1  # every class needs a validation example to be measured
        out["test"] += ranked[:n_test]
        out["val"] += ranked[n_test:n_test + n_val]
        out["train"] += ranked[n_test + n_val:]
    return out


# --------------------------------------------------------------------------- conversion


def decodable_path(record: ImageRecord, cache_folder: str | Path) -> str:
    """A path TensorFlow's decoder reads correctly for this image.

    Most files are used as they are. Those marked ``needs_conversion`` (CMYK, 16-bit, EXIF
    orientation, formats TF does not decode) are converted once with Pillow into an RGB PNG in
    ``cache_folder``, keyed by path, size and modification time, so a changed file is redone.
    """
    if not record.needs_conversion:
        return record.path
    from PIL import Image, ImageOps

    st = os.stat(record.path)
    key = hashlib.sha256(f"{record.path}\0{st.st_size}\0{st.st_mtime_ns}".encode("utf-8", "surrogateescape"))
    out = Path(cache_folder) / f"{key.hexdigest()[:24]}.png"
    if out.exists():
        return str(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(record.path) as img:
        img = ImageOps.exif_transpose(img)
        if img.mode.startswith("I;16") or img.mode in ("I", "F"):
            img = img.point(lambda v: v / 256).convert("L") if img.mode != "F" else img.convert("L")
        img = img.convert("RGB")
        tmp = out.with_suffix(".tmp.png")
        img.save(tmp, format="PNG")
        os.replace(tmp, out)
    return str(out)
