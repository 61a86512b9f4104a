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

import os
import stat as stat_module
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

# The scan's parts live in the modules below; callers import each name from where it is defined.
from app.core.data.dataset_report import (
    DatasetError, IGNORED, ImageRecord, Problem, ScanCancelled, ScanReport, UNUSABLE,
)
from app.core.data.image_check import (
    CONVERTIBLE_EXTENSIONS, IMAGE_EXTENSIONS, Outcome, inspect_file, short_error,
    stat_failure,
)
from app.core.data.scan_cache import ScanCache
from app.core.data.scan_warnings import add_warnings

SYSTEM_FILES = {".ds_store", "thumbs.db", "desktop.ini", ".directory", "ehthumbs.db", "icon\r"}
SYSTEM_FOLDERS = {"__macosx", "@eadir", "$recycle.bin", "system volume information", "__pycache__",
                  ".trashes", ".spotlight-v100", ".fseventsd"}
SPLIT_NAMES = ("train", "val", "test")
SPLIT_ALIASES = {"train": "train", "training": "train", "val": "val", "valid": "val",
                 "validation": "val", "test": "test", "testing": "test"}


PROCESS_THRESHOLD = 10_000  # files to inspect before worker processes pay for their start-up


def _is_hidden(name: str) -> bool:
    return name.startswith(".") or name.lower() in SYSTEM_FILES


def _is_system_folder(name: str) -> bool:
    return name.startswith(".") or name.lower() in SYSTEM_FOLDERS


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


def _stat_and_lookup(path: str, cache: ScanCache) -> tuple[Outcome | None, tuple[int, int] | None, bool]:
    """(outcome or None when the file must be inspected, (size, mtime_ns) or None, came from cache)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return stat_failure(path, exc), None, False
    if not stat_module.S_ISREG(st.st_mode):
        return Outcome(reason="not a regular file (device, pipe or socket)", cacheable=False), None, False
    key = (st.st_size, st.st_mtime_ns)
    cached = cache.get(path, *key)
    return cached, key, cached is not None


def _inspect_many(items: list[tuple[str, int]]) -> list[Outcome]:
    """Inspect (path, size) pairs; runs in a worker thread or a worker process."""
    outcomes = []
    for path, size in items:
        try:
            outcomes.append(inspect_file(path, size))
        except Exception as exc:  # noqa: BLE001 - one strange file must never stop the whole scan
            outcomes.append(Outcome(reason=f"cannot inspect: {short_error(exc)}", cacheable=False))
    return outcomes


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
    root = _checked_root(root)
    from PIL import Image

    Image.init()  # import every plugin once, before threads race to do it
    layout, parts = detect_layout(root)
    problems: list[Problem] = []
    classes, candidates, nested, loose_images = _list_files(root, layout, parts, problems, cancel=cancel)
    cache = ScanCache(str(root), use_cache)
    cpus = os.cpu_count() or 1
    threads = workers or min(8, cpus * 2)
    outcomes, keys, cache_hits = _look_up_cache(candidates, cache, threads)
    if cancel is not None and cancel.is_set():
        raise ScanCancelled(f"{root}: scan cancelled")
    misses = [i for i in range(len(candidates)) if outcomes[i] is None]
    if progress:
        progress(len(candidates) - len(misses), len(candidates))
    if processes is None:
        processes = len(misses) >= PROCESS_THRESHOLD and cpus > 1 and workers != 1
    if processes and _in_daemon_process():
        processes = False  # a daemonic process (the training child) cannot start processes of its own
    pool_size = (workers or min(8, cpus)) if processes else threads
    fresh, processes, pool_size = _inspect_misses(root, candidates, misses, outcomes, keys, cache, progress, cancel,
                                                  processes, pool_size, threads)
    cache.save(fresh, {path for path, _, _ in candidates})
    report, note_examples = _report(root, layout, classes, candidates, outcomes, problems)
    report.stats = {"files": len(candidates), "images": len(report.images), "cache_hits": cache_hits,
                    "inspected": len(misses), "workers": f"{pool_size} {'processes' if processes else 'threads'}",
                    "seconds": round(time.perf_counter() - started, 3), "loose_images": loose_images,
                    "hint": _folder_hint(root, layout, classes, loose_images)}
    add_warnings(report, note_examples, nested)
    return report


def _checked_root(root: str | Path) -> Path:
    """The folder to scan, resolved; a :class:`DatasetError` that says why it cannot be one."""
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
    return root


def _look_up_cache(candidates: list, cache: ScanCache, threads: int):
    """Stat every file and answer what the cache knows (threads: stat waits on the disk).
    Returns (outcomes with None where the file needs a look, (size, mtime) keys, cache hits)."""
    total = len(candidates)
    outcomes: list[Outcome | None] = [None] * total
    keys: list[tuple[int, int] | None] = [None] * total
    cache_hits = 0
    stat_chunks = [range(i, min(i + 256, total)) for i in range(0, total, 256)]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="scan-stat") as pool:
        looked_up = pool.map(lambda idx: [_stat_and_lookup(candidates[i][0], cache) for i in idx], stat_chunks)
        for idx, results in zip(stat_chunks, looked_up):
            for i, (outcome, key, hit) in zip(idx, results):
                outcomes[i], keys[i] = outcome, key
                cache_hits += hit
    return outcomes, keys, cache_hits


def _inspect_misses(root, candidates, misses, outcomes, keys, cache, progress, cancel, processes: bool,
                    pool_size: int, threads: int):
    """Inspect the files the cache did not answer, in worker processes or threads, filling
    ``outcomes``. Returns (fresh verdicts for the cache, processes used, pool size)."""
    fresh: list[tuple[str, int, int, Outcome]] = []
    done, total = len(candidates) - len(misses), len(candidates)
    chunk_size = 256 if processes else 64
    chunks = [misses[i:i + chunk_size] for i in range(0, len(misses), chunk_size)]
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
                if cancel is not None and cancel.is_set():
                    cache.save(fresh, set(cache.entries))  # keep the work done: a new scan resumes from it
                    raise ScanCancelled(f"{root}: scan cancelled")
        except (OSError, RuntimeError):  # BrokenProcessPool is a RuntimeError
            if not processes:
                raise
            processes, pool_size = False, threads  # a worker process died or could not start: use threads
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return fresh, processes, pool_size


def _report(root: Path, layout: str, classes: list[str], candidates: list, outcomes: list, problems: list):
    """The report of usable images and problems, and the example files of each per-file note."""
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
    return report, note_examples


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
