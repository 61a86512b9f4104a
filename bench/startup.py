"""Start-up time: process start to the main window shown, TuneStudio versus a bare PySide6 window.

    python bench/startup.py [--runs 5]

Each run is a fresh interpreter. The clock starts just before the parent spawns it and stops when
the child's first event-loop turn after ``show()`` has painted the window (a zero-delay timer
after ``show()`` plus ``processEvents``), so both sides include the interpreter start, imports,
QApplication and window construction and the first paint. For TuneStudio that window is the app
frame (app/gui/window/app_frame.py); a second figure is when the main window inside it is built and
painted. Runs alternate between the two sides; the figure is the ratio of the medians.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def child(kind: str) -> None:
    """Build and show the window, then print the wall time once it is on screen (SHOWN) and once
    the main window inside it is built and painted (READY; the same moment for the bare window),
    and quit."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(common.REPO))
    from PySide6.QtCore import QTimer

    if kind == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication(sys.argv)
        window = QMainWindow()
        window.setWindowTitle("bare")
        window.resize(1200, 800)
        window.show()
        ready = lambda: True  # noqa: E731
    else:
        # What run_app does up to app.exec(), without entering a loop that never ends.
        from app.gui.window import app as gui_app

        app = gui_app.create_application(sys.argv)
        frame = gui_app.show_main_window()
        ready = lambda: frame.built  # noqa: E731 - the main window is built after the frame's first paint

    def shown() -> None:
        app.processEvents()  # the first paint has happened once the posted paint events ran
        print(f"SHOWN {time.time():.6f} {int('tensorflow' in sys.modules)} {int('pyqtgraph' in sys.modules)}",
              flush=True)
        QTimer.singleShot(0, wait_ready)

    def wait_ready() -> None:
        if not ready():
            QTimer.singleShot(1, wait_ready)
            return
        app.processEvents()
        print(f"READY {time.time():.6f}", flush=True)
        app.quit()

    QTimer.singleShot(0, shown)
    app.exec()


def one_run(kind: str, home: str) -> tuple[float, float, bool, bool]:
    """(seconds to the window shown, seconds to the main window ready, TensorFlow loaded, pyqtgraph loaded)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TUNESTUDIO_HOME=home)
    start = time.time()
    proc = subprocess.run([sys.executable, __file__, "--child", kind], capture_output=True, text=True,
                          env=env, cwd=common.REPO, timeout=120)
    shown = ready = None
    for line in proc.stdout.splitlines():
        if line.startswith("SHOWN "):
            _, stamp, tf_loaded, pg_loaded = line.split()
            shown = (float(stamp) - start, tf_loaded == "1", pg_loaded == "1")
        elif line.startswith("READY "):
            ready = float(line.split()[1]) - start
    if shown is None or ready is None:
        raise RuntimeError(f"{kind} window did not show: {proc.stderr.strip()[-500:]}")
    return shown[0], ready, shown[1], shown[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", choices=("bare", "tunestudio"))
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    home = tempfile.mkdtemp(prefix="tunestudio-bench-home-")
    one_run("tunestudio", home)  # warm the OS file cache for both, and settle first-run work
    one_run("bare", home)
    bare, studio, studio_ready, tf_seen, pg_seen = [], [], [], False, False
    for _ in range(args.runs):
        seconds, _ready, _tf, _pg = one_run("bare", home)
        bare.append(seconds)
        seconds, ready, tf_loaded, pg_loaded = one_run("tunestudio", home)
        studio.append(seconds)
        studio_ready.append(ready)
        tf_seen |= tf_loaded
        pg_seen |= pg_loaded
    bare_ms = statistics.median(bare) * 1000
    studio_ms = statistics.median(studio) * 1000
    ready_ms = statistics.median(studio_ready) * 1000
    ratio = studio_ms / bare_ms
    print(f"process start to window shown (median of {args.runs}): TuneStudio {studio_ms:.0f} ms, "
          f"bare PySide6 window {bare_ms:.0f} ms, ratio {ratio:.2f}; the main window inside it built and "
          f"painted at {ready_ms:.0f} ms (ratio {ready_ms / bare_ms:.2f})"
          + ("  (TensorFlow was imported at start-up!)" if tf_seen else ""))
    common.emit_result({"startup_ratio": round(ratio, 3), "startup_tunestudio_ms": round(studio_ms),
                        "startup_bare_ms": round(bare_ms), "startup_main_window_ms": round(ready_ms),
                        "startup_main_window_ratio": round(ready_ms / bare_ms, 3),
                        "tensorflow_at_startup": tf_seen, "pyqtgraph_at_startup": pg_seen,
                        "runs": args.runs})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
