"""Events a search reports: plain dicts of JSON-safe values (str, int, float, bool, None, lists, dicts).

Every event has ``"type"`` and ``"time"`` (Unix seconds). They cross thread and process boundaries
unchanged (a multiprocessing queue, a Qt signal carrying ``dict``), and the history store saves
them as they come. The types, in the order a search emits them:

``search_started``
    ``search_id, search_dir, config (dict), device (str), devices (list[str]),
    mixed_precision (bool), classes (list[str]), train_count, val_count, test_count,
    max_trials (int | None: Hyperband/Grid decide themselves), resumed (bool),
    completed_trials (int, > 0 on resume), dataset_fingerprint, versions (dict), cache ("memory" |
    "disk"), pid (the training process)``
``notice``
    ``level ("info" | "warning"), message`` - e.g. ImageNet weights not cached.
``trial_started``
    ``trial_id, number (1-based), hyperparameters (dict), batch_size``
``batch_ended``
    ``trial_id, epoch (0-based), batch (0-based), steps (batches per epoch), logs (dict)``.
    Throttled to a few per second; the last batch of an epoch is always sent.
``epoch_ended``
    ``trial_id, epoch (0-based), epochs (planned), logs {loss, accuracy, val_loss, val_accuracy},
    confusion (list[list[int]]: rows true class, columns predicted, on the validation split),
    class_names``
``trial_ended``
    ``trial_id, number, status ("COMPLETED" | "FAILED" | "INVALID" | "STOPPED" | "CANCELLED"),
    score (float | None), best_step, duration (s), message (failure reason or ""),
    hyperparameters, history {metric: [per-epoch values]}, confusion (last epoch, or None)``
``search_finished``
    ``status ("completed" | "cancelled" | "failed"), error (str, for failed), best_trial_id,
    best_score, best_hyperparameters, trials (list of trial summaries), duration, search_dir``

A distributed search (``app.core.distributed``) adds ``worker`` (the worker's name) to the trial
events its workers report, ``distributed, chief_address, token_required`` to ``search_started``,
and reports each worker:

``worker_status``
    ``worker, host, device, status ("starting" | "idle" | "training" | "left" | "done" | "lost" |
    ...), trial_id, number, last_seen (Unix seconds), trials_done`` - on changes, and every few
    seconds while the worker lives.

Listeners are plain callables ``listener(event: dict) -> None``.
"""
from __future__ import annotations

import math
import time
from typing import Any, Callable, Protocol

Listener = Callable[[dict], None]

SEARCH_STARTED = "search_started"
NOTICE = "notice"
TRIAL_STARTED = "trial_started"
BATCH_ENDED = "batch_ended"
EPOCH_ENDED = "epoch_ended"
TRIAL_ENDED = "trial_ended"
SEARCH_FINISHED = "search_finished"
WORKER_STATUS = "worker_status"

EVENT_TYPES = (SEARCH_STARTED, NOTICE, TRIAL_STARTED, BATCH_ENDED, EPOCH_ENDED, TRIAL_ENDED, SEARCH_FINISHED)

# Final search statuses.
COMPLETED = "completed"
CANCELLED = "cancelled"
FAILED = "failed"


class CancelToken(Protocol):
    """Anything with ``is_set()``: ``threading.Event``, ``multiprocessing.Event``."""

    def is_set(self) -> bool: ...


class NeverCancel:
    def is_set(self) -> bool:
        return False


def make_event(kind: str, **fields: Any) -> dict:
    event = {"type": kind, "time": time.time()}
    event.update({k: plain(v) for k, v in fields.items()})
    return event


def plain(value: Any) -> Any:
    """Convert numpy scalars/arrays, tuples and non-finite floats to JSON-safe Python values."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    tolist = getattr(value, "tolist", None)
    if callable(tolist):  # numpy scalar or array, tf EagerTensor via numpy()
        return plain(tolist())
    numpy = getattr(value, "numpy", None)
    if callable(numpy):
        return plain(numpy())
    try:
        return plain(float(value))
    except (TypeError, ValueError):
        return str(value)


class EventLog:
    """A listener that keeps every event; handy for tests and the command line."""

    def __init__(self) -> None:
        self.events: list[dict] = []

    def __call__(self, event: dict) -> None:
        self.events.append(event)

    def of_type(self, kind: str) -> list[dict]:
        return [e for e in self.events if e["type"] == kind]

    @property
    def final(self) -> dict | None:
        finished = self.of_type(SEARCH_FINISHED)
        return finished[-1] if finished else None
