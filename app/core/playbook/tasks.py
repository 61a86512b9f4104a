"""Playbook tasks (LR finder, mislabels, ensemble, distillation, k-fold): one way to run and report them.

A task is a plain function ``fn(ctx: TaskContext, **params) -> dict`` (its JSON-safe result).
It reports through ``ctx``: ``progress`` (a fraction and a message, plus task data such as the LR
finder's points), ``epoch`` (live curves, like a search's epoch events) and ``ctx.check()``,
which raises :class:`TaskCancelled` when the cancel token is set. :func:`run_task` wraps the call
in ``task_started`` / ``task_finished`` events; ``app.core.playbook.task_process.run_task_in_subprocess`` runs it
in the training child process, which is how the window and the command line use it.

Events (plain dicts, like :mod:`app.core.search.events`):

``task_started``   ``task, params, pid``
``task_progress``  ``task, fraction (0-1), message`` and task data
``task_epoch``     ``task, run (e.g. "fold 2", "student"), epoch, epochs, logs``
``task_finished``  ``task, status ("completed" | "cancelled" | "failed"), error, result (dict | None),
                   duration, search_dir, params``
"""
from __future__ import annotations

import importlib
import json
import math
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable

from app.core.search import events as ev
from app.core.search.events import TASK_EPOCH, TASK_FINISHED, TASK_PROGRESS, TASK_STARTED  # noqa: F401 - the task vocabulary
from app.core.search.search_dir import SearchError, load_search_info

# Task name -> "module:function" (imported in the process that runs it, so the caller never
# imports TensorFlow).
TASKS = {
    "lr_find": "app.core.playbook.lr_finder:find_lr",
    "mislabels": "app.core.playbook.mislabels:find_mislabels",
    "ensemble": "app.core.playbook.ensemble:build_ensemble",
    "distill": "app.core.playbook.distill:distill",
    "export_student": "app.core.playbook.distill:export_student",
    "kfold": "app.core.playbook.kfold:cross_validate",
    "predictions": "app.core.playbook.predictions_task:compute_search_predictions",
}


class TaskCancelled(Exception):
    """The user stopped the task."""


class TaskError(RuntimeError):
    """The task cannot be done; the message is for the user."""


class TaskContext:
    """What a running task reports through, and how it learns it was stopped."""

    def __init__(self, task: str, emit: ev.Listener | None = None, cancel: ev.CancelToken | None = None):
        self.task = task
        self._emit = emit or (lambda event: None)
        self.cancel = cancel or ev.NeverCancel()

    def check(self) -> None:
        if self.cancel.is_set():
            raise TaskCancelled(f"{self.task} stopped by user")

    def emit(self, kind: str, **fields: Any) -> None:
        self._emit(ev.make_event(kind, task=self.task, **fields))

    def progress(self, fraction: float, message: str = "", **data: Any) -> None:
        self.check()
        self.emit(TASK_PROGRESS, fraction=max(0.0, min(1.0, float(fraction))), message=message, **data)

    def epoch(self, run: str, epoch: int, epochs: int, logs: dict) -> None:
        self.emit(TASK_EPOCH, run=run, epoch=epoch, epochs=epochs,
                  logs={k: float(v) for k, v in logs.items() if _is_scalar(v)})

    def keras_callback(self, run: str, epochs: int, on_epoch: Callable[[int, dict], None] | None = None):
        """A Keras callback that stops within one batch on cancel and reports every epoch."""
        import keras

        ctx = self

        class Report(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                ctx.check()

            def on_epoch_end(self, epoch, logs=None):
                logs = {k: v for k, v in (logs or {}).items() if "confusion" not in k}
                ctx.epoch(run, epoch, epochs, logs)
                if on_epoch is not None:
                    on_epoch(epoch, logs)

        return Report()


def _is_scalar(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def resolve(task: str) -> Callable:
    if task not in TASKS:
        raise TaskError(f"unknown task {task!r}; one of {', '.join(TASKS)}")
    module, func = TASKS[task].split(":")
    return getattr(importlib.import_module(module), func)


def run_task(task: str, params: dict, listener: ev.Listener, cancel: ev.CancelToken | None = None) -> dict:
    """Run one task in this process; report its events; return the ``task_finished`` event.

    Never raises for the user's problems or the task's failures: they end in a ``failed`` event
    whose ``error`` says why (the traceback goes to stderr).
    """
    import contextlib

    started = time.time()
    ctx = TaskContext(task, listener, cancel)
    ctx.emit(TASK_STARTED, params=params, pid=os.getpid())
    status, error, result = ev.COMPLETED, "", None
    # Keras prints progress; keep stdout clean for --json.
    with contextlib.redirect_stdout(sys.stderr):
        try:
            result = resolve(task)(ctx, **params)
        except TaskCancelled:
            status = ev.CANCELLED
        except (TaskError, SearchError) as exc:  # the user's problem: its message says why
            status, error = ev.FAILED, str(exc)
        except Exception as exc:  # noqa: BLE001 - reported to the user, traceback on stderr
            traceback.print_exc(file=sys.stderr)
            status, error = ev.FAILED, f"{type(exc).__name__}: {exc}"
    final = finished_event(task, params, status, error, result, started)
    listener(final)
    return final


def finished_event(task: str, params: dict, status: str, error: str, result: dict | None, started: float) -> dict:
    return ev.make_event(TASK_FINISHED, task=task, status=status, error=error, result=result,
                         duration=time.time() - started, params=params,
                         search_dir=params.get("search_dir"))


# --------------------------------------------------------------------------- search folder helpers


def search_info(search_dir: str | Path) -> dict:
    """A finished search's ``search.json``; a :class:`TaskError` when it is not a search folder."""
    try:
        return load_search_info(search_dir)
    except SearchError as exc:
        raise TaskError(str(exc)) from None


def top_trial_ids(search_dir: str | Path, count: int) -> list[str]:
    from app.core.options.config import SearchConfig
    from app.core.search.trials import ranked_trials

    info = search_info(search_dir)
    objective = SearchConfig.from_dict(info["config"]).objective
    ranked = ranked_trials(search_dir, objective)
    if not ranked:
        raise TaskError("This search has no completed trial with saved weights.")
    return [t["trial_id"] for t in ranked[:max(1, int(count))]]


def playbook_dir(search_dir: str | Path, name: str) -> Path:
    """A fresh folder for one task's files inside the search folder (``playbook/<name>-<time>-<random>``)."""
    import tempfile

    base = Path(search_dir) / "playbook"
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{name}-{time.strftime('%Y%m%d-%H%M%S')}-", dir=base))


def write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=float), encoding="utf-8")
    os.replace(tmp, path)
