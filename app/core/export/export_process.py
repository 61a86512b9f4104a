"""Run an export in a spawned child process, relaying its progress; cancel stops it.

Why a child: an export loads TensorFlow, the TFLite converter and ONNX Runtime (hundreds of MB
that would never be handed back) and traces graphs for seconds; the window's process must stay
light and responsive, and a converter that crashes must not take the window with it.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
import sys
import time
import traceback
from pathlib import Path
from typing import Callable

from app.core.search import events as ev
from app.core.search.process import POLL_S, exit_reason, child_setup

EXPORT_FINISHED = "export_finished"


def _finished(status: str, card: dict | None = None, error: str = "", details: str = "") -> dict:
    return ev.make_event(EXPORT_FINISHED, status=status, card=card, error=error, details=details)


def _child_main(kwargs: dict, events: mp.Queue, cancel, parent_pid: int) -> None:
    child_setup(parent_pid)  # the parent owns Ctrl+C; cancel comes as an event
    from app.core.export.export import ExportCancelled, ExportError, export_trial

    try:
        card = export_trial(progress=events.put, cancel=cancel, **kwargs)
        final = _finished(ev.COMPLETED, card=card)
    except ExportCancelled as exc:
        final = _finished(ev.CANCELLED, error=str(exc))
    except ExportError as exc:
        final = _finished(ev.FAILED, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - any converter failure becomes one message for the user
        final = _finished(ev.FAILED, error=f"Export failed: {type(exc).__name__}: {exc}",
                          details=traceback.format_exc())
    events.put(final)
    events.close()
    events.join_thread()


def run_export_in_subprocess(search_dir: str | Path, out_dir: str | Path, trial_id: str | None = None,
                             formats: list[str] | None = None, overwrite: bool = False,
                             listener: Callable[[dict], None] | None = None, cancel=None,
                             kill_after: float = 10.0) -> dict:
    """``app.core.export.export.export_trial`` in a spawned child. ``listener`` gets the progress events in
    the calling thread; ``cancel`` (anything with ``is_set()``) stops the export. Returns the final
    ``export_finished`` event: ``status`` completed/failed/cancelled, ``card``, ``error``."""
    from app.core.export.export import remove_staging

    kwargs = {"search_dir": str(search_dir), "out_dir": str(out_dir), "trial_id": trial_id,
              "formats": formats, "overwrite": overwrite}
    ctx = mp.get_context("spawn")
    events: mp.Queue = ctx.Queue()
    child_cancel = ctx.Event()
    process = ctx.Process(target=_child_main, name="tunestudio-export",
                          args=(kwargs, events, child_cancel, os.getpid()), daemon=True)
    process.start()
    final: dict | None = None
    cancel_sent_at: float | None = None

    def handle(event: dict) -> None:
        nonlocal final
        if ev.is_type(event, EXPORT_FINISHED):
            final = event
        elif listener is not None:
            listener(event)

    try:
        while final is None:
            try:
                handle(events.get(timeout=POLL_S))
                continue
            except queue.Empty:
                pass
            if cancel is not None and cancel.is_set() and cancel_sent_at is None:
                child_cancel.set()
                cancel_sent_at = time.monotonic()
            if cancel_sent_at is not None and process.is_alive() and time.monotonic() - cancel_sent_at > kill_after:
                # A converter busy in C++ does not look at the cancel flag: stop it the hard way.
                process.kill()
            if not process.is_alive():
                while final is None:  # what the child sent just before it ended
                    try:
                        handle(events.get(timeout=0.5))
                    except queue.Empty:
                        break
                break
    finally:
        if process.is_alive() and final is None:
            process.kill()
        process.join(timeout=10)
        events.close()
    if final is None or final.get("status") != ev.COMPLETED:
        # Also when the child reported its own cancel or failure: it removes only its own staging
        # folder, not one a killed earlier export left next to the target.
        remove_staging(out_dir)
    if final is None:
        if cancel_sent_at is not None:
            final = _finished(ev.CANCELLED, error="Export stopped; nothing was written.")
        else:
            final = _finished(ev.FAILED, error=f"The export process {exit_reason(process.exitcode)}; "
                                               "nothing was written.")
    return final


if __name__ == "__main__":  # pragma: no cover - spawn re-imports this module by name
    sys.exit(0)
