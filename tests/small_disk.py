"""A real, small file system for the full-disk tests: a size-limited tmpfs mounted by the test
(root only; the test is skipped where mounting is not allowed), and a ballast file that fills it."""
from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest


def mount_small_disk(folder: Path, size_mib: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mib}m", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    return folder


def unmount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path, leave: int = 0) -> Path:
    """Write a ballast file until the disk is full (``leave`` bytes spared); returns it."""
    ballast = folder / "ballast"
    with open(ballast, "wb") as fh:
        chunk = b"\0" * 65536
        try:
            while True:
                fh.write(chunk)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    if leave:
        os.truncate(ballast, max(0, ballast.stat().st_size - leave))
    return ballast
