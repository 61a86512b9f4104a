"""Python's cyclic garbage collector runs on the GUI thread only, never on a worker thread.

Why: CPython collects cycles in whichever thread happens to allocate past the threshold. The window
has Python running on other threads (the search worker's QThread reading the training child's
events, the prediction and weights-download threads, background jobs), so a collection can start
there and destroy a dialog or widget caught in a reference cycle: Qt then deletes a QWidget off its
thread while the GUI thread paints or handles events, and the process dies (a segmentation fault or
bus error at a random later place). Measured here: cyclic widget garbage plus one allocating thread
crashed within a second, 4 runs of 4; collected on the GUI thread, none of 3 runs of 40 s crashed
(tests/gui/window/test_main_thread_gc.py keeps the short version).

The remedy is pyqtgraph's (``pyqtgraph.util.garbage_collector``, credited there to Erik Janssens):
turn automatic collection off and collect on a GUI-thread timer, generation by generation with the
same thresholds Python uses. It is written out here because importing pyqtgraph before the first
paint would delay the window (its plots are built after that paint).
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000  # pyqtgraph's interval: a second of garbage is small, the check costs microseconds


def collect_due() -> int:
    """Collect the generations whose counts passed Python's thresholds, as automatic collection
    would have; returns the number of unreachable objects found. Call it on the GUI thread."""
    threshold = gc.get_threshold()
    counts = gc.get_count()
    found = 0
    for generation in range(3):
        if counts[generation] <= threshold[generation]:
            break
        found += gc.collect(generation)
    return found


class MainThreadGarbageCollector(QObject):
    """Disables automatic collection while it runs and calls :func:`collect_due` from a GUI-thread timer."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(collect_due)
        self._was_enabled = gc.isenabled()

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()


_installed: MainThreadGarbageCollector | None = None


def install(app: QObject) -> MainThreadGarbageCollector:
    """Start the collector for this process (once; a child of ``app`` so it lives as long)."""
    global _installed
    if _installed is None:
        _installed = MainThreadGarbageCollector(app)
        _installed.start()
    return _installed
