"""The preparation stages before the first trial, reported as ``stage`` events.

Why: between Start and the first trial a search scans the folder, starts TensorFlow, times
candidate models on this machine and decodes the images: on a busy 2-core machine that took 80 s
in which the window said only "Starting the search…", and the budget clock, which counts from the
first of them, then showed 0:00 (issue 24). Each stage is an event with the budget spent so far,
so the window and the command line show what is happening and the real clock from the start.

Plain Python (no TensorFlow). The window words the stages itself (translated); :func:`stage_text`
is the English for the command line.
"""
from __future__ import annotations

from app.core.search import events as ev

SCANNING = "scanning"
STARTING_TENSORFLOW = "starting_tensorflow"
MEASURING = "measuring"  # done/total: candidate models timed on this machine
COMPILING = "compiling"  # XLA against the plain graph (app/core/search/planning/compile_choice.py)
LOADING = "loading"  # decoding the images into memory or the disk cache
STAGES = (SCANNING, STARTING_TENSORFLOW, MEASURING, COMPILING, LOADING)

_TEXT = {
    SCANNING: "Scanning the images",
    STARTING_TENSORFLOW: "Starting TensorFlow",
    MEASURING: "Measuring this machine",
    COMPILING: "Trying the compiled (XLA) training step",
    LOADING: "Decoding the images",
}


class StageReporter:
    """Emits ``stage`` events through ``emit``, each with the budget clock's reading."""

    def __init__(self, emit, clock):
        self._emit = emit
        self._clock = clock

    def __call__(self, stage: str, done: int | None = None, total: int | None = None) -> None:
        clock = self._clock
        self._emit(ev.make_event(ev.STAGE, stage=stage, done=done, total=total,
                                 budget_spent=clock.elapsed(), budget_spent_before=clock.spent_before,
                                 time_budget=clock.budget or None))

    def progress(self, stage: str):
        """A ``progress(done, total)`` callback for a loop over candidates."""
        return lambda done, total: self(stage, done, total)


def stage_text(event: dict) -> str:
    """``Measuring this machine: 2 of 3 candidates`` (English, for the command line)."""
    text = _TEXT.get(event.get("stage"), str(event.get("stage")))
    if event.get("total"):
        text += f": {event.get('done', 0)} of {event['total']} candidates"
    return text + "…"
