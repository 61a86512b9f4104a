"""Running work off the GUI thread.

``SearchWorker`` owns one search: a QObject without a parent, moved to its own QThread (Mu /
pyqtgraph wiring). It calls the core runner, which trains in a child process, and relays every
event as a signal carrying a plain dict. ``run_in_background`` runs short jobs (scan, preview,
export, device detection) on the global thread pool and delivers the result on the GUI thread.
"""
from __future__ import annotations

import threading
import traceback
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThread, QThreadPool, Signal, Slot

from app.core.options.config import SearchConfig
from app.core.search.events import FAILED, SEARCH_FINISHED, SEARCH_STARTED, is_type, make_event

Runner = Callable[..., dict]


def default_runner(config, listener, cancel=None, search_dir=None, resume=False) -> dict:
    """The real runner: training in a spawned child process (imported on first use)."""
    from app.core.search.process import run_search_in_subprocess

    return run_search_in_subprocess(config, listener, cancel=cancel, search_dir=search_dir, resume=resume)


def warm_up_runner_imports() -> None:
    """Import what the search thread needs when Start is pressed, ahead of time (on a pool thread
    while the window is idle): imported at Start, ``app.core.search.runner`` and its modules held the GIL
    for about 17 ms while the window was painting the Training page."""
    import app.core.search.process  # noqa: F401
    import app.core.search.runner  # noqa: F401


class CancellableWorker(QObject):
    """A worker moved to its own thread, whose ``cancel()`` is safe to call from any thread.

    Subclasses run their job in ``run()`` and pass ``self._cancel`` to it as the cancel token.
    """

    def __init__(self, runner: Callable) -> None:
        super().__init__()  # no parent: moveToThread silently fails on objects with one
        self._runner = runner
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the job to stop. Safe to call from any thread."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()


class SearchWorker(CancellableWorker):
    """Runs one search in the thread it was moved to; thread-safe ``cancel()``.

    Signals:
      event_received(dict): every event, in order, as the runner reports it;
      failed(str): the runner raised; the text is the traceback (the search state on disk is kept);
      finished(dict): always last: the final ``search_finished`` event (synthesised on failure).
    """

    event_received = Signal(dict)
    failed = Signal(str)
    finished = Signal(dict)

    def __init__(self, config: SearchConfig, search_dir: str | None = None, resume: bool = False,
                 runner: Runner | None = None):
        super().__init__(runner or default_runner)  # cancel() stops the search; it stays resumable
        self.config = config
        self.search_dir = search_dir
        self.resume = resume

    def _relay(self, event: dict) -> None:
        if is_type(event, SEARCH_STARTED) and event.get("search_dir"):
            self.search_dir = str(event["search_dir"])
        self.event_received.emit(event)

    @Slot()
    def run(self) -> None:
        final: dict | None = None
        try:
            final = self._runner(self.config, self._relay, cancel=self._cancel,
                                 search_dir=self.search_dir, resume=self.resume)
        except Exception as exc:  # noqa: BLE001 - reported to the window, never lost
            self.failed.emit("".join(traceback.format_exception(exc)))
            final = make_event(SEARCH_FINISHED, status=FAILED, error=f"{type(exc).__name__}: {exc}",
                               best_trial_id=None, best_score=None, best_hyperparameters={},
                               trials=[], duration=None, search_dir=self.search_dir)
        if not is_type(final, SEARCH_FINISHED):
            final = make_event(SEARCH_FINISHED, status=FAILED, error="the runner returned no result",
                               best_trial_id=None, best_score=None, best_hyperparameters={},
                               trials=[], duration=None, search_dir=self.search_dir)
        self.finished.emit(final)


_running_threads: set[QThread] = set()


def start_search_thread(worker: SearchWorker) -> QThread:
    """Move ``worker`` to a new QThread, wire its lifetime and start it.

    The thread is also referenced here until a later call finds it finished: a QThread
    garbage-collected while running aborts the whole process.
    """
    thread = QThread()
    thread.setObjectName("SearchThread")
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    # Direct: quit() is thread-safe, and the thread must end even while the GUI thread is
    # blocked waiting for it (application shutdown).
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    # No deleteLater: the worker is owned by Python (no parent). deleteLater in the worker thread
    # while the GUI thread drops the last Python reference deleted it twice (a segfault in CI).
    for old in list(_running_threads):
        if not shiboken6.isValid(old) or old.isFinished():
            _running_threads.discard(old)
    _running_threads.add(thread)
    thread.start()
    return thread


# --------------------------------------------------------------------------- short background jobs


class _TaskSignals(QObject):
    succeeded = Signal(object)
    failed = Signal(str, str)  # (one-line message, traceback)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _TaskSignals):
        super().__init__()
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            try:
                result = self.fn()
            except Exception as exc:  # noqa: BLE001 - delivered to the GUI thread as data
                self.signals.failed.emit(f"{exc}" or type(exc).__name__, "".join(traceback.format_exception(exc)))
            else:
                self.signals.succeeded.emit(result)
        except RuntimeError:
            pass  # the receiver (and with it our signals object) was deleted meanwhile: nobody to tell


_live_signals: set[_TaskSignals] = set()
_pool_lock = threading.Lock()


def run_in_background(fn: Callable[[], Any], on_result: Callable[[Any], None],
                      on_error: Callable[[str, str], None] | None = None,
                      receiver: QObject | None = None) -> None:
    """Run ``fn()`` on the thread pool; ``on_result(value)`` or ``on_error(message, traceback)``
    then run on the GUI thread. With ``receiver``, results arriving after it is deleted are dropped.
    """
    signals = _TaskSignals(receiver)  # lives in the GUI thread, so connected slots run there
    with _pool_lock:
        _live_signals.add(signals)

    def done(*_args) -> None:
        with _pool_lock:
            _live_signals.discard(signals)

    signals.succeeded.connect(on_result)
    if on_error is not None:
        signals.failed.connect(on_error)
    signals.succeeded.connect(done)
    signals.failed.connect(done)
    QThreadPool.globalInstance().start(_Task(fn, signals))


def wait_for_background_jobs(msecs: int = 30000) -> bool:
    """Block until every background job has finished (for shutdown and tests)."""
    return QThreadPool.globalInstance().waitForDone(msecs)
