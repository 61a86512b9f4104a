"""Inspecting one file the way TensorFlow will read it, cheaply (see app/core/data/dataset.py's docstring)."""
from __future__ import annotations

import hashlib
import io
import os
import re
from dataclasses import dataclass
from typing import Iterable

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


_PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"


@dataclass(slots=True)
class Outcome:
    """What inspecting one file found: facts of a usable image, or why it is not usable."""

    facts: dict | None = None
    reason: str = ""
    notes: tuple = ()  # short keys ("cmyk", "exif", ...) behind the warnings
    cacheable: bool = True  # False for passing conditions (unreadable, vanished)


def stat_failure(path: str, exc: OSError) -> Outcome:
    import errno

    if exc.errno == errno.ELOOP:
        return Outcome(reason="symbolic link loop: the link points back to itself", cacheable=False)
    if isinstance(exc, FileNotFoundError):
        if os.path.islink(path):
            return Outcome(reason="broken link: its target does not exist", cacheable=False)
        return Outcome(reason="file disappeared during the scan", cacheable=False)
    if isinstance(exc, PermissionError):
        return Outcome(reason="cannot read: permission denied", cacheable=False)
    return Outcome(reason=f"cannot read: {exc.strerror or exc}", cacheable=False)


def _not_an_image(path: str, head: bytes) -> Outcome:
    ext = os.path.splitext(path)[1].lower()
    if ext in UNSUPPORTED_EXTENSIONS:
        return Outcome(reason=f"unsupported format ({UNSUPPORTED_EXTENSIONS[ext]}): convert it to JPEG or PNG")
    from PIL import Image

    # Name formats Pillow knows but we do not train on (PSD, EPS, ICNS...), by signature only.
    try:
        for fmt, (_, accept) in Image.OPEN.items():
            if fmt != "TGA" and accept is not None and accept(head[:16]):
                if fmt in PILLOW_FORMATS or fmt in EXTRA_FORMATS_BY_EXTENSION.values():
                    return Outcome(reason=f"corrupt image: it starts like a {fmt} file but its header is damaged")
                return Outcome(reason=f"unsupported image format ({fmt}): convert it to JPEG or PNG")
    except Exception:  # noqa: BLE001 - a plugin's signature test misbehaving is not the file's fault
        pass
    if ext in IMAGE_EXTENSIONS or ext in CONVERTIBLE_EXTENSIONS:
        return Outcome(reason=f"not an image: the content is not a {ext[1:].upper()} file "
                               "(damaged, or not really a picture)")
    return Outcome(reason="not an image (unrecognised content)")


def inspect_file(path: str, size: int | None = None) -> Outcome:
    """Look at one file the way TensorFlow will read it (see the module docstring)."""
    from PIL import UnidentifiedImageError

    if size is None:
        try:
            size = os.stat(path).st_size
        except OSError as exc:
            return stat_failure(path, exc)
    if size == 0:
        return Outcome(reason="empty file (0 bytes)")
    if size > MAX_FILE_BYTES:
        return Outcome(reason=f"refused: {size / 2**20:.0f} MB is too large for a training image")
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
                return Outcome(reason=f"unsupported format ({UNSUPPORTED_EXTENSIONS[ext]}): convert it to JPEG or PNG")
            return outcome
    except (UnidentifiedImageError, SyntaxError):
        return _not_an_image(path, head)
    except FileNotFoundError:
        return Outcome(reason="file disappeared during the scan", cacheable=False)
    except PermissionError:
        return Outcome(reason="cannot read: permission denied", cacheable=False)
    except IsADirectoryError:
        return Outcome(reason="not a file", cacheable=False)
    except OSError as exc:
        return Outcome(reason=f"cannot read: {exc.strerror or exc}", cacheable=False)


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
                 formats: tuple) -> Outcome:
    """Identify, size-check and integrity-check one image read from ``source``."""
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(source, formats=formats)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size_text = f"{int(found.group(1)):,} pixels" if found else "too many pixels"
        return Outcome(reason=f"refused: {size_text} is too large to decode safely (limit {MAX_PIXELS:,} "
                               "pixels; possible decompression bomb)")
    except UnidentifiedImageError:
        raise
    except OSError as exc:
        if isinstance(exc, (FileNotFoundError, PermissionError)):
            raise
        return Outcome(reason=f"corrupt or truncated image: {short_error(exc)}")
    except Exception as exc:  # noqa: BLE001 - plugins raise many types for a damaged header
        return Outcome(reason=f"corrupt image: unreadable header ({short_error(exc)})")
    with img:
        fmt = (img.format or "").upper()
        width, height = img.size
        if width * height > MAX_PIXELS:
            return Outcome(reason=(f"refused: {width}x{height} pixels is too large to decode safely "
                                    f"(limit {MAX_PIXELS:,} pixels; possible decompression bomb)"))
        if width < 1 or height < 1:
            return Outcome(reason="corrupt image: it has no pixels")
        mode = img.mode
        animated = bool(getattr(img, "is_animated", False))
        # Pillow opens 16-bit colour PNGs as 8-bit RGB; the raw mode of the tile tells.
        deep = mode.startswith("I;16") or mode in ("I", "F") or any(";16" in str(t[3]) for t in img.tile or ())
        try:
            _verify_pixels(img, fmt, source, data, width, height)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            return Outcome(reason=f"refused: possible decompression bomb ({exc})")
        except MemoryError:
            return Outcome(reason="refused: not enough memory to decode this image")
        except Exception as exc:  # noqa: BLE001 - decoders raise many types for damaged data
            return Outcome(reason=f"corrupt or truncated image: {short_error(exc)}")
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
    return Outcome(facts=facts, notes=tuple(key for key, _ in notes))


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


def short_error(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
