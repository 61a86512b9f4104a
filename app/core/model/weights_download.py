"""Fetching and importing ImageNet weights into Keras's cache, proven before they are put in place.

:func:`download_weights` streams a file of :mod:`app.core.model.weights_store` over HTTP(S) (urllib, so
``HTTP_PROXY``/``HTTPS_PROXY``/``NO_PROXY`` from the environment apply) into a temporary file in the
cache folder, reporting progress and checking for cancel between chunks; a server that sends
nothing for ``timeout`` seconds ends it. Then the hash Keras publishes is checked (where there is
one), then the load check: the file must load into its backbone. Only then is it renamed into
place (atomic on one file system), under Keras's own file name. Any failure, a cancel or a corrupt
file removes the temporary file and raises :class:`WeightsError` saying what happened.
:func:`import_weights` does the same for a file the user already has (offline machines).

The load check imports TensorFlow: :func:`check_loads` runs it in this process (the command line),
:func:`check_loads_in_child` in a short-lived spawned child (the window, which never imports it).
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

from app.core.model.weights_store import WeightsFile, entry_for_file_name, format_bytes, keras_cache_dir, weights_entry

CHUNK = 256 * 1024
STALL_TIMEOUT_S = 30.0  # a server that sends nothing for this long has stalled
CHECK_TIMEOUT_S = 300.0  # the child's TensorFlow import takes 5-30 s on a busy machine
USER_AGENT = "TuneStudio weights download (urllib)"

Progress = Callable[[int, "int | None"], None]  # (bytes so far, total bytes or None)
Verify = Callable[[WeightsFile, Path], None]  # raises WeightsError when the file does not load


class WeightsError(Exception):
    """A download or import that did not put a file in place; the message says why, for the user."""


class WeightsCancelled(WeightsError):
    pass


# --------------------------------------------------------------------------- the load check


def check_loads(entry: WeightsFile, path: str | Path) -> None:
    """Load ``path`` into ``entry``'s Keras Applications backbone (no top) in this process; raise
    :class:`WeightsError` when it does not load. Imports TensorFlow: never call it from the window."""
    import keras

    size = entry.rows or 224
    try:
        model = getattr(keras.applications, entry.name)(include_top=False, weights=None, input_shape=(size, size, 3))
        model.load_weights(str(path))  # a ".h5" name: Keras's legacy HDF5 reader, as for weights="imagenet"
    except Exception as exc:  # noqa: BLE001 - h5py, Keras and numpy raise many kinds; one message for the user
        raise WeightsError(f"the file does not load into {entry.name} (no top): {type(exc).__name__}: "
                           f"{_first_line(exc)}") from None
    finally:
        keras.backend.clear_session()


def _check_in_child(arch: str, rows: int | None, path: str) -> str:
    """Child side of :func:`check_loads_in_child`: "" when the file loads, else the reason."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        check_loads(weights_entry(arch, rows), path)
    except WeightsError as exc:
        return str(exc)
    return ""


def check_loads_in_child(entry: WeightsFile, path: str | Path, timeout: float = CHECK_TIMEOUT_S) -> None:
    """:func:`check_loads` in a spawned child process, so the caller never imports TensorFlow."""
    from concurrent.futures import ProcessPoolExecutor  # here, like urllib below: the window starts without them

    ctx = multiprocessing.get_context("spawn")  # never fork: the window has Qt and threads running
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        future = pool.submit(_check_in_child, entry.arch, entry.rows, str(path))
        try:
            problem = future.result(timeout=timeout)
        except TimeoutError:
            raise WeightsError(f"checking the file took longer than {timeout:.0f} s") from None
        except Exception as exc:  # noqa: BLE001 - a crashed child (BrokenProcessPool) and the like
            raise WeightsError(f"the process checking the file failed: {type(exc).__name__}: {exc}") from None
    if problem:
        raise WeightsError(problem)


# --------------------------------------------------------------------------- download


def download_weights(entry: WeightsFile, *, progress: Progress | None = None,
                     cancelled: Callable[[], bool] | None = None, timeout: float = STALL_TIMEOUT_S,
                     verify: Verify = check_loads_in_child) -> Path:
    """Fetch ``entry`` into Keras's cache and return its path there (see the module docstring).

    ``progress(done, total)`` is called from the calling thread after each chunk; ``cancelled()``
    returning True stops the download (raising :class:`WeightsCancelled`). ``verify`` is the load
    check (default: in a child process; the command line passes :func:`check_loads`)."""
    cancelled = cancelled or (lambda: False)
    url = entry.url
    folder = _cache_folder()
    tmp = _temp_file(folder)
    try:
        _stream(url, tmp, entry, progress, cancelled, timeout)
        if cancelled():
            raise WeightsCancelled("download cancelled: nothing was kept")
        _check_hash(entry, tmp, source=url)
        verify(entry, tmp)
        if cancelled():
            raise WeightsCancelled("download cancelled: nothing was kept")
        os.replace(tmp, folder / entry.file_name)
    except BaseException:  # KeyboardInterrupt too: never leave a partial file
        tmp.unlink(missing_ok=True)
        raise
    return folder / entry.file_name


STALE_PART_S = 24 * 3600  # a temporary file this old belongs to a process that was killed mid-download


def _cache_folder() -> Path:
    folder = keras_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WeightsError(f"cannot create Keras's weights folder {folder}: {exc.strerror or exc}; "
                           "set KERAS_HOME to a folder you can write") from None
    now = time.time()
    for part in folder.glob(".tunestudio-*.part.h5"):
        try:
            if now - part.stat().st_mtime > STALE_PART_S:
                part.unlink()
        except OSError:
            pass  # another download's, or already gone
    return folder


