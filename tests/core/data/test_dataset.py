"""Dataset scanning and splitting: layouts, counts, the split's stability, fingerprint and scan cache."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from app.core.data.dataset_report import DatasetError, ScanCancelled
from app.core.data.decoding import decodable_path
from app.core.data.dataset import detect_layout, scan_dataset
from app.core.data.splits import split_dataset
from conftest import REPO_ROOT, copy_subset


def make_images(folder: Path, count: int, start: int = 0, size: int = 16) -> list[Path]:
    """``count`` small distinct PNGs (different content, so no duplicate warnings)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"img_{i:04d}.png"
        Image.new("RGB", (size, size), (i % 256, (i * 7) % 256, (i * 13) % 256)).save(path)
        paths.append(path)
    return paths


def split_of(split: dict) -> dict[str, str]:
    return {r.path: name for name, records in split.items() for r in records}


# --------------------------------------------------------------------------- layouts and counts


def test_class_layout_counts_formats_sizes(tiny_dataset):
    report = scan_dataset(tiny_dataset)
    assert report.layout == "classes"
    assert report.classes == ["daisy", "dandelion", "roses"]
    assert report.counts == {"daisy": 6, "dandelion": 6, "roses": 6}
    assert report.formats == {"JPEG": 18}
    assert report.size_range == ((32, 32), (32, 32))
    assert report.problems == [] and report.warnings == []
    assert all(r.split is None and not r.needs_conversion for r in report.images)
    report.check_trainable()
    data = json.loads(json.dumps(report.to_dict()))
    assert data["counts"] == report.counts and data["image_count"] == 18 and data["fingerprint"]


def test_split_layout_keeps_the_users_split(tmp_path):
    root = tmp_path / "data"
    for split, n in (("train", 6), ("val", 2), ("test", 2)):
        for cls in ("cats", "dogs"):
            make_images(root / split / cls, n, start=100 * len(split) + (50 if cls == "dogs" else 0))
    report = scan_dataset(root)
    assert report.layout == "splits"
    assert report.classes == ["cats", "dogs"]
    assert report.counts == {"cats": 10, "dogs": 10}
    split = split_dataset(report, val_fraction=0.5, test_fraction=0.3, seed=3)  # fractions don't apply
    assert {k: len(v) for k, v in split.items()} == {"train": 12, "val": 4, "test": 4}
    assert all(Path(r.path).parts[-3] == name for name, recs in split.items() for r in recs)


def test_split_layout_aliases_and_missing_val_is_carved_from_train(tmp_path):
    root = tmp_path / "data"
    for cls in ("a", "b"):
        make_images(root / "training" / cls, 10, start=0 if cls == "a" else 50)
        make_images(root / "testing" / cls, 3, start=200 if cls == "a" else 250)
    layout, parts = detect_layout(root)
    assert layout == "splits" and set(parts) == {"train", "test"}
    report = scan_dataset(root)
    split = split_dataset(report, val_fraction=0.2, seed=1)
    assert len(split["test"]) == 6 and all("testing" in r.path for r in split["test"])
    assert {r.label for r in split["val"]} == {"a", "b"}
    assert all("training" in r.path for r in split["val"] + split["train"])
    assert len(split["train"]) + len(split["val"]) == 20


def test_split_layout_reports_stray_files_and_missing_classes(tmp_path):
    root = tmp_path / "data"
    make_images(root / "train" / "a", 4)
    make_images(root / "train" / "b", 4, start=10)
    make_images(root / "val" / "a", 2, start=20)
    (root / "README.txt").write_text("my dataset")
    report = scan_dataset(root)
    assert report.layout == "splits"
    readme = next(p for p in report.problems if p.path.endswith("README.txt"))
    assert "outside the train/val/test" in readme.reason and readme.kind == "ignored"
    assert any("'val' split has no images of 'b'" in w for w in report.warnings)


def test_documents_beside_the_classes_are_skipped_quietly_but_images_are_not(tiny_dataset):
    (tiny_dataset / "LICENSE.txt").write_text("CC-BY")
    Image.new("RGB", (8, 8)).save(tiny_dataset / "stray.png")
    report = scan_dataset(tiny_dataset)
    reasons = {Path(p.path).name: (p.kind, p.reason) for p in report.problems}
    assert reasons["LICENSE.txt"][0] == "ignored"
    assert reasons["stray.png"] == ("unusable", "image directly in the folder, outside any class folder: not used "
                                                "(move it into its class folder)")
    assert [p.path for p in report.unusable] == [str(tiny_dataset / "stray.png")]


