"""Shared helpers for the benchmark scripts in bench/.

Every measurement script prints human-readable lines and ends with one line
``BENCH_RESULT {json}`` that ``bench/run.py`` collects. Each script runs in its own process, so
one measurement's imports and memory never colour another's.
"""
from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
# The bundled sample photos: a clone has them. Real-sized folders are passed with --data.
SAMPLE_DATASET = REPO / "resources" / "sample-flowers"
RESULT_PREFIX = "BENCH_RESULT "

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def default_dataset() -> Path:
    """The photos a benchmark uses without --data: the bundled sample (80 flower photos, 5 classes).

    The figures in BENCHMARKS.md were measured on bigger folders given explicitly, e.g.
    ``--data ../shared/datasets/flowers-mini``; nothing here reads outside the repository by itself.
    """
    return SAMPLE_DATASET


def isolated_home(prefix: str = "tunestudio-bench-home-") -> str:
    """Point TUNESTUDIO_HOME at a fresh temp folder (benchmarks never touch the user's history)."""
    home = tempfile.mkdtemp(prefix=prefix)
    os.environ["TUNESTUDIO_HOME"] = home
    return home


def quiet_tensorflow() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def emit_result(result: dict) -> None:
    """The script's machine-readable result: the last line of its stdout."""
    sys.stdout.flush()
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def rss_mb(pid: int | None = None) -> float | None:
    """Current resident memory of a process in MB (Linux /proc), or None when unreadable."""
    try:
        with open(f"/proc/{pid or 'self'}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def slope_per_step(values: list[float], skip: int = 0) -> float | None:
    """Least-squares slope of ``values`` against their index, ignoring the first ``skip``."""
    ys = [v for v in values[skip:] if v is not None]
    if len(ys) < 2:
        return None
    xs = list(range(len(ys)))
    return statistics.linear_regression(xs, ys).slope


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def load_average() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except OSError:
        return None


def machine_info() -> dict:
    from app.core.search.devices import cpu_name

    try:
        memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory_gb = None
    return {"cpu": cpu_name(), "cores": os.cpu_count(), "memory_gb": round(memory_gb, 1) if memory_gb else None,
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "load_average": load_average()}


def run_script(name: str, args: list[str], timeout: float, echo=print) -> tuple[dict | None, str]:
    """Run ``bench/<name>`` in a fresh interpreter; (its BENCH_RESULT dict or None, error text)."""
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONUNBUFFERED"] = "1"
    command = [sys.executable, str(BENCH / name), *args]
    started = time.monotonic()
    try:
        proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return _parse(out), f"{name} timed out after {timeout:.0f} s"
    for line in proc.stdout.splitlines():
        if not line.startswith(RESULT_PREFIX):
            echo(f"    {line}")
    result = _parse(proc.stdout)
    error = ""
    if proc.returncode != 0 or result is None:
        tail = "\n".join(proc.stderr.strip().splitlines()[-8:])
        error = f"{name} exited with {proc.returncode} after {time.monotonic() - started:.0f} s: {tail}"
    return result, error


def _parse(stdout: str) -> dict | None:
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            try:
                return json.loads(line[len(RESULT_PREFIX):])
            except json.JSONDecodeError:
                return None
    return None


def number_after(label: str, text: str) -> float | None:
    """The first number following ``label`` in ``text`` (for scripts that print only prose)."""
    match = re.search(re.escape(label) + r"\s+([0-9.]+)", text)
    return float(match.group(1)) if match else None


def run_event_loop(seconds: float, until=None, poll_ms: int = 100) -> None:
    """Run a real Qt event loop (as app.exec() would) for ``seconds`` or until ``until()`` is true."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    poll = QTimer()
    if until is not None:
        poll.timeout.connect(lambda: until() and loop.quit())
        poll.start(poll_ms)
    loop.exec()
    poll.stop()


_windows: list = []


def open_window_on(folder: str | Path, poll_ms: int = 100):
    """The real main window as ``run_app`` shows it (1280x860, every question answered yes), on
    ``folder`` set as the folder picker sets it and scanned. Returns ``(window, wait)``, where
    ``wait(seconds, until=None)`` runs the event loop."""
    from app.gui.window import app as gui_app

    gui_app.create_application(sys.argv)
    frame = gui_app.show_main_window()
    # Held for the process's life, as run_app holds it: the frame is a parentless top-level widget, and
    # the GUI-thread collector frees it (and the window inside) once nothing refers to it.
    _windows.append(frame)
    frame.resize(1280, 860)
    window = frame.main_window()
    window.confirm = lambda title, text: True

    def wait(seconds: float, until=None) -> None:
        run_event_loop(seconds, until, poll_ms=poll_ms)

    wait(1.5)  # first paints, the resumable-search lookup
    scanned = {"report": None}
    window.dataset_panel.scan_finished.connect(lambda report: scanned.update(report=report))
    window.dataset_panel.set_folder(str(folder))
    wait(120, until=lambda: scanned["report"] is not None)
    if scanned["report"] is None:
        raise SystemExit("the dataset scan did not finish")
    return window, wait
