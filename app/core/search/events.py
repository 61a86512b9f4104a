"""Events a search reports: plain dicts of JSON-safe values (str, int, float, bool, None, lists, dicts).

Every event has ``"type"`` and ``"time"`` (Unix seconds). They cross thread and process boundaries
unchanged (a multiprocessing queue, a Qt signal carrying ``dict``), and the history store saves
them as they come. The typed definitions below (one ``TypedDict`` per kind, in the order a search
emits them) document the fields; on the wire an event stays a plain dict.

Whoever follows a search is a *listener*: either a plain callable ``listener(event)`` or an object
with some of the :class:`SearchListener` hooks. :func:`dispatch` is the one place that looks at an
event's ``type`` and calls the matching hook; :func:`is_type` and :func:`of_type` answer "is this
event of that kind?" and "which stored events are?" for code that only filters.

Playbook tasks (``app.core.playbook.tasks``) report through the same mechanism: their kinds are below too,
and a :class:`TaskListener` receives them through the same :func:`dispatch`.

A distributed search (``app.core.distributed``) adds ``worker`` (the worker's name) to the trial
events its workers report and ``distributed, chief_address, token_required`` to
``search_started``, and reports each worker as ``worker_status``: ``worker, host, device, status
("starting" | "idle" | "training" | "left" | "done" | "lost" | ...), trial_id, number, last_seen
(Unix seconds), trials_done``, on changes and every few seconds while the worker lives.
"""
from __future__ import annotations

import math
import time
from typing import Any, Callable, Iterable, Literal, NotRequired, Protocol, TypedDict, Union

from app.core.util.messages import message_data


Listener = Callable[[dict], None]

STAGE = "stage"  # a preparation stage before the trials (app/core/search/stages.py), or a transfer search's stage
SEARCH_STARTED = "search_started"
NOTICE = "notice"
TRIAL_STARTED = "trial_started"
BATCH_ENDED = "batch_ended"
EPOCH_ENDED = "epoch_ended"
TRIAL_ENDED = "trial_ended"
SEARCH_FINISHED = "search_finished"
WORKER_STATUS = "worker_status"
# Internal, never relayed: a training child stopped to be replaced by a fresh one that resumes the
# search (run_search's max_trials_in_process hands TensorFlow's memory back).
RECYCLE = "recycle"
EXPORT_PROGRESS = "export_progress"  # one step of an export (app/core/export/export.py), for progress lines

# A playbook task's events (fields: app/core/playbook/tasks.py).
TASK_STARTED = "task_started"
TASK_PROGRESS = "task_progress"
TASK_EPOCH = "task_epoch"
TASK_FINISHED = "task_finished"
TASK_TYPES = (TASK_STARTED, TASK_PROGRESS, TASK_EPOCH, TASK_FINISHED)

EVENT_TYPES = (STAGE, SEARCH_STARTED, NOTICE, TRIAL_STARTED, BATCH_ENDED, EPOCH_ENDED, TRIAL_ENDED, SEARCH_FINISHED)

# Final search statuses.
COMPLETED = "completed"
CANCELLED = "cancelled"
FAILED = "failed"

TrialStatus = Literal["RUNNING", "COMPLETED", "FAILED", "INVALID", "STOPPED", "CANCELLED"]


class Stage(TypedDict):
    """A stage of a search: a preparation stage before the first trial (``done`` of ``total``
    candidates timed; app/core/search/stages.py), or a staged transfer search's stage
    (app/core/search/transfer/transfer_search.py; for features ``done`` of ``total`` images)."""
    type: Literal["stage"]
    time: float
    stage: Literal["scanning", "starting_tensorflow", "measuring", "compiling", "loading", "features", "head",
                   "fine_tune"]
    done: NotRequired[int | None]
    total: NotRequired[int | None]
    budget_spent: NotRequired[float]  # preparation: seconds counted against the budget so far (earlier runs included)
    budget_spent_before: NotRequired[float]  # of which earlier runs of a resumed search
    time_budget: NotRequired[float | None]
    finished: NotRequired[bool]  # features: the last event of stage 1 (computed, reused, seconds)
    message: NotRequired[str]
    budget_seconds: NotRequired[float | None]  # head, fine_tune: the stage's share of the budget


