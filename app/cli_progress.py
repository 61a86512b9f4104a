"""The one status line a running search or task shows on stderr."""
from __future__ import annotations

import sys
import time

from app.core import events as ev
from app.core.search_state import lower_is_better


def _mmss(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


# A staged transfer search's stages, as the status line names them.
STAGE_NAMES = {"features": "features", "head": "head trials", "fine_tune": "fine-tuning"}


class TerminalProgress(ev.SearchListener):
    """One status line on stderr: trial k/N, epoch, batch, best score, ETA (a listener of app.core.events)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.max_trials = None
        self.trial_number = 0
        self.done_durations: list[float] = []
        self.best = None
        self.epochs = None
        self.started = time.time()
        self.last_line = ""
        self.budget = None  # seconds, or None
        self.lower_is_better = False  # the objective's direction (val_loss: lower)
        self.elapsed = 0.0
        self.elapsed_at = time.time()
        self.stage = None  # a staged transfer search's stage: "features", "head", "fine_tune"

    def __call__(self, event: dict) -> None:
        ev.dispatch(event, self)

    def on_search_started(self, event: dict) -> None:
        self.max_trials = event.get("max_trials")
        self.epochs = event["config"].get("epochs")
        self.lower_is_better = lower_is_better(event["config"].get("objective"))
        self.budget = event.get("time_budget")
        self.elapsed, self.elapsed_at = event.get("budget_spent_before") or 0.0, time.time()
        self._print_line(f"Search started on {event['device']}: {event['train_count']} training and "
                         f"{event['val_count']} validation images, {len(event['classes'])} classes",
                         newline=True)

    def on_notice(self, event: dict) -> None:
        self._print_line(f"{event['level']}: {event['message']}", newline=True)

    def on_export_progress(self, event: dict) -> None:
        self._print_line(f"export {event['done'] + 1}/{event['total']}: {event['message']}")

    def on_stage(self, event: dict) -> None:
        self.stage = event.get("stage")
        if event.get("elapsed") is not None:
            self.elapsed, self.elapsed_at = event["elapsed"], time.time()
        if self.stage == "features" and event.get("total") and not event.get("finished"):
            self._print_line(f"Features: {event.get('done', 0)}/{event['total']} images{self._eta()}")
        elif event.get("message"):
            self._print_line(event["message"], newline=True)

    def on_trial_started(self, event: dict) -> None:
        self.stage = event.get("stage") or self.stage
        self.trial_number = event["number"]
        self.trial_started = time.time()
        self.epochs = event.get("epochs_planned") or self.epochs
        self._status(f"epoch 1/{self.epochs}")

    def on_batch_ended(self, event: dict) -> None:
        self._status(f"epoch {event['epoch'] + 1}/{self.epochs} batch {event['batch'] + 1}/{event['steps']}")

    def on_epoch_ended(self, event: dict) -> None:
        self.epochs = event.get("epochs") or self.epochs
        if event.get("elapsed") is not None:
            self.elapsed, self.elapsed_at = event["elapsed"], time.time()
        logs = event["logs"]
        acc = logs.get("val_accuracy")
        self._status(f"epoch {event['epoch'] + 1}/{self.epochs} done"
                     + (f", val_accuracy {acc:.3f}" if acc is not None else ""))

    def on_trial_ended(self, event: dict) -> None:
        if event.get("duration"):
            self.done_durations.append(event["duration"])
        score = event.get("score")
        if event["status"] == "COMPLETED" and score is not None and (
                self.best is None or (score < self.best if self.lower_is_better else score > self.best)):
            self.best = score
        detail = f"score {score:.4f}" if score is not None else event.get("message") or ""
        if event.get("stopped"):
            detail += f" (stopped: {event['stopped']}, {event.get('epochs_run')} epochs)"
        stage = f" ({STAGE_NAMES.get(event['stage'], event['stage'])})" if event.get("stage") else ""
        self._print_line(f"Trial {event['number']}{stage}: {event['status'].lower()} {detail}".rstrip(), newline=True)

    def on_search_finished(self, event: dict) -> None:
        self._print_line("", newline=False)
        if event.get("reason"):
            self._print_line(event["reason"], newline=True)
        if event.get("test_accuracy") is not None:
            self._print_line(f"Test accuracy of the best trial (held-out, scored once): "
                             f"{event['test_accuracy']:.4f}", newline=True)

    def _eta(self) -> str:
        if not self.budget:
            return ""
        spent = self.elapsed + (time.time() - self.elapsed_at)
        left = max(0.0, self.budget - spent)
        return f" | {_mmss(spent)} of {_mmss(self.budget)}, about {_mmss(left)} left"

    def _status(self, detail: str) -> None:
        total = f"/{self.max_trials}" if self.max_trials else ""
        eta = self._eta()
        if not self.budget and self.max_trials and self.done_durations:
            remaining = max(0, self.max_trials - len(self.done_durations))
            seconds = remaining * sum(self.done_durations) / len(self.done_durations)
            eta = f" | ETA {int(seconds // 60)}m{int(seconds % 60):02d}s"
        best = f" | best {self.best:.4f}" if self.best is not None else ""
        stage = f"{STAGE_NAMES[self.stage]} | " if self.stage in STAGE_NAMES else ""
        self._print_line(f"{stage}Trial {self.trial_number}{total} | {detail}{best}{eta}")

    def _print_line(self, text: str, newline: bool = False) -> None:
        if not self.enabled:
            if newline and text:
                print(text, file=sys.stderr)
            return
        pad = " " * max(0, len(self.last_line) - len(text))
        sys.stderr.write("\r" + text + pad + ("\n" if newline else ""))
        sys.stderr.flush()
        self.last_line = "" if newline else text
