"""Running playbook tasks from the window: a worker on a QThread, and a panel with Start/Stop.

``TaskWorker`` calls ``app.core.playbook.task_process.run_task_in_subprocess`` (TensorFlow runs in the
training child, never here) and relays every event as a signal carrying a plain dict; it is
started like a search worker (``start_search_thread``). ``TaskPanel`` is the common frame of
the playbook dialogs: a form on top, a progress bar and a status line, Start and Stop buttons;
subclasses give the task's parameters and show its events and result.
"""
from __future__ import annotations

import traceback
from typing import Callable

from PySide6.QtCore import QCoreApplication, QThread, Signal, Slot
from PySide6.QtWidgets import (QDialog, QFormLayout, QHBoxLayout, QLabel, QLayout, QProgressBar, QPushButton,
                               QVBoxLayout, QWidget)

from app.core.search.events import FAILED, TASK_FINISHED, TaskListener, dispatch, make_event
from app.gui.text import core_text
from app.gui.session.search_worker import CancellableWorker, start_search_thread

# Workers whose panel closed while they ran: kept alive until they finish (their thread runs them).
_live_workers: set = set()


def default_task_runner(task: str, params: dict, listener, cancel=None) -> dict:
    from app.core.playbook.task_process import run_task_in_subprocess

    return run_task_in_subprocess(task, params, listener, cancel=cancel)


class TaskWorker(CancellableWorker):
    """Runs one playbook task; signals ``event_received(dict)`` then ``finished(dict)`` (always)."""

    event_received = Signal(dict)
    finished = Signal(dict)

    def __init__(self, task: str, params: dict, runner: Callable | None = None):
        super().__init__(runner or default_task_runner)
        self.task = task
        self.params = params

    @Slot()
    def run(self) -> None:
        try:
            final = self._runner(self.task, self.params, self.event_received.emit, cancel=self._cancel)
        except Exception as exc:  # noqa: BLE001 - shown in the panel, never lost
            traceback.print_exc()
            final = make_event(TASK_FINISHED, task=self.task, status=FAILED, error=f"{type(exc).__name__}: {exc}",
                               result=None, params=self.params)
        self.finished.emit(final)


def start_task_worker(worker: TaskWorker) -> QThread:
    """Start a task worker on its own thread; it stays referenced until it finishes, and a quitting
    application stops it (cancel, then the child is killed if it ignores that) before exiting."""
    _live_workers.add(worker)
    worker.finished.connect(lambda _final: _live_workers.discard(worker))
    app = QCoreApplication.instance()
    if app is not None and not app.property("playbookQuitHook"):
        app.setProperty("playbookQuitHook", True)
        app.aboutToQuit.connect(_stop_all_tasks)
    thread = start_search_thread(worker)
    worker.thread_ref = thread
    return thread


def _stop_all_tasks() -> None:
    for worker in list(_live_workers):
        worker.cancel()
    for worker in list(_live_workers):
        thread = getattr(worker, "thread_ref", None)
        if thread is not None:
            thread.wait(40000)  # the supervisor kills a child that ignores cancel after 30 s


class TaskPanel(QWidget, TaskListener):
    """Start/Stop, progress and status for one task; subclasses fill ``form`` and ``body``.

    Subclass hooks: ``task`` (name), ``params()`` (dict, or None after telling the user why),
    the task event hooks of :class:`~app.core.search.events.TaskListener` (``on_task_epoch(event)``, ...;
    an override of ``on_task_progress`` calls this one first) and ``on_result(result)``. ``runner`` replaces the child-process runner
    (tests). ``finished(dict)`` is emitted with the final event; ``history`` records it.
    """

    task = ""
    finished = Signal(dict)

    def __init__(self, parent: QWidget | None = None, runner: Callable | None = None, history=None):
        super().__init__(parent)
        self._runner = runner
        self._history = history
        self.worker: TaskWorker | None = None
        self.thread: QThread | None = None
        self.result: dict | None = None
        self.current_task = self.task
        self.form = QVBoxLayout()
        self.body = QVBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setObjectName("taskStart")
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.start_button.clicked.connect(lambda: self.start())
        self.stop_button.clicked.connect(self.stop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addLayout(self.body, 1)

    @property
    def running(self) -> bool:
        return self.worker is not None

    def add_form(self, rows: list[tuple[str, QWidget | QLayout]], start_text: str) -> None:
        """The task's parameters as labelled rows above the buttons; ``start_text`` names Start."""
        form = QFormLayout()
        for label, field in rows:
            form.addRow(label, field)
        self.form.addLayout(form)
        self.start_button.setText(start_text)

    def params(self) -> dict | None:
        raise NotImplementedError

    def on_result(self, result: dict) -> None:
        pass

    def start(self, task: str | None = None, params: dict | None = None) -> None:
        """Run the panel's task with ``params()``, or another task (e.g. an export of the result)."""
        if self.running:
            return
        params = self.params() if params is None else params
        if params is None:
            return
        self.current_task = task or self.task
        self.result = None
        self.progress.setValue(0)
        self.status.setText(self.tr("Starting the training process…"))
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.worker = TaskWorker(self.current_task, params, runner=self._runner)
        self.worker.event_received.connect(self._on_event)
        self.worker.finished.connect(self._on_finished)
        self.thread = start_task_worker(self.worker)

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.status.setText(self.tr("Stopping…"))
            self.stop_button.setEnabled(False)

    def _on_event(self, event: dict) -> None:
        dispatch(event, self)

    def on_task_progress(self, event: dict) -> None:
        self.progress.setValue(int(1000 * float(event.get("fraction") or 0)))
        if event.get("message"):
            self.status.setText(str(event["message"]))

    def _on_finished(self, final: dict) -> None:
        if self.thread is not None:
            self.thread.wait(5000)
        self.worker, self.thread = None, None
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        if self._history is not None:
            try:
                self._history.record(final)
            except Exception:  # noqa: BLE001 - history must not break the panel
                traceback.print_exc()
        status = final.get("status")
        if status == "completed":
            self.progress.setValue(1000)
            self.status.setText(self.tr("Done."))
            self.result = final.get("result") or {}
            self.on_result(self.result)
        elif status == "cancelled":
            self.status.setText(self.tr("Stopped."))
        else:
            error = core_text.translate(final.get("error") or "unknown error")
            self.status.setText(self.tr("Failed: {error}").format(error=error))
        self.finished.emit(final)

    def shutdown(self) -> None:
        """Stop a running task (closing the dialog): the worker lives on until its child has ended."""
        if self.worker is not None:
            self.worker.cancel()  # start_task_worker keeps it alive until its child has ended


class TaskDialog(QDialog):
    """A dialog around one panel; closing it stops the task."""

    def __init__(self, panel: TaskPanel, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.panel = panel
        layout = QVBoxLayout(self)
        layout.addWidget(panel)

    def done(self, code: int) -> None:  # noqa: D401 - Qt API
        self.panel.shutdown()
        super().done(code)