def test_class_names_differing_only_in_case_are_flagged(tmp_path):
    root = tmp_path / "data"
    make_images(root / "train" / "Cats", 3)
    make_images(root / "train" / "dogs", 3, start=10)
    make_images(root / "val" / "cats", 2, start=20)
    make_images(root / "val" / "dogs", 2, start=30)
    report = scan_dataset(root)
    assert report.classes == ["Cats", "cats", "dogs"]
    assert any("differ only in case" in w and "'Cats', 'cats'" in w for w in report.warnings)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_class_folders_may_be_links_to_elsewhere(tmp_path):
    make_images(tmp_path / "storage" / "cats", 4)
    make_images(tmp_path / "d" / "dogs", 4, start=10)
    (tmp_path / "d" / "cats").symlink_to(tmp_path / "storage" / "cats", target_is_directory=True)
    report = scan_dataset(tmp_path / "d")
    assert report.counts == {"cats": 4, "dogs": 4}
    assert all(r.path.startswith(str(tmp_path / "d")) for r in report.images)


def test_a_class_called_test_does_not_make_a_split_layout(tmp_path):
    make_images(tmp_path / "d" / "test", 3)
    make_images(tmp_path / "d" / "cats", 3, start=10)
    assert scan_dataset(tmp_path / "d").layout == "classes"


# --------------------------------------------------------------------------- splitting


def test_split_is_stratified_and_respects_fractions(tmp_path):
    root = tmp_path / "data"
    make_images(root / "big", 60)
    make_images(root / "small", 12, start=100)
    report = scan_dataset(root)
    split = split_dataset(report, val_fraction=0.25, test_fraction=0.25, seed=7)
    per = {name: Counter(r.label for r in recs) for name, recs in split.items()}
    for name in ("val", "test"):
        assert per[name]["big"] >= 1 and per[name]["small"] >= 1
        assert 5 <= per[name]["big"] <= 25  # about 15 of 60
    assert sum(len(v) for v in split.values()) == 72
    assert len({r.path for recs in split.values() for r in recs}) == 72  # no file in two splits


def test_tiny_classes_still_get_a_validation_image(tmp_path):
    root = tmp_path / "data"
    make_images(root / "a", 2)
    make_images(root / "b", 3, start=10)
    split = split_dataset(scan_dataset(root), val_fraction=0.01)
    assert Counter(r.label for r in split["val"]) == {"a": 1, "b": 1}
    assert Counter(r.label for r in split["train"]) == {"a": 1, "b": 2}


def test_split_is_seeded_and_deterministic(tmp_path):
    root = tmp_path / "data"
    make_images(root / "a", 30)
    make_images(root / "b", 30, start=100)
    report = scan_dataset(root)
    first = split_of(split_dataset(report, 0.3, seed=1))
    assert split_of(split_dataset(scan_dataset(root), 0.3, seed=1)) == first
    assert split_of(split_dataset(report, 0.3, seed=2)) != first


def test_files_keep_their_split_when_files_are_added(tmp_path):
    root = tmp_path / "data"
    make_images(root / "a", 40)
    make_images(root / "b", 40, start=100)
    before = split_of(split_dataset(scan_dataset(root), 0.2, 0.1, seed=5))
    make_images(root / "a", 25, start=40)
    make_images(root / "b", 25, start=140)
    make_images(root / "c", 20, start=300)
    after = split_of(split_dataset(scan_dataset(root), 0.2, 0.1, seed=5))
    assert len(after) == len(before) + 70
    moved = {p: (before[p], after[p]) for p in before if after[p] != before[p]}
    # The only exception: a class with no file in a split is lent its closest candidate; once
    # a file of its own lands there, the lent one goes back. At most one per class and split.
    assert len(moved) <= 2, moved
    assert all(old in ("val", "test") for old, _ in moved.values()), moved
    assert sum(1 for p in before if after[p] == before[p]) >= len(before) - 2


def test_split_survives_moving_the_dataset_folder(tmp_path):
    make_images(tmp_path / "one" / "a", 20)
    make_images(tmp_path / "one" / "b", 20, start=50)
    def relative_split(root):
        return {os.path.relpath(p, root): s for p, s in split_of(split_dataset(scan_dataset(root))).items()}

    before = relative_split(tmp_path / "one")
    shutil.move(tmp_path / "one", tmp_path / "two")
    after = relative_split(tmp_path / "two")
    assert before == after


def test_bad_fractions_are_refused(tiny_dataset):
    report = scan_dataset(tiny_dataset)
    with pytest.raises(ValueError, match="val_fraction"):
        split_dataset(report, val_fraction=1.5)
    with pytest.raises(ValueError, match="together"):
        split_dataset(report, val_fraction=0.6, test_fraction=0.5)


# --------------------------------------------------------------------------- fingerprint