class SearchStarted(TypedDict):
    type: Literal["search_started"]
    time: float
    search_id: str
    search_dir: str
    config: dict
    device: str
    devices: list[str]
    mixed_precision: bool
    classes: list[str]
    train_count: int
    val_count: int
    test_count: int
    max_trials: int | None  # None: Hyperband/Grid decide themselves
    resumed: bool
    completed_trials: int  # > 0 on resume
    dataset_fingerprint: str
    versions: dict
    cache: Literal["memory", "disk"]
    pid: int  # the training process
    name: NotRequired[str]  # the search's name (config name, else its folder's)
    time_budget: NotRequired[float | None]  # seconds; None: no limit
    budget_spent_before: NotRequired[float]  # seconds spent by earlier runs of a resumed search
    budget_spent: NotRequired[float]  # seconds counted so far, preparation and earlier runs included
    image_size: NotRequired[int]  # the size chosen (config may say "auto")
    class_weights: NotRequired[bool]  # whether the loss weighs classes by their rarity


class Notice(TypedDict):
    """Something the user should know (ImageNet weights not cached, the budget ran out, ...)."""
    type: Literal["notice"]
    time: float
    level: Literal["info", "warning"]
    message: str
    reason: NotRequired[Literal["estimate", "plan", "plateau", "budget", "pruned", "batch_size", "compile"]]
    estimates: NotRequired[list[dict]]  # reason "estimate": measured model sizes and epoch times
    trial_id: NotRequired[str]  # reason "pruned": the trial stopped early


class TrialStarted(TypedDict):
    type: Literal["trial_started"]
    time: float
    trial_id: str
    number: int  # 1-based
    hyperparameters: dict
    batch_size: int
    epochs_planned: NotRequired[int]  # what the budget planner gives this trial
    stage: NotRequired[Literal["head", "fine_tune"]]  # a staged transfer search's trials (batch, epoch, end too)


class BatchEnded(TypedDict):
    """Throttled to a few per second; the last batch of an epoch is always sent."""
    type: Literal["batch_ended"]
    time: float
    trial_id: str
    epoch: int  # 0-based
    batch: int  # 0-based
    steps: int  # batches per epoch
    logs: dict


class EpochEnded(TypedDict):
    type: Literal["epoch_ended"]
    time: float
    trial_id: str
    epoch: int  # 0-based
    epochs: int  # planned
    logs: dict  # loss, accuracy, val_loss, val_accuracy
    confusion: list[list[int]] | None  # rows true class, columns predicted; validation split
    class_names: list[str]
    elapsed: NotRequired[float]  # seconds of this run of the search
    budget_remaining: NotRequired[float | None]  # seconds; None: no budget


class TrialEnded(TypedDict):
    type: Literal["trial_ended"]
    time: float
    trial_id: str
    number: int
    status: TrialStatus
    score: float | None
    best_step: int | None  # the epoch whose weights were kept
    duration: float
    message: str  # failure reason or ""
    hyperparameters: dict
    history: dict  # metric -> per-epoch values
    confusion: list[list[int]] | None
    stopped: NotRequired[Literal["budget", "user", "pruned"] | None]  # why it ended before its plan
    epochs_planned: NotRequired[int]
    epochs_run: NotRequired[int]


class SearchFinished(TypedDict):
    type: Literal["search_finished"]
    time: float
    status: Literal["completed", "cancelled", "failed"]
    error: str  # for failed
    best_trial_id: str | None
    best_score: float | None
    best_hyperparameters: dict
    trials: list[dict]  # trial summaries as in trial_ended
    duration: float | None
    search_dir: str | None
    reason: NotRequired[str]  # why it ended, in words
    test_accuracy: NotRequired[float | None]  # the best trial on the held-out test split
    time_budget: NotRequired[float | None]
    elapsed: NotRequired[float]