def _temp_file(folder: Path) -> Path:
    # In the cache folder, so the final rename stays on one file system; ".h5" so Keras's loader
    # reads it as the HDF5 file it will be; a leading dot keeps it out of listings.
    try:
        fd, name = tempfile.mkstemp(prefix=".tunestudio-", suffix=".part.h5", dir=folder)
    except OSError as exc:
        raise WeightsError(f"cannot write in {folder}: {exc.strerror or exc}") from None
    os.close(fd)
    return Path(name)


def _stream(url: str, tmp: Path, entry: WeightsFile, progress: Progress | None, cancelled, timeout: float) -> None:
    # Imported here: http.client and ssl cost the window ~25 ms at start-up, for a rare download.
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        # urlopen's default opener has a ProxyHandler reading HTTP(S)_PROXY / NO_PROXY.
        with urllib.request.urlopen(request, timeout=timeout) as response, open(tmp, "wb") as out, \
                _WakeOnCancel(response, cancelled):
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            done = 0
            if progress:
                progress(0, total or entry.size_bytes)
            while True:
                if cancelled():
                    raise WeightsCancelled("download cancelled: nothing was kept")
                chunk = response.read(CHUNK)
                if not chunk:
                    if cancelled():  # the socket was shut to wake this read
                        raise WeightsCancelled("download cancelled: nothing was kept")
                    break
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total or max(done, entry.size_bytes))
    except WeightsError:
        raise
    except urllib.error.HTTPError as exc:
        raise WeightsError(f"{url} answered HTTP {exc.code} {exc.reason}: the server has no such file") from None
    except urllib.error.URLError as exc:
        raise WeightsError(_network_message(url, exc.reason)) from None
    except TimeoutError:  # socket.timeout is TimeoutError
        raise WeightsError(f"{url} stopped sending for {timeout:g} s: the download was abandoned") from None
    except OSError as exc:
        raise WeightsError(f"download from {url} failed: {exc.strerror or exc}") from None
    if total is not None and done != total:
        raise WeightsError(f"{url} sent {format_bytes(done)} of {format_bytes(total)}: the download was cut short")


class _WakeOnCancel:
    """Shut the response's socket when ``cancelled()`` turns true, so a read blocked on a slow or stalled
    server returns at once instead of after the time-out (reads cannot be interrupted otherwise)."""

    POLL_S = 0.1

    def __init__(self, response, cancelled: Callable[[], bool]):
        self.response, self.cancelled = response, cancelled
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="tunestudio-weights-cancel", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()

    def _watch(self) -> None:
        while not self.done.wait(self.POLL_S):
            if self.cancelled():
                # urllib offers no public handle on the socket: SocketIO's ``_sock`` is the one there is.
                sock = getattr(getattr(self.response.fp, "raw", None), "_sock", None)
                if sock is not None:
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return


def _network_message(url: str, reason) -> str:
    if isinstance(reason, TimeoutError):
        return f"{url} did not answer in time: is this machine online, or does it need a proxy (HTTPS_PROXY)?"
    text = getattr(reason, "strerror", None) or str(reason)
    return (f"cannot reach {url} ({text}): this machine may be offline or need a proxy (HTTPS_PROXY). "
            "Offline, copy the file from another machine and import it.")


def file_hash(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def hash_matches(entry: WeightsFile, path: Path) -> bool | None:
    """Whether ``path`` has the hash Keras publishes for ``entry`` (None: Keras publishes none)."""
    if not entry.file_hash:
        return None
    return file_hash(path, entry.hash_algorithm or "md5") == entry.file_hash.lower()


def _check_hash(entry: WeightsFile, path: Path, source: str) -> None:
    if hash_matches(entry, path) is False:
        raise WeightsError(f"the file from {source} is not the one Keras publishes: its {entry.hash_algorithm} "
                           f"hash is not {entry.file_hash} (corrupt, or a different file); nothing was kept")


# --------------------------------------------------------------------------- import


def entry_for_import(source: str | Path, arch: str | None = None, size: int | None = None) -> WeightsFile:
    """Which cached file ``source`` becomes: named by ``arch``/``size``, else by its own Keras file name."""
    if arch:
        try:
            return weights_entry(arch, size)
        except KeyError as exc:
            raise WeightsError(exc.args[0]) from None
    entry = entry_for_file_name(Path(source).name)
    if entry is None:
        raise WeightsError(f"{Path(source).name} is not a Keras Applications weights file name: say which "
                           "backbone it is for (--arch NAME, and --size PX for MobileNetV2)")
    if size is not None and entry.rows is not None and entry.rows != weights_entry(entry.arch, size).rows:
        raise WeightsError(f"{Path(source).name} holds the {entry.rows} px weights, not {size} px")
    return entry


def import_weights(source: str | Path, entry: WeightsFile, *, verify: Verify = check_loads_in_child) -> Path:
    """Copy the user's file ``source`` into Keras's cache as ``entry`` after the load check; return
    the path. The copy is checked (not the original) and renamed into place only when it loads."""
    source = Path(source).expanduser()
    if not source.is_file():
        raise WeightsError(f"no such file: {source}")
    folder = _cache_folder()
    target = folder / entry.file_name
    try:
        if target.exists() and os.path.samefile(source, target):
            verify(entry, target)
            return target
    except OSError:
        pass
    tmp = _temp_file(folder)
    try:
        try:
            shutil.copyfile(source, tmp)
        except OSError as exc:
            raise WeightsError(f"cannot copy {source} to {folder}: {exc.strerror or exc}") from None
        verify(entry, tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else ""