def test_fingerprint_changes_when_the_data_does(tiny_dataset):
    base = scan_dataset(tiny_dataset).fingerprint()
    assert scan_dataset(tiny_dataset).fingerprint() == base
    first = sorted((tiny_dataset / "roses").iterdir())[0]
    os.utime(first, (1_000_000, 1_000_000))  # touched, same content: same data
    assert scan_dataset(tiny_dataset).fingerprint() == base

    extra = tiny_dataset / "roses" / "extra.png"
    Image.new("RGB", (32, 32), (1, 2, 3)).save(extra)
    added = scan_dataset(tiny_dataset).fingerprint()
    assert added != base
    extra.unlink()
    assert scan_dataset(tiny_dataset).fingerprint() == base

    data = bytearray(first.read_bytes())  # same size, different pixels
    img = Image.open(first).convert("RGB")
    img.putpixel((0, 0), (255, 255, 255))
    img.save(first, "JPEG", quality=75)
    assert scan_dataset(tiny_dataset).fingerprint() != base
    first.write_bytes(bytes(data))
    assert scan_dataset(tiny_dataset).fingerprint() == base

    shutil.move(first, tiny_dataset / "daisy" / first.name)  # relabelled
    assert scan_dataset(tiny_dataset).fingerprint() != base


# --------------------------------------------------------------------------- warnings


def test_few_images_and_imbalance_warnings(tmp_path):
    make_images(tmp_path / "d" / "many", 40)
    make_images(tmp_path / "d" / "few", 3, start=100)
    report = scan_dataset(tmp_path / "d")
    assert any("'few' has only 3 images" in w for w in report.warnings)
    assert any("Heavy class imbalance: 'many' has 40 images, 'few' only 3" in w for w in report.warnings)


def test_duplicates_within_across_classes_and_splits(tmp_path):
    root = tmp_path / "d"
    a = make_images(root / "a", 6)
    make_images(root / "b", 6, start=100)
    shutil.copy(a[0], root / "a" / "copy.png")
    shutil.copy(a[1], root / "b" / "same_as_a1.png")
    report = scan_dataset(root)
    assert sorted(map(sorted, report.duplicates)) == sorted([sorted([str(a[0]), str(root / "a" / "copy.png")]),
                                                             sorted([str(a[1]), str(root / "b" / "same_as_a1.png")])])
    assert any(w.startswith("Exact duplicate files") and "copy.png" in w for w in report.warnings)
    assert any("different classes (a, b)" in w for w in report.warnings)

    splits = tmp_path / "s"
    t = make_images(splits / "train" / "a", 4)
    make_images(splits / "train" / "b", 4, start=10)
    make_images(splits / "val" / "a", 2, start=20)
    make_images(splits / "val" / "b", 2, start=30)
    shutil.copy(t[0], splits / "val" / "a" / "leak.png")
    report = scan_dataset(splits)
    assert any("more than one split (train, val)" in w and "leak.png" in w for w in report.warnings)


def test_many_duplicate_groups_are_summarised(tmp_path):
    root = tmp_path / "d"
    for i, path in enumerate(make_images(root / "a", 12)):
        shutil.copy(path, root / "a" / f"dup_{i}.png")
    make_images(root / "b", 3, start=100)
    report = scan_dataset(root)
    assert len(report.duplicates) == 12
    assert sum(w.startswith("Exact duplicate files") for w in report.warnings) == 5
    assert any("and 7 more groups of exact duplicates" in w for w in report.warnings)


# --------------------------------------------------------------------------- scan cache, progress, cancel


def test_rescan_is_answered_by_the_cache_and_notices_changes(tiny_dataset):
    first = scan_dataset(tiny_dataset)
    assert first.stats["cache_hits"] == 0
    again = scan_dataset(tiny_dataset)
    assert again.stats["cache_hits"] == 18
    assert [(r.path, r.width, r.content_hash) for r in again.images] == \
        [(r.path, r.width, r.content_hash) for r in first.images]
    victim = sorted((tiny_dataset / "roses").iterdir())[0]
    victim.write_bytes(victim.read_bytes()[:300])  # truncated after the first scan
    changed = scan_dataset(tiny_dataset)
    assert changed.stats["cache_hits"] == 17
    assert [p.path for p in changed.problems] == [str(victim)]
    assert scan_dataset(tiny_dataset, use_cache=False).stats["cache_hits"] == 0