Event = Union[Stage, SearchStarted, Notice, TrialStarted, BatchEnded, EpochEnded, TrialEnded, SearchFinished]


class SearchListener:
    """Follows a search through small hooks; each does nothing unless overridden.

    Subclass it (or write any object with some of these methods) and feed events with
    :func:`dispatch`. Hooks receive the event dict unchanged.
    """

    def on_stage(self, event: Stage) -> None: ...
    def on_search_started(self, event: SearchStarted) -> None: ...
    def on_notice(self, event: Notice) -> None: ...
    def on_trial_started(self, event: TrialStarted) -> None: ...
    def on_batch_ended(self, event: BatchEnded) -> None: ...
    def on_epoch_ended(self, event: EpochEnded) -> None: ...
    def on_trial_ended(self, event: TrialEnded) -> None: ...
    def on_search_finished(self, event: SearchFinished) -> None: ...
    def on_export_progress(self, event: dict) -> None: ...
    def on_worker_status(self, event: dict) -> None: ...  # a distributed search's workers


class TaskListener:
    """Follows a playbook task (``app.core.playbook.tasks``) through hooks, fed by :func:`dispatch` too."""

    def on_task_started(self, event: dict) -> None: ...
    def on_task_progress(self, event: dict) -> None: ...
    def on_task_epoch(self, event: dict) -> None: ...
    def on_task_finished(self, event: dict) -> None: ...


# Event type -> the hook that handles it.
HOOKS: dict[str, str] = {kind: f"on_{kind}" for kind in (*EVENT_TYPES, EXPORT_PROGRESS, WORKER_STATUS, *TASK_TYPES)}


def _has_hooks(listener: Any) -> bool:
    return isinstance(listener, (SearchListener, TaskListener)) or hasattr(listener, "on_search_started")


def dispatch(event: dict, *listeners: Any) -> None:
    """Hand ``event`` to each listener: its matching hook, or the listener itself if it is a
    plain callable without hooks. Events of unknown types and non-dicts reach only callables."""
    hook_name = HOOKS.get(event.get("type")) if isinstance(event, dict) else None
    for listener in listeners:
        if _has_hooks(listener):
            if hook_name is not None:
                getattr(listener, hook_name, _ignore)(event)
        elif callable(listener):
            listener(event)


def is_type(event: Any, *kinds: str) -> bool:
    """Whether ``event`` is an event dict of one of ``kinds`` (False for anything else)."""
    return isinstance(event, dict) and event.get("type") in kinds


def of_type(events: Iterable[Any], kind: str) -> list[dict]:
    """The events of ``kind`` among ``events`` (e.g. the lines of ``events.jsonl``), in order."""
    return [e for e in events if is_type(e, kind)]


def _ignore(_event: dict) -> None:
    pass


class CancelToken(Protocol):
    """Anything with ``is_set()``: ``threading.Event``, ``multiprocessing.Event``."""

    def is_set(self) -> bool: ...


class NeverCancel:
    def is_set(self) -> bool:
        return False


def trial_number(trial_id: Any) -> int:
    """The number a person sees for a Keras Tuner trial id ("00" is trial 1); 0 when not numeric."""
    try:
        return int(trial_id) + 1
    except (TypeError, ValueError):
        return 0


def make_event(kind: str, **fields: Any) -> dict:
    """An event of ``kind``; a field holding a message with an id (``app.core.util.messages``) also
    gets ``<field>_msg``, its id and fields as plain data, so the window translates it by its id."""
    event = {"type": kind, "time": time.time()}
    for key, value in fields.items():
        put(event, key, value)
    return event


def put(event: dict, key: str, value: Any) -> None:
    """Set a field of an event as :func:`make_event` does (a message's id rides along)."""
    event[key] = plain(value)
    data = message_data(value)
    if data is not None:
        event[f"{key}_msg"] = data
    else:
        event.pop(f"{key}_msg", None)


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
        return of_type(self.events, kind)

    @property
    def final(self) -> dict | None:
        finished = self.of_type(SEARCH_FINISHED)
        return finished[-1] if finished else None
