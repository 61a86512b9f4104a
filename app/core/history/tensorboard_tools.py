"""Starting TensorBoard for a search folder, bound to 127.0.0.1 only.

The engine writes each trial's scalars and HParams under ``search_dir/tensorboard`` (Keras
Tuner's TensorBoard integration); this module only serves that folder with the installed
``tensorboard`` package in a child process.
"""
from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"


class TensorBoardError(RuntimeError):
    """TensorBoard could not be started; the message says why."""


def tensorboard_available() -> bool:
    return importlib.util.find_spec("tensorboard") is not None


def free_port(host: str = HOST) -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def tensorboard_logdir(search_dir: str | Path) -> Path:
    """The TensorBoard folder of a search (``search_dir/tensorboard``), or the folder itself
    when it is already a log folder."""
    search_dir = Path(search_dir)
    candidate = search_dir / "tensorboard"
    return candidate if candidate.is_dir() else search_dir


def start_tensorboard(logdir: str | Path, port: int | None = None,
                      wait_seconds: float = 60.0) -> tuple[subprocess.Popen, str]:
    """Start TensorBoard on ``127.0.0.1`` for ``logdir``; returns ``(process, url)``.

    Waits until the server answers (TensorBoard needs a few seconds to import), so the url can
    be opened at once. Raises :class:`TensorBoardError` when the folder is missing, tensorboard
    is not installed, or the server exits or does not answer in ``wait_seconds``.
    """
    logdir = Path(logdir)
    if not logdir.is_dir():
        raise TensorBoardError(f"no TensorBoard logs at {logdir}")
    if not tensorboard_available():
        raise TensorBoardError("the tensorboard package is not installed (pip install tensorboard)")
    port = port or free_port()
    url = f"http://{HOST}:{port}/"
    command = [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir), "--host", HOST,
               "--port", str(port), "--reload_interval", "15"]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    # A file, not a pipe: TensorBoard logs every request, and a full pipe would block it.
    errors = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=errors, env=env)
    except OSError as exc:
        errors.close()
        raise TensorBoardError(f"could not start TensorBoard: {exc.strerror or exc}") from None
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors.seek(0)
            message = errors.read().strip().splitlines()
            errors.close()
            raise TensorBoardError("TensorBoard exited: " + (message[-1] if message else f"code {process.returncode}"))
        if _answers(url):
            process.error_log = errors  # closed by stop_tensorboard
            return process, url
        time.sleep(0.3)
    stop_tensorboard(process)
    errors.close()
    raise TensorBoardError(f"TensorBoard did not answer on {url} within {wait_seconds:.0f} s")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def stop_tensorboard(process: subprocess.Popen | None, timeout: float = 5.0) -> None:
    """Stop a TensorBoard started by :func:`start_tensorboard` (politely, then by force)."""
    if process is None:
        return
    try:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
    finally:
        log_file = getattr(process, "error_log", None)
        if log_file is not None:
            log_file.close()