def test_cache_failure_never_stops_a_scan(tiny_dataset, monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("x")
    monkeypatch.setattr("app.core.util.paths.cache_dir", lambda: blocked / "cache")
    assert scan_dataset(tiny_dataset).counts["roses"] == 6


def test_progress_reaches_the_total(tiny_dataset):
    calls = []
    scan_dataset(tiny_dataset, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (18, 18)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_cancel_stops_the_scan(tiny_dataset):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ScanCancelled):
        scan_dataset(tiny_dataset, cancel=cancel)
    assert isinstance(ScanCancelled("x"), DatasetError)


def test_cancel_midway_keeps_the_work_done_for_the_next_scan(tmp_path):
    root = tmp_path / "d"
    make_images(root / "a", 100)
    make_images(root / "b", 100, start=200)
    cancel = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        cancel.set()  # the user presses Cancel after the first batch of files

    with pytest.raises(ScanCancelled):
        scan_dataset(root, workers=1, progress=progress, cancel=cancel)
    assert seen and seen[0] < 200
    again = scan_dataset(root)
    assert 0 < again.stats["cache_hits"] < 200
    assert again.counts == {"a": 100, "b": 100}


def test_worker_processes_give_the_same_report_as_threads(tiny_dataset):
    (tiny_dataset / "roses" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really")
    by_threads = scan_dataset(tiny_dataset, use_cache=False, processes=False)
    by_processes = scan_dataset(tiny_dataset, use_cache=False, processes=True, workers=2)
    assert by_processes.stats["workers"] == "2 processes"
    assert by_processes.to_dict() | {"stats": None} == by_threads.to_dict() | {"stats": None}
    assert [p.path for p in by_processes.problems] == [str(tiny_dataset / "roses" / "broken.jpg")]


def test_worker_processes_start_from_a_background_thread(tiny_dataset):
    """The window scans from a worker thread; spawning processes from there must work too."""
    result = {}

    def scan():
        result["report"] = scan_dataset(tiny_dataset, use_cache=False, processes=True, workers=2)

    worker = threading.Thread(target=scan)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive()
    assert result["report"].counts == {"daisy": 6, "dandelion": 6, "roses": 6}


# --------------------------------------------------------------------------- conversion


def test_decodable_path_converts_once_and_redoes_changed_files(tmp_path):
    root = tmp_path / "d"
    make_images(root / "a", 3)
    tiff = root / "b" / "scan.tiff"
    tiff.parent.mkdir()
    Image.new("RGB", (20, 10), (200, 10, 10)).save(tiff)
    make_images(root / "b", 2, start=50)
    report = scan_dataset(root)
    rec = next(r for r in report.images if r.path == str(tiff))
    assert rec.needs_conversion and rec.format == "TIFF"
    plain = next(r for r in report.images if not r.needs_conversion)
    cache = tmp_path / "conv"
    assert decodable_path(plain, cache) == plain.path
    out = decodable_path(rec, cache)
    assert Path(out).parent == cache and Image.open(out).mode == "RGB" and Image.open(out).size == (20, 10)
    mtime = os.stat(out).st_mtime_ns
    assert decodable_path(rec, cache) == out and os.stat(out).st_mtime_ns == mtime
    Image.new("RGB", (20, 10), (10, 10, 200)).save(tiff)
    os.utime(tiff, ns=(os.stat(tiff).st_atime_ns, os.stat(tiff).st_mtime_ns + 10**9))
    assert decodable_path(rec, cache) != out
    tiff.unlink()
    with pytest.raises(DatasetError, match="scan.tiff"):
        decodable_path(rec, tmp_path / "other")


def test_big_rotated_photo_is_converted_upright_and_capped(tmp_path):
    root = tmp_path / "d"
    make_images(root / "a", 2)
    make_images(root / "b", 2, start=10)
    photo = Image.new("RGB", (3000, 1000), (200, 20, 20))
    photo.paste((20, 20, 200), (1500, 0, 3000, 1000))
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned 90° clockwise: 1000 wide, 3000 tall, red on top
    path = root / "a" / "portrait.jpg"
    photo.save(path, quality=90, exif=exif.tobytes())
    rec = next(r for r in scan_dataset(root).images if r.path == str(path))
    assert rec.needs_conversion and (rec.width, rec.height) == (3000, 1000)
    out = decodable_path(rec, tmp_path / "conv")
    with Image.open(out) as converted:
        assert converted.format == "JPEG" and converted.size == (683, 2048)
        assert converted.getpixel((340, 100))[0] > 150 and converted.getpixel((340, 1900))[2] > 150


# --------------------------------------------------------------------------- start-up cost


def test_importing_the_dataset_module_loads_neither_tensorflow_nor_qt():
    code = ("import sys, app.core.data.dataset; "
            "bad = [m for m in ('tensorflow', 'keras', 'PySide6', 'pyqtgraph') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_real_photo_datasets_scan_clean(tmp_path):
    root = copy_subset("sample-flowers", tmp_path / "flowers", classes=5, per_class=8)
    report = scan_dataset(root)
    assert len(report.usable_classes) == 5 and len(report.images) == 40
    assert report.unusable == []
