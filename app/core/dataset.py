"""Reading an image folder: what is in it, what cannot be used and why, and a stable split.

Two layouts are accepted:

* ``DIR/<class>/...images``: one subfolder per class (nested folders count for their class);
  the split is made here;
* ``DIR/train/<class>/...``, ``DIR/val/<class>/...`` and optional ``DIR/test/<class>/...``:
  the user's own split is kept (a missing val or test split is carved out of train).

Every file found is either usable or listed in ``problems`` with its reason: nothing is dropped
silently. Hidden and system files (``.DS_Store``, ``Thumbs.db``) are listed too, as ``ignored``.

Each image is checked the way TensorFlow will read it, but cheaply (measured in
``bench/scan_speed.py``): the header gives the size (huge images are refused before any
decode), JPEGs are decoded at 1/8 scale (catches every truncation and corruption TensorFlow
rejects, 8x faster than a full decode), PNGs have their chunk checksums verified and must end with
a complete IEND chunk (TensorFlow rejects PNGs that lack it even though Pillow reads them), and
the other formats are fully decoded because they are converted anyway. Files TensorFlow cannot
decode correctly as they are (CMYK JPEG, BMP, GIF, WebP, TIFF, EXIF-rotated photos) are
marked ``needs_conversion``: :func:`decodable_path` converts those once into an upright RGB file.
``bench/scan_speed.py --agreement`` checks the verdicts against ``tf.io.decode_image`` on 390
damaged JPEG/PNG/GIF/BMP files: no file the scan calls usable fails in TensorFlow.

Results are cached in ``paths.cache_dir()/scan-cache.sqlite3`` keyed by path, size and
modification time, so re-scanning an unchanged folder only costs the directory walk.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import sqlite3
import stat as stat_module
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".bmp", ".gif"}
# Pillow reads these too; we convert them for TensorFlow.
CONVERTIBLE_EXTENSIONS = {".webp", ".tif", ".tiff", ".ppm", ".pgm", ".pbm", ".pnm", ".avif",
                          ".tga", ".ico", ".jp2", ".j2k", ".qoi", ".dib"}
# Common picture formats we cannot read: named so the message can say what to do.
UNSUPPORTED_EXTENSIONS = {
    ".heic": "HEIC", ".heif": "HEIF", ".svg": "SVG", ".psd": "Photoshop", ".pdf": "PDF",
    ".eps": "EPS", ".raw": "camera RAW", ".cr2": "camera RAW", ".cr3": "camera RAW",
    ".nef": "camera RAW", ".arw": "camera RAW", ".dng": "camera RAW", ".orf": "camera RAW",
    ".rw2": "camera RAW", ".jxl": "JPEG XL", ".xcf": "GIMP",
}
SYSTEM_FILES = {".ds_store", "thumbs.db", "desktop.ini", ".directory", "ehthumbs.db", "icon\r"}
SYSTEM_FOLDERS = {"__macosx", "@eadir", "$recycle.bin", "system volume information", "__pycache__",
                  ".trashes", ".spotlight-v100", ".fseventsd"}
SPLIT_NAMES = ("train", "val", "test")
SPLIT_ALIASES = {"train": "train", "training": "train", "val": "val", "valid": "val",
                 "validation": "val", "test": "test", "testing": "test"}

# Formats Pillow may identify a file as. TGA has no signature, so it is only tried for .tga files
# (otherwise random binary files can pass as TGA).
PILLOW_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "DIB", "WEBP", "TIFF", "PPM", "AVIF", "QOI")
EXTRA_FORMATS_BY_EXTENSION = {".tga": "TGA", ".ico": "ICO", ".jp2": "JPEG2000", ".j2k": "JPEG2000"}
# Formats tf.io.decode_image reads correctly as they are (given the checks below). Not BMP: TF
# refuses BMPs with bytes after the pixels and reads 8-bit palette BMPs as wrong colours.
TF_NATIVE_FORMATS = {"JPEG", "MPO", "PNG"}
EXTENSIONS_BY_FORMAT = {"JPEG": {".jpg", ".jpeg", ".jpe", ".jfif"}, "MPO": {".jpg", ".jpeg", ".mpo"},
                        "PNG": {".png"}, "BMP": {".bmp", ".dib"}, "DIB": {".bmp", ".dib"},
                        "GIF": {".gif"}, "WEBP": {".webp"}, "TIFF": {".tif", ".tiff"},
                        "PPM": {".ppm", ".pgm", ".pbm", ".pnm"}, "AVIF": {".avif"}, "QOI": {".qoi"},
                        "TGA": {".tga"}, "ICO": {".ico"}, "JPEG2000": {".jp2", ".j2k"}}
GRAYSCALE_MODES = {"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"}

MAX_PIXELS = 40_000_000  # above this an image is refused as a possible decompression bomb
MAX_FILE_BYTES = 512 * 2**20  # no usable training image is this large
WHOLE_READ_BYTES = 16 * 2**20  # files up to this size are read once into memory
HEAD_BYTES = 64 * 1024  # enough to recognise any image signature
FULL_PNG_DECODE_PIXELS = 1_000_000  # small PNGs are also fully decoded (cheap, catches bad zlib data)
TINY_SIDE = 8  # images smaller than this a side carry little information
FEW_IMAGES = 5
IMBALANCE_RATIO = 10.0
PROCESS_THRESHOLD = 10_000  # files to inspect before worker processes pay for their start-up
MAX_LISTED_WARNINGS = 5  # per kind of per-file warning; the rest is summarised
SCAN_VERSION = 6  # bump whenever _inspect changes its verdicts: invalidates the scan cache
CONVERSION_VERSION = 3  # bump whenever decodable_path changes its output
CONVERTED_MAX_SIDE = 2048  # twice the largest training size (config.MAX_IMAGE_SIZE)
_PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"

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


# --------------------------------------------------------------------------- inspecting one file


def _is_hidden(name: str) -> bool:
    return name.startswith(".") or name.lower() in SYSTEM_FILES


def _is_system_folder(name: str) -> bool:
    return name.startswith(".") or name.lower() in SYSTEM_FOLDERS


def relative_path(path: str, root: str) -> str:
    """``path`` relative to ``root`` (fast for the usual case of a path inside root)."""
    prefix = root if root.endswith(os.sep) else root + os.sep
    if path.startswith(prefix):
        return path[len(prefix):]
    return os.path.relpath(path, root)


def _printable(path: str) -> str:
    """``path`` with bytes that are not UTF-8 shown as U+FFFD, safe to print, store and display."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _valid_text(path: str) -> bool:
    """False for names with bytes that are not UTF-8 (TensorFlow and JSON cannot carry them)."""
    try:
        path.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


