"""The one status line a running search or task shows on stderr.

What it says of the search (trial number and count, planned epochs, the best score, trial durations)
comes from a :class:`~app.core.search.search_state.SearchState` it feeds first, the same state the
window's panels read; only the runner's budget clock is kept here, as the epochs report it.
"""
from __future__ import annotations

import sys
import time

from app.core.search import events as ev
from app.core.search.search_state import SearchState
from app.core.search.stages import STAGES as PREPARATION_STAGES, stage_text

# A staged transfer search's stages, as the status line names them.
STAGE_NAMES = {"features": "features", "head": "head trials", "fine_tune": "fine-tuning"}


def _mmss(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


class TerminalProgress(ev.SearchListener):
    """One status line on stderr: trial k/N, epoch, batch, best score, ETA (a listener of app.core.search.events)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.state = SearchState()
        self.last_line = ""
        self.elapsed = 0.0  # budget seconds spent, as the runner's clock last said (at elapsed_at)
        self.elapsed_at = time.time()

    def __call__(self, event: dict) -> None:
        ev.dispatch(event, self.state, self)

    @property
    def best(self) -> float | None:
        """The best completed trial's score so far (by the objective's direction)."""
        best = self.state.best
        return best.score if best is not None else None

    def on_search_started(self, event: dict) -> None:
        # The budget counted from the first preparation stage, not from here.
        spent = event.get("budget_spent")
        self.elapsed, self.elapsed_at = (spent if spent is not None else event.get("budget_spent_before") or 0.0,
                                         time.time())
        self._print_line(f"Search started on {event['device']}: {event['train_count']} training and "
                         f"{event['val_count']} validation images, {len(event['classes'])} classes",
                         newline=True)

    def on_stage(self, event: dict) -> None:
        """A preparation stage (scanning, starting TensorFlow, measuring k of N, ...) with the budget
        clock, or a transfer search's stage (the features' progress, or what the stage will do)."""
        if event.get("stage") in PREPARATION_STAGES:
            self.elapsed, self.elapsed_at = event.get("budget_spent") or 0.0, time.time()
            self._print_line(stage_text(event) + self._clock_text(event.get("time_budget")))
            return
        if event.get("elapsed") is not None:
            self.elapsed, self.elapsed_at = event["elapsed"], time.time()
        if event.get("stage") == "features" and event.get("total") and not event.get("finished"):
            self._print_line(f"Features: {event.get('done', 0)}/{event['total']} images"
                             + self._clock_text(self.state.time_budget))
        elif event.get("message"):
            self._print_line(event["message"], newline=True)

    def on_notice(self, event: dict) -> None:
        self._print_line(f"{event['level']}: {event['message']}", newline=True)

    def on_export_progress(self, event: dict) -> None:
        self._print_line(f"export {event['done'] + 1}/{event['total']}: {event['message']}")

    def on_trial_started(self, event: dict) -> None:
        self._status(f"epoch 1/{self.state.epochs}")

    def on_batch_ended(self, event: dict) -> None:
        self._status(f"epoch {event['epoch'] + 1}/{self.state.epochs} batch {event['batch'] + 1}/{event['steps']}")

    def on_epoch_ended(self, event: dict) -> None:
        if event.get("elapsed") is not None:
            self.elapsed, self.elapsed_at = event["elapsed"], time.time()
        logs = event["logs"]
        acc = logs.get("val_accuracy")
        self._status(f"epoch {event['epoch'] + 1}/{self.state.epochs} done"
                     + (f", val_accuracy {acc:.3f}" if acc is not None else ""))

    def on_trial_ended(self, event: dict) -> None:
        score = event.get("score")
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

    def _status(self, detail: str) -> None:
        state = self.state
        total = f"/{state.max_trials}" if state.max_trials else ""
        eta = self._clock_text(state.time_budget)
        durations = state.trial_durations
        if not eta and state.max_trials and durations:
            remaining = max(0, state.max_trials - len(durations))
            seconds = remaining * sum(durations) / len(durations)
            eta = f" | ETA {int(seconds // 60)}m{int(seconds % 60):02d}s"
        best = f" | best {self.best:.4f}" if self.best is not None else ""
        stage = f"{STAGE_NAMES[state.stage]} | " if state.stage in STAGE_NAMES else ""
        self._print_line(f"{stage}Trial {state.trial_number}{total} | {detail}{best}{eta}")

    def _clock_text(self, budget: float | None) -> str:
        if not budget:
            return ""
        spent = self.elapsed + (time.time() - self.elapsed_at)
        left = max(0.0, budget - spent)
        return f" | {_mmss(spent)} of {_mmss(budget)}, about {_mmss(left)} left"

    def _print_line(self, text: str, newline: bool = False) -> None:
        if not self.enabled:
            if newline and text:
                print(text, file=sys.stderr)
            return
        pad = " " * max(0, len(self.last_line) - len(text))
        sys.stderr.write("\r" + text + pad + ("\n" if newline else ""))
        sys.stderr.flush()
        self.last_line = "" if newline else text
