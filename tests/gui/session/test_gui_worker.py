"""SearchWorker on its QThread and run_in_background, with fake runners (no TensorFlow)."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject, QThread, Slot

from app.core.options.config import SearchConfig
from app.gui.session.search_worker import SearchWorker, run_in_background, start_search_thread


class Recorder(QObject):
    """Receives the worker's signals on the GUI thread and notes which thread ran each slot."""

    def __init__(self):
        super().__init__()
        self.events: list[dict] = []
        self.failures: list[str] = []
        self.finals: list[dict] = []
        self.threads: set = set()

    @Slot(dict)
    def on_event(self, event: dict) -> None:
        self.threads.add(QThread.currentThread())
        self.events.append(event)

    @Slot(str)
    def on_failed(self, text: str) -> None:
        self.failures.append(text)

    @Slot(dict)
    def on_finished(self, final: dict) -> None:
        self.threads.add(QThread.currentThread())
        self.finals.append(final)


def _wire(worker: SearchWorker) -> Recorder:
    recorder = Recorder()
    worker.event_received.connect(recorder.on_event)
    worker.failed.connect(recorder.on_failed)
    worker.finished.connect(recorder.on_finished)
    return recorder


# The worker emits on its own thread. pytest-qt's waitSignal then runs its quit-the-loop slot on that
# thread; when it lands before the blocker's loop starts, the quit is lost and the blocker's timer
# was already stopped from the wrong thread, so the test hangs (seen twice in fresh-clone CI). The
# recorder's slots are queued to this thread instead, and waitUntil polls for them.


def _run(qtbot, worker: SearchWorker) -> tuple[Recorder, QThread]:
    recorder = _wire(worker)
    thread = start_search_thread(worker)
    # "finished" arrives last, after every event.
    qtbot.waitUntil(lambda: bool(recorder.finals), timeout=10000)
    qtbot.waitUntil(lambda: thread.isFinished(), timeout=5000)
    return recorder, thread


def test_events_are_relayed_in_order_and_delivered_on_the_gui_thread(qtbot):
    runner_threads = []

    def runner(config, listener, cancel=None, search_dir=None, resume=False):
        runner_threads.append(threading.current_thread())
        for i in range(5):
            listener({"type": "notice", "time": 0.0, "level": "info", "message": f"n{i}"})
        final = {"type": "search_finished", "time": 0.0, "status": "completed", "search_dir": "/x",
                 "best_trial_id": None, "best_score": None, "best_hyperparameters": {}, "trials": [],
                 "duration": 0.1}
        listener(final)
        return final

    worker = SearchWorker(SearchConfig(data_dir="/data"), runner=runner)
    recorder, _thread = _run(qtbot, worker)
    assert [e.get("message") for e in recorder.events[:5]] == [f"n{i}" for i in range(5)]
    assert recorder.finals[0]["status"] == "completed"
    assert runner_threads[0] is not threading.main_thread()  # the runner ran off the GUI thread
    assert recorder.threads == {QThread.currentThread()}  # slots ran on the GUI thread
    assert recorder.failures == []


def test_cancel_reaches_the_runner_and_the_arguments_are_passed_through(qtbot):
    seen = {}
    started = threading.Event()

    def runner(config, listener, cancel=None, search_dir=None, resume=False):
        seen.update(search_dir=search_dir, resume=resume, data_dir=config.data_dir)
        started.set()
        assert cancel.wait(5), "cancel never arrived"
        final = {"type": "search_finished", "status": "cancelled", "search_dir": search_dir}
        return final

    worker = SearchWorker(SearchConfig(data_dir="/data"), search_dir="/s/1", resume=True, runner=runner)
    recorder = _wire(worker)
    thread = start_search_thread(worker)
    assert started.wait(5)
    worker.cancel()
    qtbot.waitUntil(lambda: bool(recorder.finals), timeout=10000)  # queued to this thread
    qtbot.waitUntil(thread.isFinished, timeout=5000)
    assert worker.cancel_requested
    assert seen == {"search_dir": "/s/1", "resume": True, "data_dir": "/data"}
    assert recorder.finals[0]["status"] == "cancelled"