@dataclass(slots=True)
class _Outcome:
    """What inspecting one file found: facts of a usable image, or why it is not usable."""

    facts: dict | None = None
    reason: str = ""
    notes: tuple = ()  # short keys ("cmyk", "exif", ...) behind the warnings
    cacheable: bool = True  # False for passing conditions (unreadable, vanished)


def _stat_failure(path: str, exc: OSError) -> _Outcome:
    import errno

    if exc.errno == errno.ELOOP:
        return _Outcome(reason="symbolic link loop: the link points back to itself", cacheable=False)
    if isinstance(exc, FileNotFoundError):
        if os.path.islink(path):
            return _Outcome(reason="broken link: its target does not exist", cacheable=False)
        return _Outcome(reason="file disappeared during the scan", cacheable=False)
    if isinstance(exc, PermissionError):
        return _Outcome(reason="cannot read: permission denied", cacheable=False)
    return _Outcome(reason=f"cannot read: {exc.strerror or exc}", cacheable=False)


def _not_an_image(path: str, head: bytes) -> _Outcome:
    ext = os.path.splitext(path)[1].lower()
    if ext in UNSUPPORTED_EXTENSIONS:
        return _Outcome(reason=f"unsupported format ({UNSUPPORTED_EXTENSIONS[ext]}): convert it to JPEG or PNG")
    from PIL import Image

    # Name formats Pillow knows but we do not train on (PSD, EPS, ICNS...), by signature only.
    try:
        for fmt, (_, accept) in Image.OPEN.items():
            if fmt != "TGA" and accept is not None and accept(head[:16]):
                if fmt in PILLOW_FORMATS or fmt in EXTRA_FORMATS_BY_EXTENSION.values():
                    return _Outcome(reason=f"corrupt image: it starts like a {fmt} file but its header is damaged")
                return _Outcome(reason=f"unsupported image format ({fmt}): convert it to JPEG or PNG")
    except Exception:  # noqa: BLE001 - a plugin's signature test misbehaving is not the file's fault
        pass
    if ext in IMAGE_EXTENSIONS or ext in CONVERTIBLE_EXTENSIONS:
        return _Outcome(reason=f"not an image: the content is not a {ext[1:].upper()} file "
                               "(damaged, or not really a picture)")
    return _Outcome(reason="not an image (unrecognised content)")


def _inspect(path: str, size: int | None = None) -> _Outcome:
    """Look at one file the way TensorFlow will read it (see the module docstring)."""
    from PIL import Image, UnidentifiedImageError

    if size is None:
        try:
            size = os.stat(path).st_size
        except OSError as exc:
            return _stat_failure(path, exc)
    if size == 0:
        return _Outcome(reason="empty file (0 bytes)")
    if size > MAX_FILE_BYTES:
        return _Outcome(reason=f"refused: {size / 2**20:.0f} MB is too large for a training image")
    ext = os.path.splitext(path)[1].lower()
    formats = PILLOW_FORMATS + ((EXTRA_FORMATS_BY_EXTENSION[ext],) if ext in EXTRA_FORMATS_BY_EXTENSION else ())
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
            if len(head) < size and not _has_image_signature(head, formats):
                return _not_an_image(path, head)  # never read a large non-image file to its end
            if size <= WHOLE_READ_BYTES:
                data = head + fh.read()
                content_hash = hashlib.blake2b(data, digest_size=16).hexdigest()
                outcome = _check_image(path, ext, io.BytesIO(data), data, len(data), content_hash, formats)
            else:
                fh.seek(0)
                content_hash = hashlib.file_digest(fh, lambda: hashlib.blake2b(digest_size=16)).hexdigest()
                fh.seek(0)
                outcome = _check_image(path, ext, fh, None, size, content_hash, formats)
            if outcome.facts is None and outcome.reason.startswith("corrupt") and ext in UNSUPPORTED_EXTENSIONS:
                # e.g. a HEIC photo whose container an AVIF reader half-recognises
                return _Outcome(reason=f"unsupported format ({UNSUPPORTED_EXTENSIONS[ext]}): convert it to JPEG or PNG")
            return outcome
    except (UnidentifiedImageError, SyntaxError):
        return _not_an_image(path, head)
    except FileNotFoundError:
        return _Outcome(reason="file disappeared during the scan", cacheable=False)
    except PermissionError:
        return _Outcome(reason="cannot read: permission denied", cacheable=False)
    except IsADirectoryError:
        return _Outcome(reason="not a file", cacheable=False)
    except OSError as exc:
        return _Outcome(reason=f"cannot read: {exc.strerror or exc}", cacheable=False)


