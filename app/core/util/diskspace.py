"""A full disk, recognised wherever it surfaces, and said once with how much space is needed.

ENOSPC reaches TuneStudio as an ``OSError`` from Python, as text inside TensorFlow's and h5py's
errors ("No space left on device", "errno = 28"), or as SQLite's "database or disk is full".
:func:`is_disk_full` recognises all of them along an exception's chain; :func:`disk_full_message`
says what stopped, how much is free where, how much more is needed, and that what was finished
is kept.
"""
from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
FULL_TEXTS = ("no space left on device", "disk quota exceeded", "database or disk is full", "errno = 28",
              "errno=28")


def is_disk_full(exc: BaseException | None) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in FULL_ERRNOS:
            return True
        if getattr(exc, "disk_full", False) or any(text in str(exc).lower() for text in FULL_TEXTS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def free_bytes(path: str | Path) -> int | None:
    """Free bytes on the file system holding ``path`` (its nearest existing folder)."""
    path = Path(path).absolute()
    for folder in (path, *path.parents):
        if folder.exists():
            try:
                return shutil.disk_usage(folder).free
            except OSError:
                return None
    return None


def human_bytes(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def largest_file(folder: str | Path, pattern: str = "*") -> int:
    """Size of the largest file matching ``pattern`` under ``folder`` (0 when none)."""
    sizes = [0]
    for path in Path(folder).rglob(pattern):
        try:
            if path.is_file():
                sizes.append(path.stat().st_size)
        except OSError:
            continue
    return max(sizes)


def disk_full_message(what: str, where: str | Path, need: int, then: str) -> str:
    """``what`` stopped because ``where``'s disk is full; ``need`` bytes more (at least) lets ``then``."""
    free = free_bytes(where)
    free_text = f"{human_bytes(free)} free" if free is not None else "free space unknown"
    return (f"{what} stopped: the disk holding {where} is full ({free_text}). About {human_bytes(need)} more "
            f"is needed. Everything finished is kept; free some space, then {then}.")


def fsync_replace(tmp: str | Path, final: str | Path) -> None:
    """Make ``tmp`` durable, then put it in place of ``final`` in one step (a crash leaves one or the other)."""
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)