def test_runner_exception_becomes_failed_signal_and_a_failed_final_event(qtbot):
    def runner(config, listener, cancel=None, search_dir=None, resume=False):
        listener({"type": "search_started", "search_dir": "/s/2"})
        raise MemoryError("out of memory in trial 3")

    worker = SearchWorker(SearchConfig(data_dir="/data"), runner=runner)
    recorder, _thread = _run(qtbot, worker)
    assert len(recorder.failures) == 1 and "MemoryError: out of memory in trial 3" in recorder.failures[0]
    final = recorder.finals[0]
    assert final["type"] == "search_finished" and final["status"] == "failed"
    assert "out of memory" in final["error"]
    assert final["search_dir"] == "/s/2"  # learnt from search_started, so the search stays resumable


def test_runner_returning_nothing_is_reported_as_failed(qtbot):
    worker = SearchWorker(SearchConfig(data_dir="/data"), runner=lambda *a, **k: None)
    recorder, _thread = _run(qtbot, worker)
    assert recorder.finals[0]["status"] == "failed"


def test_run_in_background_delivers_results_and_errors_on_the_gui_thread(qtbot):
    results, errors, threads = [], [], []

    def on_result(value):
        threads.append(threading.current_thread())
        results.append(value)

    def on_error(message, tb):
        threads.append(threading.current_thread())
        errors.append((message, tb))

    worker_threads = []

    def job():
        worker_threads.append(threading.current_thread())
        return 42

    def bad_job():
        raise ValueError("cannot read folder")

    run_in_background(job, on_result, on_error)
    run_in_background(bad_job, on_result, on_error)
    qtbot.waitUntil(lambda: len(results) + len(errors) == 2, timeout=5000)
    assert results == [42]
    assert errors[0][0] == "cannot read folder" and "ValueError" in errors[0][1]
    assert worker_threads[0] is not threading.main_thread()
    assert all(t is threading.main_thread() for t in threads)


def test_background_result_for_a_deleted_receiver_is_dropped(qtbot):
    receiver = QObject()
    gate = threading.Event()
    delivered = []
    run_in_background(lambda: gate.wait(5) or "late", delivered.append, receiver=receiver)
    receiver.deleteLater()
    qtbot.wait(50)
    gate.set()
    from PySide6.QtCore import QThreadPool

    assert QThreadPool.globalInstance().waitForDone(5000)
    qtbot.wait(50)
    assert delivered == []


@pytest.mark.parametrize("cancel_first", [True])
def test_cancel_before_start_is_kept(qtbot, cancel_first):
    def runner(config, listener, cancel=None, search_dir=None, resume=False):
        return {"type": "search_finished", "status": "cancelled" if cancel.is_set() else "completed"}

    worker = SearchWorker(SearchConfig(data_dir="/data"), runner=runner)
    worker.cancel()
    recorder, _thread = _run(qtbot, worker)
    assert recorder.finals[0]["status"] == "cancelled"


def test_the_session_takes_a_burst_of_events_one_per_turn_and_all_before_the_end(qtbot):
    from PySide6.QtCore import QCoreApplication, QEvent

    from app.gui.session.search_session import SearchSession
    from fake_events import fake_search_events

    session = SearchSession(recorder=None)
    events = fake_search_events(n_trials=2, epochs=1, steps=1)
    order: list[str] = []

    class Marker(QObject):
        def event(self, event):  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.User:
                order.append("posted event")
                return True
            return super().event(event)

    marker = Marker()

    def on_trial_started(event):
        order.append(f"trial_started {event['trial_id']}")
        QCoreApplication.postEvent(marker, QEvent(QEvent.Type.User))  # stands for a paint

    session.model.trial_started.connect(on_trial_started)
    starts = [e for e in events if e["type"] == "trial_started"]
    session._on_event(events[0])  # search_started
    for event in starts:  # a burst: both queued before either is taken in
        session._on_event(event)
    qtbot.waitUntil(lambda: len(order) == 4, timeout=2000)
    # The paint asked for by the first event ran before the second event was taken in.
    assert order == [f"trial_started {starts[0]['trial_id']}", "posted event",
                     f"trial_started {starts[1]['trial_id']}", "posted event"]
    # Events still waiting when the search ends are shown before its end.
    rest = [e for e in events[1:] if e["type"] not in ("trial_started", "search_finished")]
    for event in rest:
        session._on_event(event)
    session._on_finished(events[-1])
    assert all(t.status == "COMPLETED" for t in session.model.state.trials.values())
    assert len(session.model.state.trials) == 2 and session.final_event == events[-1]
