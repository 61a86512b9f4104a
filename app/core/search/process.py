"""Run a search in a spawned child process and relay its events to the calling thread; the
supervision of every training child (searches, playbook tasks, distributed workers) lives here.

Why a child process: TensorFlow leaks several MB per trial, never hands GPU memory back, and
its garbage collections stall the GIL for 200+ ms at each trial start. In a child, none of that
reaches the window's process, and when the search ends the memory goes back to the system.

Cancel is cooperative (the child's hooks raise inside the running batch and leave the search
resumable); if the child does not stop within ``kill_after`` seconds it is killed, which Keras
Tuner also resumes from (only the interrupted trial reruns).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
from pathlib import Path

from app.core.search import events as ev
from app.core.search.search_dir import SearchError, update_search_info
from app.core.options.config import SearchConfig

POLL_S = 0.05
# A fresh training process every this many trials keeps memory bounded (~20 MB per trial otherwise).
TRIALS_PER_PROCESS = 20
CHILD_NICENESS = 5


def _watch_parent(parent_pid: int) -> None:
    """End the child when the process that started it is gone (no orphaned training)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent_pid:
            os._exit(3)


def child_setup(parent_pid: int) -> None:
    """What every training child does first (searches, playbook tasks, the distributed chief's and
    workers' children)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # The window owns Ctrl+C; the child stops through the cancel event.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    try:
        # Training yields the CPU to the window (and the rest of the desktop) when they need it.
        os.nice(CHILD_NICENESS)
    except (OSError, AttributeError):
        pass


def _child_main(config_dict: dict, search_dir: str, resume: bool, events: mp.Queue, cancel, parent_pid: int,
                max_trials_in_process: int | None = None) -> None:
    child_setup(parent_pid)
    from app.core.search.runner import run_search

    config = SearchConfig.from_dict(config_dict)
    run_search(config, events.put, cancel=cancel, search_dir=search_dir, resume=resume,
               max_trials_in_process=max_trials_in_process)
    events.close()
    events.join_thread()  # make sure the last event is flushed before exiting


def exit_reason(code: int | None) -> str:
    if code is None:
        return "did not exit"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (the system may have run out of memory)" if name == "SIGKILL" else ""
        return f"was killed by {name}{hint}"
    return f"exited with code {code}"


def run_search_in_subprocess(config: SearchConfig, listener: ev.Listener, cancel: ev.CancelToken | None = None,
                             search_dir: str | Path | None = None, resume: bool = False,
                             kill_after: float = 30.0,
                             trials_per_process: int | None = TRIALS_PER_PROCESS,
                             target=None, extra_args: tuple = ()) -> dict:
    """Same contract as :func:`app.core.search.runner.run_search`, with training in a spawned child.

    ``listener`` is called in the calling thread. Returns the final ``search_finished`` event; a
    crash of the child becomes a ``failed`` final event that says how it ended.

    TensorFlow keeps ~20 MB per trial it has run until its process ends, so after
    ``trials_per_process`` trials the child stops before its next trial and a fresh child resumes
    the search (Keras Tuner resumes exactly). The listener sees one search: the restarts show only
    as notices.

    ``target``/``extra_args``: another child function (see :func:`run_child`), e.g. the
    distributed chief's.
    """
    from app.core.search.search_setup import new_search_dir

    if search_dir is None:
        if resume:
            raise ValueError("resume needs the search folder")
        search_dir = new_search_dir(config)
    search_dir = str(search_dir)
    started = time.time()
    seen_start = False

    def relay(event: dict) -> None:
        nonlocal seen_start
        if ev.is_type(event, ev.SEARCH_STARTED):
            if seen_start:
                return  # a recycled child resuming: the same search goes on
            seen_start = True
        listener(event)

    while True:
        final, killed, exitcode = run_child(config, relay, cancel, search_dir, resume, kill_after,
                                             trials_per_process, target, extra_args)
        if ev.is_type(final, ev.RECYCLE) and not (cancel is not None and cancel.is_set()):
            listener(ev.make_event(ev.NOTICE, level="info",
                                   message=f"Training process restarted after {trials_per_process} "
                                           f"trial{'s' if trials_per_process != 1 else ''} to hand its memory "
                                           "back; the search continues.",
                                   pid=final.get("pid")))
            resume = True
            continue
        break
    if not ev.is_type(final, ev.SEARCH_FINISHED):
        cancelled = killed or (final is not None and cancel is not None and cancel.is_set())
        if cancelled:
            final = ev.make_event(ev.SEARCH_FINISHED, status=ev.CANCELLED, error="",
                                  best_trial_id=None, best_score=None, best_hyperparameters=None, trials=[],
                                  duration=time.time() - started, search_dir=search_dir)
        else:
            final = ev.make_event(ev.SEARCH_FINISHED, status=ev.FAILED,
                                  error=f"The training process {exit_reason(exitcode)} before the "
                                        "search finished. Completed trials are kept; resume to continue.",
                                  best_trial_id=None, best_score=None, best_hyperparameters=None, trials=[],
                                  duration=time.time() - started, search_dir=search_dir)
        _mark_interrupted(search_dir, final["status"])
        listener(final)
    return final


def run_child(config: SearchConfig, listener: ev.Listener, cancel, search_dir: str, resume: bool,
               kill_after: float, trials_per_process: int | None, target=None,
               extra_args: tuple = ()) -> tuple[dict | None, bool, int | None]:
    """One search child process: relay its events until it ends. Returns (its last event, killed, exit code).

    ``target`` (default :func:`_child_main`) takes ``_child_main``'s arguments plus ``extra_args``;
    the distributed chief and workers run their own child functions under the same supervision.
    """
    return supervise(target or _child_main, "tunestudio-search",
                      lambda events, child_cancel: (config.to_dict(), search_dir, resume, events, child_cancel,
                                                    os.getpid(), trials_per_process, *extra_args),
                      listener, cancel, kill_after, final_types=(ev.SEARCH_FINISHED, ev.RECYCLE), hidden=(ev.RECYCLE,))


def supervise(target, name: str, make_args, listener: ev.Listener, cancel, kill_after: float,
               final_types: tuple, hidden: tuple = ()) -> tuple[dict | None, bool, int | None]:
    """Start ``target`` in a spawned child and relay its events until it ends.

    ``make_args(events_queue, cancel_event)`` gives the child's arguments. Events whose type is in
    ``final_types`` end the run (the last one is returned); ``hidden`` ones are not relayed.
    Returns (the final event or None, killed after an ignored cancel, exit code).
    """
    ctx = mp.get_context("spawn")
    events: mp.Queue = ctx.Queue()
    child_cancel = ctx.Event()
    process = ctx.Process(target=target, name=name, args=make_args(events, child_cancel), daemon=True)
    process.start()
    final: dict | None = None
    cancel_sent_at: float | None = None
    killed = False

    def handle(event: dict) -> None:
        nonlocal final
        if ev.is_type(event, *final_types):
            final = event
        if not ev.is_type(event, *hidden):
            listener(event)

    try:
        while True:
            try:
                event = events.get(timeout=POLL_S)
            except queue.Empty:
                event = None
            if event is not None:
                handle(event)
                continue
            if cancel is not None and cancel.is_set() and cancel_sent_at is None:
                child_cancel.set()
                cancel_sent_at = time.monotonic()
            if cancel_sent_at is not None and not killed and process.is_alive() \
                    and time.monotonic() - cancel_sent_at > kill_after:
                process.kill()
                killed = True
            if not process.is_alive():
                # Drain what the child sent just before it ended.
                while True:
                    try:
                        event = events.get(timeout=0.2)
                    except queue.Empty:
                        break
                    handle(event)
                break
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=10)
        events.close()
    return final, killed, process.exitcode


def _mark_interrupted(search_dir: str, status: str) -> None:
    """Record in search.json that the search did not finish, so it is offered for resume."""
    try:
        update_search_info(Path(search_dir), status="cancelled" if status == ev.CANCELLED else "running",
                            interrupted_at=time.time())
    except (SearchError, OSError):
        pass


if __name__ == "__main__":  # pragma: no cover - spawn re-imports this module by name
    sys.exit(0)
