"""Setting a search up: its folder, the versions it ran with, and the split it keeps (search.json)."""
from __future__ import annotations

import re
import sys
import time
from datetime import datetime
from pathlib import Path

from app.core.search import events as ev
from app.core.options.config import SearchConfig
from app.core.search.planning.batch_fit import resolve_epochs
from app.core.data.dataset_report import DatasetError, native_image_size
from app.core.data.decoding import decodable_path
from app.core.data.dataset import scan_dataset
from app.core.data.splits import split_dataset
from app.core.util.paths import cache_dir, searches_dir
from app.core.search.search_dir import SEARCH_FILE, SearchError, load_search_info, write_json_atomic


def package_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in ("tensorflow", "keras", "keras-tuner", "numpy", "tunestudio"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def new_search_dir(config: SearchConfig) -> Path:
    """A fresh folder under ``TUNESTUDIO_HOME/searches`` named by time and search name."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    slug = re.sub(r"[^\w.-]+", "-", config.name or config.architecture, flags=re.UNICODE).strip("-.")[:40]
    base = searches_dir()
    candidate = base / f"{stamp}-{slug or 'search'}"
    n = 2
    while True:
        try:  # claimed by mkdir itself: another process (the window, a CLI search) may race for it
            candidate.mkdir(parents=True)
            return candidate
        except FileExistsError:
            candidate = base / f"{stamp}-{slug or 'search'}-{n}"
            n += 1


def prepare_split(config: SearchConfig, search_dir: Path, resume: bool, emit,
                   converted_dir: Path | None = None) -> dict:
    """Scan and split (new search) or reload the saved split (resume).

    ``converted_dir``: where images TensorFlow cannot read as they are get converted (default: the
    user's cache; a distributed search keeps them in its shared folder, for the workers)."""
    if resume:
        info = load_search_info(search_dir)
        return info
    try:
        report = scan_dataset(config.data_dir)
        report.check_trainable()
    except DatasetError as exc:
        raise SearchError(str(exc)) from None
    classes = report.usable_classes
    split = split_dataset(report, config.val_fraction, config.test_fraction, config.seed)
    for name in ("train", "val"):
        missing = sorted(set(classes) - {r.label for r in split[name]})
        if not split[name]:
            raise SearchError(f"The {name} split is empty: add more images (each class needs at least 2).")
        if missing and name == "train":
            raise SearchError(f"Classes with no training images: {', '.join(missing)}. Add more images.")
    unusable = report.unusable
    if unusable:
        emit(ev.make_event(ev.NOTICE, level="warning",
                           message=f"{len(unusable)} file(s) cannot be used and are left out "
                                   f"(first: {unusable[0].path}: {unusable[0].reason})."))
    conv_dir = converted_dir or cache_dir() / "converted"
    splits, vanished = {}, []
    for name, records in split.items():
        rows = []
        for r in records:
            try:
                rows.append([decodable_path(r, conv_dir), classes.index(r.label), r.path])
            except DatasetError:
                vanished.append(r.path)  # moved or deleted since the scan
        splits[name] = rows
    if vanished:
        emit(ev.make_event(ev.NOTICE, level="warning",
                           message=f"{len(vanished)} file(s) disappeared or changed since the scan and are "
                                   f"left out (first: {vanished[0]})."))
    if not splits["train"] or not splits["val"]:
        raise SearchError("Too few images are left to train and validate: has the folder changed?")
    # Saved with its epochs decided, so every reader of search.json (export, playbook, workers) gets a number.
    config = resolve_epochs(config, len(splits["train"]))
    info = {
        "search_id": search_dir.name,
        "name": config.name or search_dir.name,
        "created": time.time(),
        "status": "running",
        "config": config.to_dict(),
        "data_root": report.root,
        "classes": classes,
        "dataset_fingerprint": report.fingerprint(),
        "native_size": native_image_size(report.images),
        "counts": {k: len(v) for k, v in splits.items()},
        "splits": splits,
        "versions": package_versions(),
    }
    write_json_atomic(search_dir / SEARCH_FILE, info)
    return info
