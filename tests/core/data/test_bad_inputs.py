"""Issue #5, "Bad dataset input": every messy folder gives a clear message, and what is usable is.

Each case builds a small folder in tmp_path: two good classes of real 32 px photos plus the bad
input, scans it and checks the report. ``test_usable_kinds_decode_in_tensorflow`` then checks that
every image the scanner calls usable really decodes with ``tf.io.decode_image`` (through
``decodable_path``) as HxWx3 uint8 with the right pixels.
"""
from __future__ import annotations

import builtins
import io
import os
import shutil
import struct
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from app.core.data import dataset
from app.core.data.dataset_report import IGNORED, DatasetError, ScanReport
from app.core.data.decoding import decodable_path
from app.core.data.dataset import scan_dataset
from app.core.data.splits import split_dataset
from conftest import copy_subset

RED, GREEN, BLUE = (230, 20, 20), (20, 200, 20), (20, 20, 230)


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def base(tmp_path) -> Path:
    """Two good classes ('daisy', 'dandelion') with 6 real photos each."""
    return copy_subset("flowers-32", tmp_path / "data", classes=2, per_class=6)


def problem_for(report: ScanReport, path: Path) -> str:
    """The reason the scan gives for ``path``; fails when the file is not listed at all."""
    for p in report.problems:
        if Path(p.path) == path:
            return p.reason
    raise AssertionError(f"{path} is not in the problem list: {report.problems}")


def record_for(report: ScanReport, path: Path) -> dataset.ImageRecord:
    for r in report.images:
        if Path(r.path) == path:
            return r
    raise AssertionError(f"{path} is not a usable image; problems: {report.problems}")


def accounted(report: ScanReport) -> set[Path]:
    return {Path(r.path) for r in report.images} | {Path(p.path) for p in report.problems}