def _has_image_signature(head: bytes, formats: Iterable[str]) -> bool:
    from PIL import Image

    prefix = head[:16]
    for fmt in formats:
        entry = Image.OPEN.get(fmt)
        if entry is None:
            continue
        accept = entry[1]
        try:
            if accept is None or accept(prefix):
                return True
        except Exception:  # noqa: BLE001
            return True  # let Image.open decide
    return False


def _check_image(path: str, ext: str, source, data: bytes | None, size: int, content_hash: str,
                 formats: tuple) -> _Outcome:
    """Identify, size-check and integrity-check one image read from ``source``."""
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(source, formats=formats)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size_text = f"{int(found.group(1)):,} pixels" if found else "too many pixels"
        return _Outcome(reason=f"refused: {size_text} is too large to decode safely (limit {MAX_PIXELS:,} "
                               "pixels; possible decompression bomb)")
    except UnidentifiedImageError:
        raise
    except OSError as exc:
        if isinstance(exc, (FileNotFoundError, PermissionError)):
            raise
        return _Outcome(reason=f"corrupt or truncated image: {_short_error(exc)}")
    except Exception as exc:  # noqa: BLE001 - plugins raise many types for a damaged header
        return _Outcome(reason=f"corrupt image: unreadable header ({_short_error(exc)})")
    with img:
        fmt = (img.format or "").upper()
        width, height = img.size
        if width * height > MAX_PIXELS:
            return _Outcome(reason=(f"refused: {width}x{height} pixels is too large to decode safely "
                                    f"(limit {MAX_PIXELS:,} pixels; possible decompression bomb)"))
        if width < 1 or height < 1:
            return _Outcome(reason="corrupt image: it has no pixels")
        mode = img.mode
        animated = bool(getattr(img, "is_animated", False))
        # Pillow opens 16-bit colour PNGs as 8-bit RGB; the raw mode of the tile tells.
        deep = mode.startswith("I;16") or mode in ("I", "F") or any(";16" in str(t[3]) for t in img.tile or ())
        try:
            _verify_pixels(img, fmt, source, data, width, height)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            return _Outcome(reason=f"refused: possible decompression bomb ({exc})")
        except MemoryError:
            return _Outcome(reason="refused: not enough memory to decode this image")
        except Exception as exc:  # noqa: BLE001 - decoders raise many types for damaged data
            return _Outcome(reason=f"corrupt or truncated image: {_short_error(exc)}")
        orientation = _orientation(img, fmt)

    notes: list[tuple[str, str]] = []
    needs_conversion = False
    if fmt not in TF_NATIVE_FORMATS:
        needs_conversion = True
        notes.append(("format", f"{fmt} converted to PNG for training"))
    if ext not in EXTENSIONS_BY_FORMAT.get(fmt, {ext}):
        notes.append(("extension", f"{fmt} content with a {ext or 'missing'} extension: read by content"))
    if mode == "CMYK" or mode == "YCbCr" or mode == "LAB":
        needs_conversion = True
        notes.append(("cmyk", f"{mode} colours converted to RGB"))
    if deep:
        notes.append(("16bit", "16-bit image reduced to 8 bits per channel"))
    if mode in ("RGBA", "LA", "La", "RGBa", "PA") or (mode == "P" and "transparency" in img.info):
        notes.append(("alpha", "transparency dropped"))
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        needs_conversion = True
        notes.append(("exif", "EXIF orientation applied"))
    if animated:
        needs_conversion = True
        notes.append(("animated", f"animated {fmt}: first frame used"))
    if width < TINY_SIDE or height < TINY_SIDE:
        notes.append(("tiny", f"only {width}x{height} px"))
    if mode in GRAYSCALE_MODES:
        notes.append(("grayscale", "grayscale: used as 3 equal channels"))
    facts = {"width": width, "height": height, "format": fmt, "size_bytes": size, "mode": mode,
             "needs_conversion": needs_conversion, "note": "; ".join(text for _, text in notes),
             "content_hash": content_hash}
    return _Outcome(facts=facts, notes=tuple(key for key, _ in notes))


