"""Run a playbook task in a spawned child process, supervised like a search's child
(:func:`app.core.search.process.supervise`): events relayed, cancel, kill after an ignored cancel."""
from __future__ import annotations

import multiprocessing as mp
import os
import time

from app.core.playbook.tasks import TASK_FINISHED, finished_event, run_task
from app.core.search import events as ev
from app.core.search.process import child_setup, exit_reason, supervise


def _child_main(task: str, params: dict, events: mp.Queue, cancel, parent_pid: int) -> None:
    child_setup(parent_pid)
    run_task(task, params, events.put, cancel=cancel)
    events.close()
    events.join_thread()


def run_task_in_subprocess(task: str, params: dict, listener: ev.Listener, cancel: ev.CancelToken | None = None,
                           kill_after: float = 30.0) -> dict:
    """Run a playbook task (:mod:`app.core.playbook.tasks`) in a spawned child; same contract as ``run_task``.

    ``params`` must be plain data. A crash of the child becomes a ``failed`` final event saying how
    it ended; a child that ignores cancel is killed after ``kill_after`` seconds (``cancelled``).
    """
    started = time.time()
    final, killed, exitcode = supervise(
        _child_main, f"tunestudio-{task}",
        lambda events, child_cancel: (task, params, events, child_cancel, os.getpid()),
        listener, cancel, kill_after, final_types=(TASK_FINISHED,))
    if final is None:
        if killed:
            final = finished_event(task, params, ev.CANCELLED, "", None, started)
        else:
            final = finished_event(task, params, ev.FAILED,
                                   f"The training process {exit_reason(exitcode)} before the task finished.",
                                   None, started)
        listener(final)
    return final


if __name__ == "__main__":  # pragma: no cover - spawn re-imports this module by name
    raise SystemExit(0)