def halves(size=(40, 20), left=RED, right=BLUE, mode="RGB") -> Image.Image:
    """An image whose left half is ``left`` and right half ``right``."""
    w, h = size
    img = Image.new("RGB", size, right)
    img.paste(left, (0, 0, w // 2, h))
    return img.convert(mode) if mode != "RGB" else img


def jpeg_bytes(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=95, **kw)
    return buf.getvalue()


def png_bytes(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", **kw)
    return buf.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def raw_png(width: int, height: int, bit_depth: int, color_type: int, rows: bytes | None) -> bytes:
    """A PNG written by hand: 16-bit data and bomb headers Pillow would not write for us."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    idat = zlib.compress(rows if rows is not None else b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def exif_rotated(orientation: int) -> bytes:
    """Stored left red / right blue, with an EXIF orientation tag a viewer applies."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    return jpeg_bytes(halves((40, 20)), exif=exif.tobytes())


# --------------------------------------------------------------------------- unusable files


def test_non_image_files_are_listed_as_not_images(base):
    (base / "daisy" / "notes.txt").write_text("not a picture")
    (base / "daisy" / "labels.csv").write_text("file,label\n1.jpg,plane\n")
    (base / "dandelion" / "movie.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(70_000))
    report = scan_dataset(base)
    for path in (base / "daisy" / "notes.txt", base / "daisy" / "labels.csv", base / "dandelion" / "movie.mp4"):
        assert problem_for(report, path).startswith("not an image")
    assert report.counts == {"daisy": 6, "dandelion": 6}
    assert any("3 files cannot be used" in w and "not an image" in w for w in report.warnings)


def test_known_but_unsupported_formats_say_what_to_do(base):
    (base / "daisy" / "phone.heic").write_bytes(b"\x00\x00\x00\x18ftypheic" + b"\0" * 100)
    # Some phones write the generic 'mif1' brand, which an AVIF reader half-recognises.
    (base / "daisy" / "other.heic").write_bytes(b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic" + b"\0" * 100)
    (base / "daisy" / "layers.psd").write_bytes(b"8BPS\x00\x01" + b"\0" * 100)
    report = scan_dataset(base)
    for name in ("phone.heic", "other.heic"):
        reason = problem_for(report, base / "daisy" / name)
        assert "unsupported format (HEIC)" in reason and "JPEG or PNG" in reason
    assert "unsupported format (Photoshop)" in problem_for(report, base / "daisy" / "layers.psd")


def test_zero_byte_file(base):
    empty = base / "daisy" / "empty.jpg"
    empty.write_bytes(b"")
    report = scan_dataset(base)
    assert problem_for(report, empty) == "empty file (0 bytes)"
    assert report.counts["daisy"] == 6


def test_truncated_jpeg(base):
    data = jpeg_bytes(Image.effect_noise((120, 80), 60).convert("RGB"))
    for name, cut in (("half.jpg", len(data) // 2), ("no_end_marker.jpg", len(data) - 2)):
        (base / "daisy" / name).write_bytes(data[:cut])
    report = scan_dataset(base)
    for name in ("half.jpg", "no_end_marker.jpg"):
        assert problem_for(report, base / "daisy" / name).startswith("corrupt or truncated image")
    assert report.counts["daisy"] == 6


def test_corrupt_and_truncated_png(base):
    data = png_bytes(Image.effect_noise((64, 64), 60).convert("RGB"))
    flipped = bytearray(data)
    middle = len(data) // 2
    flipped[middle:middle + 8] = bytes(255 - b for b in flipped[middle:middle + 8])
    (base / "daisy" / "flipped.png").write_bytes(bytes(flipped))
    (base / "daisy" / "cut.png").write_bytes(data[: len(data) * 2 // 3])
    # Only the end chunk is cut short: Pillow still reads it, TensorFlow refuses it.
    (base / "daisy" / "no_iend.png").write_bytes(data[:-3])
    (base / "daisy" / "garbage.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(500))
    report = scan_dataset(base)
    for name in ("flipped.png", "cut.png", "no_iend.png", "garbage.png"):
        assert "corrupt" in problem_for(report, base / "daisy" / name)
    assert "IEND" in problem_for(report, base / "daisy" / "no_iend.png")
    assert report.counts["daisy"] == 6


def test_decompression_bomb_is_refused_without_decoding(base, monkeypatch):
    bombs = {
        "bomb.png": raw_png(50_000, 50_000, 8, 2, None),  # 2.5 gigapixels, a few hundred bytes
        "wide.png": raw_png(8_000, 6_000, 8, 2, None),  # 48 MP: under Pillow's guard, over ours
    }
    for name, data in bombs.items():
        (base / "daisy" / name).write_bytes(data)
    decoded: list[str] = []
    original_load = Image.Image.load

    def spy_load(self):
        decoded.append(self.size)
        return original_load(self)

    monkeypatch.setattr(Image.Image, "load", spy_load)
    from PIL import ImageFile

    original_file_load = ImageFile.ImageFile.load

    def spy_file_load(self):
        decoded.append(self.size)
        return original_file_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy_file_load)
    report = scan_dataset(base, workers=1)
    for name in bombs:
        reason = problem_for(report, base / "daisy" / name)
        assert reason.startswith("refused") and "decompression bomb" in reason
    assert "2,500,000,000 pixels" in problem_for(report, base / "daisy" / "bomb.png")
    assert "8000x6000 pixels" in problem_for(report, base / "daisy" / "wide.png")
    assert (50_000, 50_000) not in decoded and (8_000, 6_000) not in decoded
    assert decoded, "the spy saw the good images being decoded"


def test_hidden_and_system_files_are_skipped_and_listed(base):
    (base / "daisy" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1" + b"\0" * 50)
    (base / "dandelion" / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 50)
    (base / "daisy" / "._0000.jpg").write_bytes(b"\0\x05\x16\x07" + b"\0" * 50)  # macOS AppleDouble
    (base / "__MACOSX" / "daisy").mkdir(parents=True)
    (base / "__MACOSX" / "daisy" / "._0000.jpg").write_bytes(b"\0\x05\x16\x07")
    (base / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    report = scan_dataset(base)
    assert report.classes == ["daisy", "dandelion"]
    assert report.counts == {"daisy": 6, "dandelion": 6}
    for path in (base / "daisy" / ".DS_Store", base / "dandelion" / "Thumbs.db", base / "daisy" / "._0000.jpg",
                 base / "__MACOSX", base / ".DS_Store"):
        assert "skipped" in problem_for(report, path)
    assert all(p.kind == IGNORED for p in report.problems)
    assert report.unusable == []
    assert any("hidden, system or stray files skipped" in w for w in report.warnings)
    assert not any("cannot be used" in w for w in report.warnings)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loops_and_broken_links(base):
    (base / "daisy" / "loop").symlink_to(base / "daisy", target_is_directory=True)
    (base / "daisy" / "deeper").mkdir()
    (base / "daisy" / "deeper" / "up").symlink_to(base, target_is_directory=True)
    (base / "dandelion" / "self.jpg").symlink_to(base / "dandelion" / "self.jpg")
    (base / "dandelion" / "gone.jpg").symlink_to(base / "nowhere.jpg")
    report = scan_dataset(base)  # must terminate
    assert "link loop" in problem_for(report, base / "daisy" / "loop")
    assert "link loop" in problem_for(report, base / "dandelion" / "self.jpg")
    assert "broken link" in problem_for(report, base / "dandelion" / "gone.jpg")
    assert report.counts == {"daisy": 6, "dandelion": 6}


def test_unreadable_file_simulated(base, monkeypatch):
    locked = sorted((base / "daisy").iterdir())[0]
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):
        if os.fspath(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    report = scan_dataset(base, use_cache=False)
    assert problem_for(report, locked) == "cannot read: permission denied"
    assert report.counts["daisy"] == 5


def test_unreadable_file_and_folder_chmod(base):
    locked = sorted((base / "daisy").iterdir())[0]
    locked_dir = base / "dandelion" / "private"
    locked_dir.mkdir()
    shutil.copy(locked, locked_dir / "x.jpg")
    locked.chmod(0)
    locked_dir.chmod(0)
    try:
        report = scan_dataset(base)
        assert accounted(report) >= {locked}
        if os.geteuid() != 0:  # root reads anything, so only check the message as a normal user
            assert "permission denied" in problem_for(report, locked)
            assert "permission denied" in problem_for(report, locked_dir)
    finally:
        locked.chmod(0o644)
        locked_dir.chmod(0o755)


def test_folder_and_files_vanishing_during_the_scan(base, monkeypatch):
    doomed_file = sorted((base / "daisy").iterdir())[0]
    doomed_folder = base / "dandelion"
    real_list = dataset._list_files
    real_scandir = dataset._scandir_sorted

    def listing_then_delete(*args, **kwargs):
        result = real_list(*args, **kwargs)
        doomed_file.unlink()  # listed, then gone before it is inspected
        return result

    def scandir_after_delete(folder):
        if Path(folder) == doomed_folder:
            shutil.rmtree(doomed_folder)  # the class folder goes between listing the root and walking it
        return real_scandir(folder)

    monkeypatch.setattr(dataset, "_list_files", listing_then_delete)
    monkeypatch.setattr(dataset, "_scandir_sorted", scandir_after_delete)
    report = scan_dataset(base)
    assert problem_for(report, doomed_file) == "file disappeared during the scan"
    assert problem_for(report, doomed_folder) == "folder disappeared during the scan"
    assert report.counts == {"daisy": 5, "dandelion": 0}


def test_the_whole_folder_vanishing_during_the_scan(base, monkeypatch):
    real_detect = dataset.detect_layout

    def detect_then_delete(root):
        result = real_detect(root)
        shutil.rmtree(base)
        return result

    monkeypatch.setattr(dataset, "detect_layout", detect_then_delete)
    with pytest.raises(DatasetError, match="disappeared during the scan"):
        scan_dataset(base)


def test_dataset_folder_vanishing_or_wrong(tmp_path):
    with pytest.raises(DatasetError, match="folder not found"):
        scan_dataset(tmp_path / "missing")
    file = tmp_path / "photo.jpg"
    file.write_bytes(b"x")
    with pytest.raises(DatasetError, match="not a folder"):
        scan_dataset(file)
    with pytest.raises(DatasetError, match="No folder chosen"):
        scan_dataset("")


# --------------------------------------------------------------------------- usable, with a message


def test_wrong_extension_is_read_by_content(base):
    wrong = base / "daisy" / "really_png.jpg"
    wrong.write_bytes(png_bytes(halves()))
    report = scan_dataset(base)
    rec = record_for(report, wrong)
    assert rec.format == "PNG" and "PNG content with a .jpg extension" in rec.note
    assert any("extension does not match their content: 1" in w and "really_png.jpg" in w for w in report.warnings)


def test_cmyk_jpeg_is_converted(base):
    path = base / "daisy" / "cmyk.jpg"
    path.write_bytes(jpeg_bytes(halves().convert("CMYK")))
    report = scan_dataset(base)
    rec = record_for(report, path)
    assert rec.mode == "CMYK" and rec.needs_conversion
    assert any("CMYK" in w for w in report.warnings)


def test_sixteen_bit_png(base):
    gray = struct.pack(">" + "H" * 16, *([0x8000] * 16))
    (base / "daisy" / "gray16.png").write_bytes(raw_png(16, 4, 16, 0, b"".join(b"\0" + gray for _ in range(4))))
    rgb_row = struct.pack(">" + "H" * 48, *([0xFFFF, 0x0000, 0x0000] * 16))
    (base / "daisy" / "rgb16.png").write_bytes(raw_png(16, 4, 16, 2, b"".join(b"\0" + rgb_row for _ in range(4))))
    report = scan_dataset(base)
    assert record_for(report, base / "daisy" / "gray16.png").mode.startswith("I;16")
    assert "16-bit" in record_for(report, base / "daisy" / "rgb16.png").note
    assert any("Images with 16 bits per channel: 2" in w for w in report.warnings)


def test_palette_and_rgba_png(base):
    (base / "daisy" / "palette.png").write_bytes(png_bytes(halves().convert("P")))
    (base / "daisy" / "palette_transparent.png").write_bytes(png_bytes(halves().convert("P"), transparency=0))
    rgba = halves().convert("RGBA")
    rgba.putalpha(128)
    (base / "daisy" / "rgba.png").write_bytes(png_bytes(rgba))
    report = scan_dataset(base)
    assert record_for(report, base / "daisy" / "palette.png").mode == "P"
    assert record_for(report, base / "daisy" / "rgba.png").mode == "RGBA"
    assert any("transparency" in w for w in report.warnings)


def test_grayscale_mixed_with_colour(base):
    (base / "daisy" / "gray.jpg").write_bytes(jpeg_bytes(halves().convert("L")))
    report = scan_dataset(base)
    assert record_for(report, base / "daisy" / "gray.jpg").mode == "L"
    assert any("Grayscale and colour images are mixed" in w for w in report.warnings)


def test_animated_gif_uses_first_frame(base):
    frames = [Image.new("RGB", (24, 24), RED), Image.new("RGB", (24, 24), BLUE)]
    path = base / "daisy" / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    report = scan_dataset(base)
    rec = record_for(report, path)
    assert rec.needs_conversion and "first frame" in rec.note
    assert any(w.startswith("Animated images: 1") for w in report.warnings)


def test_exif_rotated_photo_is_marked_for_conversion(base):
    path = base / "daisy" / "rotated.jpg"
    path.write_bytes(exif_rotated(6))
    report = scan_dataset(base)
    rec = record_for(report, path)
    assert rec.needs_conversion and "EXIF orientation" in rec.note
    assert any("EXIF rotation" in w for w in report.warnings)


def test_one_pixel_image(base):
    path = base / "daisy" / "dot.png"
    Image.new("RGB", (1, 1), RED).save(path)
    report = scan_dataset(base)
    rec = record_for(report, path)
    assert (rec.width, rec.height) == (1, 1)
    assert report.size_range[0] == (1, 1)
    assert any("smaller than 8 px" in w and "dot.png" in w for w in report.warnings)


def test_large_png_is_checked_without_a_full_decode(base, monkeypatch):
    """Checksums and the end chunk decide for big PNGs; decoding 1.2 megapixels is not needed."""
    from PIL import ImageFile

    big = base / "daisy" / "big.png"
    halves((1200, 1000)).save(big, compress_level=1)
    decoded = []
    original_load = ImageFile.ImageFile.load

    def spy_load(self):
        decoded.append(self.size)
        return original_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy_load)
    report = scan_dataset(base, workers=1)
    assert record_for(report, big).width == 1200
    assert (1200, 1000) not in decoded


# --------------------------------------------------------------------------- odd folders


def test_unicode_class_names(tmp_path):
    source = copy_subset("flowers-32", tmp_path / "src", classes=4, per_class=3)
    root = tmp_path / "data"
    root.mkdir()
    names = ["snow leopard", "café ünïcødé", "猫", "狗 dog"]
    for name, folder in zip(names, sorted(source.iterdir())):
        shutil.move(folder, root / name)
    shutil.copy(next((root / "猫").iterdir()), root / "猫" / "照片 1.jpg")
    report = scan_dataset(root)
    assert report.classes == sorted(names)
    assert report.counts["猫"] == 4 and report.counts["snow leopard"] == 3
    split = split_dataset(report, 0.34, 0.0, seed=1)
    assert {r.label for r in split["val"]} == set(report.classes)
    import json

    json.dumps(report.to_dict(), ensure_ascii=False)


def test_nested_folders_count_for_their_class(base):
    deep = base / "daisy" / "2019" / "summer"
    deep.mkdir(parents=True)
    for i, src in enumerate(sorted((base / "dandelion").iterdir())[:2]):
        shutil.copy(src, deep / f"nested_{i}.jpg")
    report = scan_dataset(base)
    assert report.classes == ["daisy", "dandelion"]
    assert report.counts["daisy"] == 8
    assert record_for(report, deep / "nested_0.jpg").label == "daisy"
    assert any("Class 'daisy' has 2 files in subfolders" in w for w in report.warnings)


def test_empty_class_folder(base):
    (base / "empty class").mkdir()
    report = scan_dataset(base)
    assert "empty class" in report.classes
    assert report.usable_classes == ["daisy", "dandelion"]
    assert any("'empty class' has no usable images" in w for w in report.warnings)
    split = split_dataset(report)
    assert "empty class" not in {r.label for part in split.values() for r in part}
    report.check_trainable()


def test_only_one_class(tmp_path):
    root = copy_subset("flowers-32", tmp_path / "data", classes=1, per_class=4)
    report = scan_dataset(root)
    with pytest.raises(DatasetError, match="at least two classes.*found only 'daisy'"):
        report.check_trainable()


def test_wrapper_folder_suggests_the_inner_folder(tmp_path):
    inner = copy_subset("flowers-32", tmp_path / "download" / "flowers", classes=2, per_class=3)
    report = scan_dataset(tmp_path / "download")
    with pytest.raises(DatasetError, match="choose .*flowers instead"):
        report.check_trainable()
    assert any(str(inner) in w for w in report.warnings)


def test_images_without_class_folders(tmp_path):
    root = tmp_path / "flat"
    root.mkdir()
    for i in range(3):
        Image.new("RGB", (8, 8), RED).save(root / f"{i}.png")
    report = scan_dataset(root)
    assert report.classes == [] and len(report.problems) == 3
    assert "outside any class folder" in problem_for(report, root / "0.png")
    with pytest.raises(DatasetError, match="no class folders.*3 images directly inside") as raised:
        report.check_trainable()
    assert "folder above" not in str(raised.value)  # its neighbours hold no images: no such hint


def test_choosing_a_class_folder_suggests_its_parent(tmp_path):
    root = copy_subset("flowers-32", tmp_path / "data", classes=2, per_class=3)
    report = scan_dataset(root / "daisy")
    with pytest.raises(DatasetError, match=f"single class's folder: choose the folder above it, {root}"):
        report.check_trainable()


def test_a_home_folder_is_not_a_dataset(tmp_path):
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "report.pdf").write_bytes(b"%PDF-1.7\n" + b"x" * 300)
    (home / "Documents" / "todo.txt").write_text("buy milk")
    (home / "Music").mkdir()
    (home / "Music" / "song.mp3").write_bytes(b"ID3\x03\x00" + b"\0" * 200)
    (home / "Downloads").mkdir()
    (home / "Downloads" / "setup.sh").write_text("#!/bin/sh\necho hi\n")
    (home / ".cache" / "big").mkdir(parents=True)
    (home / ".bashrc").write_text("alias ll='ls -l'")
    report = scan_dataset(home)
    assert report.images == []
    assert any("does not look like an image dataset" in w for w in report.warnings)
    with pytest.raises(DatasetError, match="does not look like an image dataset"):
        report.check_trainable()
    assert "unsupported format (PDF)" in problem_for(report, home / "Documents" / "report.pdf")


def test_one_strange_file_never_stops_the_scan(base, monkeypatch):
    boom = sorted((base / "daisy").iterdir())[0]
    real_inspect = dataset.inspect_file

    def flaky(path, size=None):
        if path == str(boom):
            raise RuntimeError("decoder exploded")
        return real_inspect(path, size)

    monkeypatch.setattr(dataset, "inspect_file", flaky)
    report = scan_dataset(base)
    assert "decoder exploded" in problem_for(report, boom)
    assert report.counts["daisy"] == 5


# --------------------------------------------------------------------------- TensorFlow agrees


def _usable_kinds(root: Path) -> dict[str, tuple[Path, object]]:
    """Every usable image kind, with a check of the decoded pixels (HxWx3 uint8 numpy array)."""
    import numpy as np

    def near(pixel, colour, tol=40):
        return np.abs(pixel.astype(int) - np.array(colour)).max() <= tol

    def left_red_right_blue(a):
        h, w, _ = a.shape
        return near(a[h // 2, 2], RED) and near(a[h // 2, w - 3], BLUE)

    kinds: dict[str, tuple[Path, object]] = {}
    cls = root / "猫 kinds"
    cls.mkdir()

    def add(name, data, check):
        (cls / name).write_bytes(data)
        kinds[name] = (cls / name, check)

    add("plain.jpg", jpeg_bytes(halves()), left_red_right_blue)
    add("progressive.jpg", jpeg_bytes(halves(), progressive=True), left_red_right_blue)
    add("png_named.jpg", png_bytes(halves()), left_red_right_blue)
    add("cmyk.jpg", jpeg_bytes(halves().convert("CMYK")), left_red_right_blue)
    add("gray.jpg", jpeg_bytes(halves(left=(200, 200, 200), right=(40, 40, 40)).convert("L")),
        lambda a: a[10, 2, 0] > 150 and a[10, 37, 0] < 90 and (a[..., 0] == a[..., 1]).all())
    add("palette.png", png_bytes(halves().convert("P")), left_red_right_blue)
    add("palette_transparent.png", png_bytes(halves().convert("P"), transparency=0), left_red_right_blue)
    rgba = halves().convert("RGBA")
    rgba.putalpha(100)
    add("rgba.png", png_bytes(rgba), left_red_right_blue)
    add("la.png", png_bytes(halves().convert("LA")), lambda a: a.shape == (20, 40, 3))
    gray16 = struct.pack(">" + "H" * 16, *([0x8000] * 16))
    add("gray16.png", raw_png(16, 4, 16, 0, b"".join(b"\0" + gray16 for _ in range(4))),
        lambda a: a.shape == (4, 16, 3) and abs(int(a[0, 0, 0]) - 128) <= 1)
    rgb16 = struct.pack(">" + "H" * 48, *([0xFFFF, 0, 0] * 8 + [0, 0, 0xFFFF] * 8))
    add("rgb16.png", raw_png(16, 4, 16, 2, b"".join(b"\0" + rgb16 for _ in range(4))),
        lambda a: tuple(a[1, 1]) == (255, 0, 0) and tuple(a[1, 14]) == (0, 0, 255))
    add("one_pixel.png", png_bytes(Image.new("RGB", (1, 1), GREEN)),
        lambda a: a.shape == (1, 1, 3) and near(a[0, 0], GREEN))
    buf = io.BytesIO()
    frames = [Image.new("RGB", (24, 24), RED), Image.new("RGB", (24, 24), BLUE)]
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100)
    add("animated.gif", buf.getvalue(), lambda a: a.shape == (24, 24, 3) and near(a[5, 5], RED))
    buf = io.BytesIO()
    halves().save(buf, "BMP")
    add("plain.bmp", buf.getvalue(), left_red_right_blue)
    buf = io.BytesIO()
    halves().convert("P").save(buf, "BMP")
    add("palette.bmp", buf.getvalue(), left_red_right_blue)
    buf = io.BytesIO()
    halves().save(buf, "TIFF")
    add("photo.tiff", buf.getvalue(), left_red_right_blue)
    buf = io.BytesIO()
    halves().save(buf, "WEBP", lossless=True)
    add("photo.webp", buf.getvalue(), left_red_right_blue)

    # EXIF: stored left red / right blue (40x20); a person sees it turned as the tag says.
    def top_bottom(top, bottom):
        return lambda a: a.shape == (40, 20, 3) and near(a[3, 10], top) and near(a[36, 10], bottom)

    add("exif6_cw.jpg", exif_rotated(6), top_bottom(RED, BLUE))  # turn 90° clockwise: left edge goes up
    add("exif8_ccw.jpg", exif_rotated(8), top_bottom(BLUE, RED))  # turn 90° counter-clockwise
    add("exif3_180.jpg", exif_rotated(3),
        lambda a: a.shape == (20, 40, 3) and near(a[10, 2], BLUE) and near(a[10, 37], RED))
    exif = Image.Exif()
    exif[0x0112] = 6
    add("exif6.png", png_bytes(halves((40, 20)), exif=exif.tobytes()), top_bottom(RED, BLUE))
    add("exif2_mirror.jpg", exif_rotated(2),
        lambda a: a.shape == (20, 40, 3) and near(a[10, 2], BLUE) and near(a[10, 37], RED))
    return kinds


def test_usable_kinds_decode_in_tensorflow(base, tmp_path):
    tf = pytest.importorskip("tensorflow")
    kinds = _usable_kinds(base)
    report = scan_dataset(base)
    cache = tmp_path / "converted"
    failures = []
    for name, (path, check) in kinds.items():
        rec = record_for(report, path)
        decoded = tf.io.decode_image(tf.io.read_file(decodable_path(rec, cache)), channels=3,
                                     expand_animations=False).numpy()
        assert decoded.dtype.name == "uint8" and decoded.ndim == 3 and decoded.shape[2] == 3, name
        if not check(decoded):
            failures.append(f"{name}: {decoded.shape}, corner pixels {decoded[0, 0]} {decoded[-1, -1]}")
    assert not failures, failures
    # Every usable record (the real photos too) decodes.
    for rec in report.images:
        tf.io.decode_image(tf.io.read_file(decodable_path(rec, cache)), channels=3, expand_animations=False)


def test_tensorflow_rejects_what_the_scan_rejects(base):
    """The scan's cheap checks agree with TensorFlow on damaged files (no false 'usable')."""
    tf = pytest.importorskip("tensorflow")
    photo = jpeg_bytes(Image.effect_noise((96, 64), 50).convert("RGB"))
    picture = png_bytes(Image.effect_noise((96, 64), 50).convert("RGB"))
    damaged = {
        "cut.jpg": photo[: len(photo) // 2],
        "cut_end.jpg": photo[:-2],
        "cut.png": picture[: len(picture) // 2],
        "no_iend.png": picture[:-1],
        "flipped.png": picture[:200] + bytes(255 - b for b in picture[200:208]) + picture[208:],
    }
    for name, data in damaged.items():
        (base / "daisy" / name).write_bytes(data)
    report = scan_dataset(base)
    for name, data in damaged.items():
        assert problem_for(report, base / "daisy" / name).startswith("corrupt")
        with pytest.raises(tf.errors.InvalidArgumentError):
            tf.io.decode_image(data, channels=3, expand_animations=False)


# --------------------------------------------------------------------------- a real search on all of it


def _add_every_bad_input(root: Path) -> None:
    """The unusable files of this module, dropped into a dataset's classes and root."""
    plane, car = root / "daisy", root / "dandelion"
    (plane / "notes.txt").write_text("not a picture")
    (plane / "empty.jpg").write_bytes(b"")
    photo = jpeg_bytes(Image.effect_noise((120, 80), 60).convert("RGB"))
    (plane / "truncated.jpg").write_bytes(photo[: len(photo) // 2])
    picture = png_bytes(Image.effect_noise((64, 64), 60).convert("RGB"))
    (car / "no_iend.png").write_bytes(picture[:-3])
    (car / "flipped.png").write_bytes(picture[:300] + bytes(255 - b for b in picture[300:308]) + picture[308:])
    (car / "bomb.png").write_bytes(raw_png(50_000, 50_000, 8, 2, None))
    (car / "phone.heic").write_bytes(b"\x00\x00\x00\x18ftypheic" + b"\0" * 100)
    (plane / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (car / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / "README.txt").write_text("stray file")
    (root / "empty class").mkdir()
    nested = plane / "more" / "deeper"
    nested.mkdir(parents=True)
    shutil.copy(sorted(plane.glob("*.jpg"))[0], nested / "nested.jpg")
    if hasattr(os, "symlink"):
        (plane / "loop").symlink_to(plane, target_is_directory=True)
        (car / "self.jpg").symlink_to(car / "self.jpg")
        (car / "gone.jpg").symlink_to(root / "nowhere.jpg")


@pytest.mark.slow
def test_a_real_search_runs_on_a_folder_with_every_bad_input(base):
    pytest.importorskip("tensorflow")
    from app.core.options.config import Augmentation, SearchConfig
    from app.core.search.events import COMPLETED, EventLog
    from app.core.search.runner import run_search

    _usable_kinds(base)  # a third class of every odd-but-usable kind, with a Chinese name
    _add_every_bad_input(base)
    report = scan_dataset(base)
    assert report.usable_classes == ["daisy", "dandelion", "猫 kinds"]
    assert len(report.unusable) >= 9
    config = SearchConfig(data_dir=str(base), name="bad-inputs", architecture="mlp", image_size=16, epochs=1,
                          max_trials=1, batch_size=4, width=8, depth=1, dense_units=8, dropout=0.0, l2=0.0,
                          batch_norm=False, optimizer="adam", learning_rate=0.01, schedule="constant",
                          augmentation=Augmentation(enabled=False), val_fraction=0.25)
    log = EventLog()
    final = run_search(config, log)
    assert final["status"] == COMPLETED, final.get("error")
    started = log.of_type("search_started")[0]
    assert started["classes"] == ["daisy", "dandelion", "猫 kinds"]
    assert started["train_count"] + started["val_count"] + started["test_count"] == len(report.images)
    trials = log.of_type("trial_ended")
    assert [t["status"] for t in trials] == ["COMPLETED"]


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="needs a filesystem that stores raw bytes")
def test_names_that_are_not_valid_text(base):
    good = sorted((base / "daisy").iterdir())[0].read_bytes()
    folder = os.fsencode(base / "daisy")
    with open(os.path.join(folder, b"caf\xe9.jpg"), "wb") as fh:  # Latin-1 bytes, not UTF-8
        fh.write(good)
    os.mkdir(os.path.join(os.fsencode(base), b"cl\xe4ss"))
    with open(os.path.join(os.fsencode(base), b"cl\xe4ss", b"x.jpg"), "wb") as fh:
        fh.write(good)
    (base / "dandelion" / "NO_EXTENSION").write_bytes(good)
    report = scan_dataset(base)
    reasons = {os.path.basename(p.path): p.reason for p in report.problems}
    assert reasons["caf\ufffd.jpg"] == "file name is not valid text (UTF-8): rename it"
    assert reasons["cl\ufffdss"] == "class folder name is not valid text (UTF-8): rename it"
    assert report.classes == ["daisy", "dandelion"]
    assert "missing extension" in record_for(report, base / "dandelion" / "NO_EXTENSION").note
    import json

    json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")  # printable, storable


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_not_opened(base):
    """Opening a FIFO would block the scan forever; it is reported instead."""
    pipe = base / "daisy" / "pipe.jpg"
    os.mkfifo(pipe)
    report = scan_dataset(base)
    assert problem_for(report, pipe) == "not a regular file (device, pipe or socket)"
    assert report.counts["daisy"] == 6