def _verify_pixels(img, fmt: str, source, data: bytes | None, width: int, height: int) -> None:
    """Raise if TensorFlow would fail to decode this image; as cheaply as that can be known."""
    from PIL import Image

    if fmt in ("JPEG", "MPO"):
        # Decoding at 1/8 scale still walks all entropy-coded data: same verdicts as a full decode.
        img.draft(img.mode, ((width + 7) // 8, (height + 7) // 8))
        img.load()
        return
    if fmt == "PNG":
        tail = data if data is not None else _read_tail(source)  # junk may follow IEND
        if _PNG_IEND not in tail:
            raise OSError("truncated PNG: the end chunk (IEND) is missing")
        if width * height <= FULL_PNG_DECODE_PIXELS:
            img.load()  # cheap here, and catches damaged compressed data with valid checksums
        source.seek(0)
        with Image.open(source, formats=("PNG",)) as fresh:
            fresh.verify()  # every chunk checksum, as libpng (TensorFlow) checks them
        return
    img.load()


def _orientation(img, fmt: str) -> int:
    """The EXIF orientation tag (1 = upright), read without decoding the pixels."""
    if fmt == "PNG" and "exif" not in img.info:
        return 1  # Pillow's PNG getexif() would decode the whole image to look further
    try:
        return int(img.getexif().get(0x0112, 1) or 1)
    except Exception:  # noqa: BLE001 - broken EXIF is not fatal, the pixels may be fine
        return 1


def _read_tail(fp) -> bytes:
    fp.seek(0, os.SEEK_END)
    end = fp.tell()
    fp.seek(max(0, end - 4096))
    return fp.read()


def _short_error(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


# --------------------------------------------------------------------------- the scan cache


class _ScanCache:
    """Inspection results keyed by (path, size, mtime); never lets a cache failure stop a scan.

    Rows of the folder being scanned are loaded into a dict up front (one query), looked up from
    the worker threads, and new results are written back in one transaction at the end.
    """

    SCHEMA = 1  # PRAGMA user_version; a different one drops the table
    COLUMNS = ("width", "height", "format", "mode", "needs_conversion", "note", "content_hash")

    def __init__(self, root: str, enabled: bool):
        self.entries: dict[str, tuple] = {}
        self.db: sqlite3.Connection | None = None
        if not enabled:
            return
        try:
            from .paths import cache_dir

            self.db = sqlite3.connect(str(cache_dir() / "scan-cache.sqlite3"), timeout=5)
            if self.db.execute("PRAGMA user_version").fetchone()[0] != self.SCHEMA:
                with self.db:
                    self.db.execute("DROP TABLE IF EXISTS scan_cache")
                    self.db.execute(f"PRAGMA user_version = {self.SCHEMA}")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS scan_cache (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, "
                "version INTEGER, reason TEXT, notes TEXT, width INTEGER, height INTEGER, format TEXT, "
                "mode TEXT, needs_conversion INTEGER, note TEXT, content_hash TEXT)")
            prefix = root.rstrip(os.sep) + os.sep
            rows = self.db.execute(
                "SELECT path, size, mtime_ns, reason, notes, " + ", ".join(self.COLUMNS) +
                " FROM scan_cache WHERE version = ? AND path >= ? AND path < ?",
                (SCAN_VERSION, prefix, prefix[:-1] + chr(ord(os.sep) + 1)))
            self.entries = {row[0]: row[1:] for row in rows}
        except (sqlite3.Error, OSError, UnicodeError):
            self._close()

    def get(self, path: str, size: int, mtime_ns: int) -> _Outcome | None:
        entry = self.entries.get(path)
        if entry is None or entry[0] != size or entry[1] != mtime_ns:
            return None
        reason, notes = entry[2], entry[3]
        notes = tuple(notes.split(",")) if notes else ()
        if reason:
            return _Outcome(reason=reason, notes=notes)
        facts = dict(zip(self.COLUMNS, entry[4:]))
        facts["needs_conversion"] = bool(facts["needs_conversion"])
        facts["size_bytes"] = size
        return _Outcome(facts=facts, notes=notes)

    def save(self, fresh: list[tuple[str, int, int, _Outcome]], seen: set[str]) -> None:
        if self.db is None:
            return

        def row(path, size, mtime_ns, outcome):
            facts = outcome.facts or {}
            return (path, size, mtime_ns, SCAN_VERSION, outcome.reason, ",".join(outcome.notes),
                    *(facts.get(c) for c in self.COLUMNS))

        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO scan_cache VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                    (row(*item) for item in fresh if item[3].cacheable))
                gone = [(p,) for p in self.entries if p not in seen]
                if gone:
                    self.db.executemany("DELETE FROM scan_cache WHERE path = ?", gone)
        except (sqlite3.Error, UnicodeError):
            pass
        finally:
            self._close()

    def _close(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
        self.db = None


# --------------------------------------------------------------------------- walking the folder


def _scandir_sorted(folder: str) -> list[os.DirEntry]:
    with os.scandir(folder) as it:
        return sorted(it, key=lambda e: e.name)


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows links; False for broken links and link loops
    except OSError:
        return False


def _folder_problem(path: str, exc: OSError) -> Problem:
    if isinstance(exc, FileNotFoundError):
        return Problem(path, "folder disappeared during the scan")
    if isinstance(exc, PermissionError):
        return Problem(path, "cannot read folder: permission denied")
    return Problem(path, f"cannot read folder: {exc.strerror or exc}")


def _walk_class_folder(folder: str, label: str, split: str | None, problems: list[Problem],
                       seen_dirs: set[tuple[int, int]], reserved: set[tuple[int, int]],
                       out: list[tuple[str, str, str | None]], nested: Counter, cancel=None) -> None:
    """Append every file below a class folder (nested folders included) without following link loops.

    ``seen_dirs`` are folders already walked; ``reserved`` are the root, split and class folders,
    which a link inside a class must not pull into that class.
    """
    stack = [folder]
    while stack:
        if cancel is not None and cancel.is_set():
            raise ScanCancelled(f"{folder}: scan cancelled")
        current = stack.pop()
        try:
            st = os.stat(current)
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs or (current != folder and key in reserved):
                problems.append(Problem(current, "folder link loop or second link to a folder already "
                                                 "scanned: skipped", IGNORED))
                continue
            seen_dirs.add(key)
            entries = _scandir_sorted(current)
        except OSError as exc:
            problems.append(_folder_problem(current, exc))
            continue
        subfolders = []
        for entry in entries:
            if _is_dir(entry):
                if _is_system_folder(entry.name):
                    problems.append(Problem(entry.path, "hidden or system folder: skipped", IGNORED))
                elif not _valid_text(entry.name):
                    problems.append(Problem(_printable(entry.path), "folder name is not valid text (UTF-8): rename it"))
                else:
                    subfolders.append(entry.path)
            elif _is_hidden(entry.name):
                problems.append(Problem(entry.path, "hidden or system file: skipped", IGNORED))
            elif not _valid_text(entry.name):
                problems.append(Problem(_printable(entry.path), "file name is not valid text (UTF-8): rename it"))
            else:
                out.append((entry.path, label, split))
                if current != folder:
                    nested[label] += 1
        stack.extend(reversed(subfolders))  # depth-first, in name order


def _class_folders(folder: str) -> list[os.DirEntry]:
    try:
        entries = _scandir_sorted(folder)
    except FileNotFoundError:
        raise DatasetError(f"{folder}: folder not found (was it moved or deleted?)") from None
    except PermissionError:
        raise DatasetError(f"{folder}: cannot read folder (permission denied)") from None
    except OSError as exc:
        raise DatasetError(f"{folder}: cannot read folder ({exc.strerror or exc})") from None
    return [e for e in entries if _is_dir(e) and not _is_system_folder(e.name)]


def detect_layout(root: Path) -> tuple[str, dict[str, Path]]:
    """("splits", {"train": path, "val": path, ...}) or ("classes", {"": root}).

    A folder whose only subfolders are split names (train and at least one of val/test) is a
    split layout; anything else is a class layout.
    """
    subdirs = {e.name.lower(): Path(e.path) for e in _class_folders(str(root))}
    splits: dict[str, Path] = {}
    for name, path in subdirs.items():
        if name in SPLIT_ALIASES:
            splits.setdefault(SPLIT_ALIASES[name], path)
    if "train" in splits and len(splits) >= 2 and set(subdirs) <= set(SPLIT_ALIASES):
        return "splits", splits
    return "classes", {"": root}


def _root_entries(root: Path) -> list[os.DirEntry]:
    try:
        return _scandir_sorted(str(root))
    except FileNotFoundError:
        raise DatasetError(f"{root}: the folder disappeared during the scan") from None
    except OSError as exc:
        raise DatasetError(f"{root}: cannot read folder ({exc.strerror or exc})") from None


def _loose_file(path: str, where: str) -> Problem:
    """A file beside the class folders: an image there is lost data, a README or LICENSE is not."""
    if os.path.splitext(path)[1].lower() in IMAGE_EXTENSIONS | CONVERTIBLE_EXTENSIONS:
        return Problem(path, f"image {where}: not used (move it into its class folder)")
    return Problem(path, f"file {where}: not used", IGNORED)


def _list_files(root: Path, layout: str, parts: dict[str, Path], problems: list[Problem], cancel=None
                ) -> tuple[list[str], list[tuple[str, str, str | None]], Counter, int]:
    """Classes, candidate files (path, label, split), nested-file counts per class, loose images."""
    classes: list[str] = []
    candidates: list[tuple[str, str, str | None]] = []
    nested: Counter = Counter()
    loose_images = 0
    seen_dirs: set[tuple[int, int]] = set()
    class_dirs: list[tuple[str, os.DirEntry]] = []
    if layout == "splits":
        used = {str(p) for p in parts.values()}
        for entry in _root_entries(root):
            if entry.path in used:
                continue
            if _is_hidden(entry.name) or (_is_dir(entry) and _is_system_folder(entry.name)):
                problems.append(Problem(entry.path, "hidden or system file: skipped", IGNORED))
            elif _is_dir(entry):
                problems.append(Problem(entry.path, "a second folder for the same split: not used "
                                                    "(merge it into the other one)"))
            else:
                problems.append(_loose_file(entry.path, "outside the train/val/test folders"))
    for split, part in parts.items():
        if part == root:
            entries = _root_entries(root)
        else:
            try:
                entries = _scandir_sorted(str(part))
            except OSError as exc:
                problems.append(_folder_problem(str(part), exc))
                continue
        for entry in entries:
            if _is_dir(entry):
                if _is_system_folder(entry.name):
                    problems.append(Problem(entry.path, "hidden or system folder: skipped", IGNORED))
                    continue
                if not _valid_text(entry.name):
                    problems.append(Problem(_printable(entry.path),
                                            "class folder name is not valid text (UTF-8): rename it"))
                    continue
                class_dirs.append((split, entry))
            elif _is_hidden(entry.name):
                problems.append(Problem(entry.path, "hidden or system file: skipped", IGNORED))
            else:
                where = f"'{split}' folder" if split else "folder"
                problems.append(_loose_file(entry.path, f"directly in the {where}, outside any class folder"))
                loose_images += problems[-1].kind == UNUSABLE
    # Known up front so that a link into the root or another class is never walked as this class.
    reserved: set[tuple[int, int]] = set()
    for folder in [str(root), *map(str, parts.values()), *(e.path for _, e in class_dirs)]:
        try:
            st = os.stat(folder)
            reserved.add((st.st_dev, st.st_ino))
        except OSError:
            pass
    for split, entry in class_dirs:
        label = entry.name
        if label not in classes:
            classes.append(label)
        _walk_class_folder(entry.path, label, split or None, problems, seen_dirs, reserved, candidates, nested,
                           cancel)
    classes.sort()
    return classes, candidates, nested, loose_images


# --------------------------------------------------------------------------- the scan


def _stat_and_lookup(path: str, cache: _ScanCache) -> tuple[_Outcome | None, tuple[int, int] | None, bool]:
    """(outcome or None when the file must be inspected, (size, mtime_ns) or None, came from cache)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return _stat_failure(path, exc), None, False
    if not stat_module.S_ISREG(st.st_mode):
        return _Outcome(reason="not a regular file (device, pipe or socket)", cacheable=False), None, False
    key = (st.st_size, st.st_mtime_ns)
    cached = cache.get(path, *key)
    return cached, key, cached is not None


def _inspect_many(items: list[tuple[str, int]]) -> list[_Outcome]:
    """Inspect (path, size) pairs; runs in a worker thread or a worker process."""
    outcomes = []
    for path, size in items:
        try:
            outcomes.append(_inspect(path, size))
        except Exception as exc:  # noqa: BLE001 - one strange file must never stop the whole scan
            outcomes.append(_Outcome(reason=f"cannot inspect: {_short_error(exc)}", cacheable=False))
    return outcomes


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


def _in_daemon_process() -> bool:
    import multiprocessing

    return bool(multiprocessing.current_process().daemon)


def _worker_pool(use_processes: bool, workers: int):
    """Processes for big first scans (Pillow's header parsing holds the GIL), threads otherwise."""
    if use_processes:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        try:
            # spawn, never fork: the window's process has Qt and worker threads running.
            return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        except (OSError, ValueError, ImportError):
            pass  # e.g. no /dev/shm for the queue's semaphores: threads work everywhere
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scan")


def scan_dataset(root: str | Path, workers: int | None = None, progress: Callable[[int, int], None] | None = None,
                 cancel=None, use_cache: bool = True, processes: bool | None = None) -> ScanReport:
    """Scan an image folder. Raises :class:`DatasetError` when it is not a folder at all.

    ``progress(done, total)`` is called in the calling thread now and then while files are
    inspected. ``cancel`` is anything with ``is_set()``; when set, :class:`ScanCancelled` is
    raised (what was inspected so far is kept in the scan cache). ``use_cache=False`` inspects
    every file again. ``processes`` chooses worker processes over threads for inspecting files;
    by default they are used when more than ``PROCESS_THRESHOLD`` files need a look and there
    is more than one CPU.
    """
    started = time.perf_counter()
    if not str(root).strip():
        raise DatasetError("No folder chosen: choose the folder that holds one subfolder per class.")
    root = Path(root).expanduser()
    try:
        if not root.exists():
            raise DatasetError(f"{root}: folder not found")
        if not root.is_dir():
            raise DatasetError(f"{root}: not a folder (choose the folder that holds the class folders)")
        root = root.resolve()
    except OSError as exc:  # e.g. a root that is itself a link loop
        raise DatasetError(f"{root}: cannot open folder ({exc.strerror or exc})") from None
    if not _valid_text(str(root)):
        raise DatasetError(f"{root}: the folder's path is not valid text (UTF-8); rename it")
    from PIL import Image

    Image.init()  # import every plugin once, before threads race to do it
    layout, parts = detect_layout(root)
    problems: list[Problem] = []
    classes, candidates, nested, loose_images = _list_files(root, layout, parts, problems, cancel=cancel)

    def cancelled() -> bool:
        return cancel is not None and cancel.is_set()

    cache = _ScanCache(str(root), use_cache)
    total = len(candidates)
    cpus = os.cpu_count() or 1
    threads = workers or min(8, cpus * 2)
    outcomes: list[_Outcome | None] = [None] * total
    keys: list[tuple[int, int] | None] = [None] * total
    fresh: list[tuple[str, int, int, _Outcome]] = []
    cache_hits = 0

    # 1. stat every file and answer what the cache knows (threads: stat waits on the disk).
    stat_chunks = [range(i, min(i + 256, total)) for i in range(0, total, 256)]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="scan-stat") as pool:
        looked_up = pool.map(lambda idx: [_stat_and_lookup(candidates[i][0], cache) for i in idx], stat_chunks)
        for idx, results in zip(stat_chunks, looked_up):
            for i, (outcome, key, hit) in zip(idx, results):
                outcomes[i], keys[i] = outcome, key
                cache_hits += hit
    if cancelled():
        raise ScanCancelled(f"{root}: scan cancelled")
    misses = [i for i in range(total) if outcomes[i] is None]
    done = total - len(misses)
    if progress:
        progress(done, total)

    # 2. inspect the rest.
    if processes is None:
        processes = len(misses) >= PROCESS_THRESHOLD and cpus > 1 and workers != 1
    if processes and _in_daemon_process():
        processes = False  # a daemonic process (the training child) cannot start processes of its own
    chunk_size = 256 if processes else 64
    chunks = [misses[i:i + chunk_size] for i in range(0, len(misses), chunk_size)]
    pool_size = (workers or min(8, cpus)) if processes else threads
    while chunks:
        pool = _worker_pool(processes, pool_size)
        try:
            work = [[(candidates[i][0], keys[i][0]) for i in chunk] for chunk in chunks]
            for chunk, results in zip(list(chunks), pool.map(_inspect_many, work)):
                for i, outcome in zip(chunk, results):
                    outcomes[i] = outcome
                    fresh.append((candidates[i][0], keys[i][0], keys[i][1], outcome))
                chunks.pop(0)
                done += len(chunk)
                if progress:
                    progress(done, total)
                if cancelled():
                    cache.save(fresh, set(cache.entries))  # keep the work done: a new scan resumes from it
                    raise ScanCancelled(f"{root}: scan cancelled")
        except (OSError, RuntimeError):  # BrokenProcessPool is a RuntimeError
            if not processes:
                raise
            processes, pool_size = False, threads  # a worker process died or could not start: use threads
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    cache.save(fresh, {path for path, _, _ in candidates})

    images: list[ImageRecord] = []
    note_examples: dict[str, list[str]] = {}
    for (path, label, split), outcome in zip(candidates, outcomes):
        if outcome.facts is None:
            problems.append(Problem(path, outcome.reason))
            continue
        images.append(ImageRecord(path=path, label=label, split=split, **outcome.facts))
        for note in outcome.notes:
            note_examples.setdefault(note, []).append(path)
    report = ScanReport(root=str(root), layout=layout, classes=classes, images=images, problems=problems)
    report.stats = {"files": total, "images": len(images), "cache_hits": cache_hits, "inspected": len(misses),
                    "workers": f"{pool_size} {'processes' if processes else 'threads'}",
                    "seconds": round(time.perf_counter() - started, 3), "loose_images": loose_images,
                    "hint": _folder_hint(root, layout, classes, loose_images)}
    _add_warnings(report, note_examples, nested)
    return report


def _holds_images(folder: str, look_at: int = 50) -> bool:
    """Whether one of the first entries of ``folder`` has an image extension (a cheap guess)."""
    try:
        with os.scandir(folder) as it:
            for n, entry in enumerate(it):
                if n >= look_at:
                    break
                if os.path.splitext(entry.name)[1].lower() in IMAGE_EXTENSIONS | CONVERTIBLE_EXTENSIONS:
                    return True
    except OSError:
        pass
    return False


def _folder_hint(root: Path, layout: str, classes: list[str], loose_images: int) -> str:
    """When the user picked the folder above or below the dataset, say which one to pick."""
    try:
        if layout == "classes" and len(classes) == 1:  # e.g. an unzipped archive's wrapper folder
            inner = root / classes[0]
            if len(_class_folders(str(inner))) >= 2:
                return (f" It holds one folder, '{classes[0]}', whose subfolders look like classes: "
                        f"choose {inner} instead.")
        if not classes and loose_images and root.parent != root:  # a class folder itself
            siblings = [e for e in _class_folders(str(root.parent)) if e.path != str(root)]
            if any(_holds_images(e.path) for e in siblings[:20]):
                return f" This looks like a single class's folder: choose the folder above it, {root.parent}."
    except DatasetError:
        pass
    return ""


# --------------------------------------------------------------------------- warnings


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


_NOTE_WARNINGS = {
    "extension": "Images whose extension does not match their content: {n} (e.g. {example}); "
                 "they are read by their content.",
    "format": "Images in a format TensorFlow cannot read directly or correctly: {n} (e.g. {example}); "
              "they are converted to PNG for training.",
    "cmyk": "CMYK images: {n} (e.g. {example}); they are converted to RGB.",
    "16bit": "Images with 16 bits per channel: {n} (e.g. {example}); they are reduced to 8 bits.",
    "alpha": "Images with transparency: {n} (e.g. {example}); it is dropped and transparent areas keep "
             "their stored colour.",
    "exif": "Photos with an EXIF rotation: {n} (e.g. {example}); they are turned upright for training.",
    "animated": "Animated images: {n} (e.g. {example}); only the first frame is used.",
    "tiny": "Images smaller than {tiny} px on a side: {n} (e.g. {example}); they are stretched to the "
            "training size and carry little information.",
}


def _add_warnings(report: ScanReport, note_examples: dict[str, list[str]], nested: Counter) -> None:
    """Most important first: the window shows the first few."""
    counts = report.counts
    warnings = report.warnings
    root = report.root

    def rel(path: str) -> str:
        return relative_path(path, root) if path.startswith(root) else path

    if report.stats.get("hint"):
        warnings.append(report.stats["hint"].strip())
    if not report.classes:
        loose = report.stats.get("loose_images", 0)
        warnings.append("No class folders found: put each class's images in its own subfolder"
                        + (f" ({_plural(loose, 'image')} lie directly in the folder)." if loose else "."))
    files = report.stats.get("files", 0)
    unusable = [p for p in report.problems if p.kind != IGNORED]
    if report.classes and not report.images and files:
        warnings.append(f"This does not look like an image dataset: none of its {_plural(files, 'file')} "
                        "is a usable image.")
    elif files >= 20 and len(report.images) < files / 2:
        warnings.append(f"Most files here are not usable images ({len(report.images)} of {files}): "
                        "is this the right folder?")
    if unusable:
        reasons = Counter(p.reason.split(":")[0].split(" (")[0] for p in unusable)
        summary = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common(4))
        warnings.append(f"{_plural(len(unusable), 'file')} cannot be used ({summary}); see the problem list.")
    for c, n in counts.items():
        if n == 0:
            warnings.append(f"Class '{c}' has no usable images and will be left out.")
        elif n < FEW_IMAGES:
            warnings.append(f"Class '{c}' has only {_plural(n, 'image')}: results will be unreliable.")
    if heavily_imbalanced(counts):
        big = max(counts, key=counts.get)
        small = min((c for c in counts if counts[c]), key=counts.get)
        warnings.append(f"Heavy class imbalance: '{big}' has {counts[big]} images, '{small}' only {counts[small]}.")
    by_folded: dict[str, list[str]] = {}
    for c in report.classes:
        by_folded.setdefault(c.casefold().strip(), []).append(c)
    for names in by_folded.values():
        if len(names) > 1:
            warnings.append(f"Class names that differ only in case or spaces: {', '.join(repr(n) for n in names)}; "
                            "they are separate classes. Rename the folders if they are meant to be one.")
    if report.layout == "splits":
        for split in sorted({r.split for r in report.images if r.split}):
            present = {r.label for r in report.images if r.split == split}
            missing = [c for c in report.usable_classes if c not in present]
            if missing:
                warnings.append(f"The '{split}' split has no images of {', '.join(repr(c) for c in missing)}.")
    _add_duplicate_warnings(report, rel)
    gray = len(note_examples.get("grayscale", ()))
    if 0 < gray < len(report.images):
        warnings.append(f"Grayscale and colour images are mixed ({gray} of {len(report.images)} grayscale, "
                        f"e.g. {rel(note_examples['grayscale'][0])}); grayscale ones are used as 3 equal channels.")
    for key, template in _NOTE_WARNINGS.items():
        paths = note_examples.get(key)
        if paths:
            warnings.append(template.format(n=len(paths), example=rel(paths[0]), tiny=TINY_SIDE))
    for label, n in sorted(nested.items()):
        warnings.append(f"Class '{label}' has {_plural(n, 'file')} in subfolders; they count as '{label}'.")
    ignored = len(report.problems) - len(unusable)
    if ignored:
        example = next(p.path for p in report.problems if p.kind == IGNORED)
        warnings.append(f"{_plural(ignored, 'hidden, system or stray file')} skipped (e.g. {rel(example)}).")


def _add_duplicate_warnings(report: ScanReport, rel) -> None:
    groups: dict[str, list[ImageRecord]] = {}
    for r in report.images:
        if r.content_hash:
            groups.setdefault(r.content_hash, []).append(r)
    conflicts, leaks, plain = [], [], []
    for recs in groups.values():
        if len(recs) < 2:
            continue
        report.duplicates.append(sorted(r.path for r in recs))
        labels = {r.label for r in recs}
        splits = {r.split for r in recs if r.split}
        (conflicts if len(labels) > 1 else leaks if len(splits) > 1 else plain).append(recs)
    report.duplicates.sort()

    def names(recs):
        shown = ", ".join(rel(r.path) for r in recs[:3])
        return shown + (f" and {len(recs) - 3} more" if len(recs) > 3 else "")

    def conflict(recs):
        return f"The same image is in different classes ({', '.join(sorted({r.label for r in recs}))}): {names(recs)}"

    def leak(recs):
        splits = ", ".join(sorted({r.split for r in recs if r.split}))
        return f"The same image is in more than one split ({splits}), which inflates validation scores: {names(recs)}"

    def duplicate(recs):
        return f"Exact duplicate files: {names(recs)}"

    # Only the first few of each kind are spelled out; with thousands, the rest is a count.
    for items, describe, what in ((conflicts, conflict, "images in more than one class"),
                                  (leaks, leak, "images shared between splits"),
                                  (plain, duplicate, "groups of exact duplicates")):
        items.sort(key=lambda recs: recs[0].path)
        report.warnings.extend(describe(recs) for recs in items[:MAX_LISTED_WARNINGS])
        if len(items) > MAX_LISTED_WARNINGS:
            report.warnings.append(f"... and {len(items) - MAX_LISTED_WARNINGS} more {what}.")


# --------------------------------------------------------------------------- splitting


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


# --------------------------------------------------------------------------- conversion


def _to_rgb(img):
    """An RGB copy of any Pillow image, scaling high-bit-depth data instead of clipping it."""
    from PIL import Image

    mode = img.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        import numpy as np

        values = np.asarray(img, dtype=np.float64)
        top = 65535.0 if (mode.startswith("I;16") or values.max(initial=0) > 255) else 255.0
        if mode == "F" and values.max(initial=0) <= 1.0:
            top = 1.0
        gray = np.clip(values / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(gray, mode="L").convert("RGB")
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in img.info):
        # Drop alpha the way tf.io.decode_image(channels=3) does: keep the stored colour.
        return img.convert("RGBA").convert("RGB") if mode == "P" else img.convert("RGB")
    return img.convert("RGB")


def decodable_path(record: ImageRecord, cache_folder: str | Path) -> str:
    """A path TensorFlow's decoder reads correctly for this image.

    Most files are used as they are. Those marked ``needs_conversion`` (CMYK, EXIF orientation,
    animated or formats TF does not decode correctly) are converted once with Pillow into an
    upright RGB file in ``cache_folder`` (JPEG for photos, PNG otherwise; at most
    ``CONVERTED_MAX_SIDE`` px, since training never uses more), keyed by path, size and
    modification time, so a changed file is redone.
    Raises :class:`DatasetError` when the file can no longer be read.
    """
    if not record.needs_conversion:
        return record.path
    from PIL import Image, ImageOps

    try:
        st = os.stat(record.path)
    except OSError as exc:
        raise DatasetError(f"{record.path}: cannot read ({exc.strerror or exc}); was it moved or deleted?") from None
    key = hashlib.sha256(f"{CONVERSION_VERSION}\0{record.path}\0{st.st_size}\0{st.st_mtime_ns}"
                         .encode("utf-8", "surrogateescape"))
    photo = record.format in ("JPEG", "MPO")
    out = Path(cache_folder) / f"{key.hexdigest()[:24]}.{'jpg' if photo else 'png'}"
    if out.is_file() and out.stat().st_size > 0:
        return str(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.stem}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    try:
        with Image.open(record.path) as img:
            longest = max(img.size)
            if photo and longest > CONVERTED_MAX_SIDE:
                # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: much faster for big photos.
                img.draft(img.mode, (img.width * CONVERTED_MAX_SIDE // longest,
                                     img.height * CONVERTED_MAX_SIDE // longest))
            img.seek(0)  # animated: the first frame, as TensorFlow's expand_animations=False
            rgb = _to_rgb(ImageOps.exif_transpose(img))
            if max(rgb.size) > CONVERTED_MAX_SIDE:
                rgb.thumbnail((CONVERTED_MAX_SIDE, CONVERTED_MAX_SIDE), Image.Resampling.LANCZOS)
            if photo:
                rgb.save(tmp, format="JPEG", quality=95)
            else:
                rgb.save(tmp, format="PNG", compress_level=1)
        os.replace(tmp, out)
    except Exception as exc:  # noqa: BLE001 - any decoder failure becomes one clear message
        tmp.unlink(missing_ok=True)
        raise DatasetError(f"{record.path}: cannot convert for training ({_short_error(exc)})") from None
    return str(out)
