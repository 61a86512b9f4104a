"""A window driven without TensorFlow: a fake runner that plays a search's events, a fake device probe, and the steps the window tests share."""
from __future__ import annotations
import json
import threading
import time
from pathlib import Path
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLineEdit,
)
from app.core.util import paths
from app.core.data.dataset import scan_dataset
from fake_events import fake_search_events


class FakeRunner:
    """Same signature as ``run_search_in_subprocess``; plays a realistic fake event stream.

    It writes a ``search.json`` like the real runner, so Resume works on what it leaves behind.
    ``hold_after_first_epoch`` blocks after trial 1's first epoch until cancel (like a long run).
    """

    def __init__(self, n_trials=3, epochs=2, failed_trials=(), hold_after_first_epoch=False,
                 error: Exception | None = None, delay: float = 0.0, hold_after_epochs: int = 1,
                 val_per_class: int = 2, steps: int = 3, time_budget: float | None = None):
        self.n_trials = n_trials
        self.epochs = epochs
        self.failed_trials = failed_trials
        self.hold = hold_after_first_epoch
        self.error = error
        self.delay = delay
        self.hold_after_epochs = hold_after_epochs
        self.val_per_class = val_per_class
        self.steps = steps
        self.time_budget = time_budget
        self.calls: list[dict] = []
        self.holding = threading.Event()

    def __call__(self, config, listener, cancel=None, search_dir=None, resume=False):
        self.calls.append({"search_dir": search_dir, "resume": resume, "config": config})
        if self.error is not None:
            raise self.error
        if search_dir is None:
            search_dir = paths.searches_dir() / f"fake-{len(self.calls)}-{time.time_ns()}"
            search_dir.mkdir(parents=True)
        search_dir = Path(search_dir)
        info = {"search_id": search_dir.name, "config": config.to_dict(), "status": "running"}
        (search_dir / "search.json").write_text(json.dumps(info))
        classes = scan_dataset(config.data_dir).usable_classes
        events = fake_search_events(n_trials=self.n_trials, epochs=self.epochs, classes=classes,
                                    failed_trials=self.failed_trials, val_per_class=self.val_per_class,
                                    steps=self.steps, time_budget=self.time_budget,
                                    search_id=search_dir.name)
        held = False
        epochs_seen = 0
        final = None
        for event in events:
            if cancel is not None and cancel.is_set():
                break
            if event.get("search_dir"):
                event["search_dir"] = str(search_dir)
            if event["type"] == "search_started":
                event["config"] = config.to_dict()
                event["resumed"] = resume
            listener(event)
            if event["type"] == "search_finished":
                final = event
            if self.delay:
                time.sleep(self.delay)
            epochs_seen += event["type"] == "epoch_ended"
            if (self.hold and not held and not resume and event["type"] == "epoch_ended"
                    and epochs_seen >= self.hold_after_epochs):
                held = True
                self.holding.set()
                cancel.wait(30)
        status = "completed" if final is not None else "cancelled"
        info["status"] = status
        (search_dir / "search.json").write_text(json.dumps(info))
        if final is None:
            final = {"type": "search_finished", "time": time.time(), "status": "cancelled", "error": "",
                     "best_trial_id": None, "best_score": None, "best_hyperparameters": {}, "trials": [],
                     "duration": 0.5, "search_dir": str(search_dir)}
            listener(final)
        return final


def fake_device_probe() -> dict:
    return {"device": "CPU: test", "gpus": [], "mixed_precision_available": False}


def stop_and_close(qtbot, windows) -> None:
    """Stop any running search, let background jobs finish, then close and delete the windows."""
    for window in windows:
        if window.is_running:
            window.stop_search()
            qtbot.waitUntil(lambda w=window: not w.is_running, timeout=30000)
    from app.gui.session.search_worker import wait_for_background_jobs

    wait_for_background_jobs(20000)
    for window in windows:
        window.close()
        window.deleteLater()
    qtbot.wait(10)


def scan(qtbot, window, folder) -> None:
    panel = window.dataset_panel
    with qtbot.waitSignal(panel.scan_finished, timeout=20000):
        edit = window.findChild(QLineEdit, "datasetPathEdit")
        edit.setText(str(folder))
        qtbot.keyClick(edit, Qt.Key.Key_Return)
