"""Files TensorFlow cannot decode as they are, converted once into an upright RGB file in a cache."""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from app.core.data.dataset_report import DatasetError, ImageRecord
from app.core.data.image_check import short_error

CONVERSION_VERSION = 3  # bump whenever decodable_path changes its output
CONVERTED_MAX_SIDE = 2048  # twice the largest training size (config.MAX_IMAGE_SIZE)


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
        raise DatasetError(f"{record.path}: cannot convert for training ({short_error(exc)})") from None
    return str(out)
