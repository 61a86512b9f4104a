"""GUI-thread stalls: how late a 10 ms timer fires while the window runs a real search.

    python bench/gui_stall.py [--data DIR] [--idle 6] [--trials 4] [--epochs 2] [--max-seconds 150]
                              [--previews 3] [--no-export] [--export-seconds 240]

The real ``MainWindow`` with its real runner (search in a child process, events relayed by the
worker thread into every live panel). A ``Qt.PreciseTimer`` ticks every 10 ms on the GUI thread;
each tick's lateness is its interval minus 10 ms. First the idle window is measured (baseline),
then the window scans the folder and runs a small search with many trial switches, and asks for
the augmentation preview a few times while it runs, then exports the best trial through the
Export dialog (in its child process); every tick from pressing Start to the end of the search, and
from pressing Export to the dialog's report, counts.
"""
from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

TICK_MS = 10
STALL_LISTED_MS = 12  # ticks later than this are listed with the event they came after


def summarise(lateness_ms: list[float]) -> dict:
    return {"ticks": len(lateness_ms),
            "p50_ms": round(common.percentile(lateness_ms, 50) or 0, 2),
            "p99_ms": round(common.percentile(lateness_ms, 99) or 0, 2),
            "max_ms": round(max(lateness_ms, default=0), 2),
            "over_25_ms": sum(1 for v in lateness_ms if v > 25),
            "over_50_ms": sum(1 for v in lateness_ms if v > 50)}


def export_best(window, wait, phase: dict, recent: dict, args) -> dict | None:
    """Export the best trial as a user does (Export, a folder, the dialog's Export button) and
    count the ticks until the dialog reports, as the ``export`` phase. None when nothing to export."""
    if not window.chrome.export_action.isEnabled():
        return None
    folder = tempfile.mkdtemp(prefix="tunestudio-bench-export-")
    window.dialogs.choose_folder = lambda *_args, **_kwargs: folder
    done: dict = {}
    window.export_finished.connect(lambda card: done.update(card=card))
    phase["name"] = "export"
    recent.update(event="export")
    window.export_model()
    dialog = window.exporter.dialog
    dialog.export_finished.connect(lambda final: done.update(final=final))
    wait(0.5)
    dialog.start_button.click()
    wait(args.export_seconds, until=lambda: "final" in done)
    phase["name"] = "done"
    final = done.get("final") or {"status": "timed out"}
    dialog.close()
    shutil.rmtree(folder, ignore_errors=True)
    return final


def time_panel_hooks(timings: dict[str, list[float]]) -> None:
    """Time every panel hook the search model calls (patched before the window is built, since
    the model connects the hooks when a panel is attached)."""
    try:
        from app.gui.session.search_model import SearchModel
    except ImportError:  # the window before the search model: time_handlers wraps handle_event
        return
    guarded = SearchModel._guarded

    def timed_guarded(self, panel, hook):
        call = guarded(self, panel, hook)
        label = f"{type(panel).__name__}.{getattr(hook, '__name__', 'hook')}"

        def timed(*args):
            start = time.perf_counter()
            try:
                call(*args)
            finally:
                timings.setdefault(label, []).append((time.perf_counter() - start) * 1000)
        return timed

    SearchModel._guarded = timed_guarded


class TimedRecorder:
    """The session's history recorder with each event's recording timed; everything else (such as
    ``export``, which the window calls after an export) passes through to the real recorder."""

    def __init__(self, recorder, timings: dict[str, list[float]]) -> None:
        self._recorder, self._timings = recorder, timings

    def __call__(self, event: dict):
        start = time.perf_counter()
        try:
            return self._recorder(event)
        finally:
            key = f"HistoryRecorder({event.get('type')})"
            self._timings.setdefault(key, []).append((time.perf_counter() - start) * 1000)

    def __getattr__(self, name: str):
        return getattr(self._recorder, name)


def time_handlers(window, timings: dict[str, list[float]]) -> dict[str, list[float]]:
    """Wrap each live panel's ``handle_event`` (older windows) and the window's status updates
    with a timer. Only methods called through the object are wrapped, so everything still runs
    on the GUI thread exactly as before.
    """

    def wrap(owner, attribute: str, label: str, by_event: bool = False) -> None:
        original = getattr(owner, attribute, None)
        if original is None:
            return

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                kind = args[0].get("type") if by_event and args and isinstance(args[0], dict) else ""
                key = f"{label}({kind})" if kind else label
                timings.setdefault(key, []).append((time.perf_counter() - start) * 1000)

        setattr(owner, attribute, timed)

    for panel in getattr(window, "_live_panels", ()):
        wrap(panel, "handle_event", f"{type(panel).__name__}.handle_event", by_event=True)
    history = getattr(window, "history_view", None)
    if history is not None:
        wrap(history, "record_event", "HistoryView.record_event", by_event=True)
    session = getattr(window, "session", None)
    if session is not None and session.recorder is not None:
        session.recorder = TimedRecorder(session.recorder, timings)
    for name in ("_refresh_status", "_update_progress_bar", "_show_summary", "set_state"):
        wrap(window, name, f"MainWindow.{name}")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(common.default_dataset()))
    parser.add_argument("--idle", type=float, default=6.0, help="seconds of idle baseline")
    parser.add_argument("--trials", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--max-seconds", type=float, default=150.0, help="stop the search after this long")
    parser.add_argument("--previews", type=int, default=3,
                        help="augmentation previews asked for while the search runs (one every 10 s)")
    parser.add_argument("--no-export", dest="export", action="store_false",
                        help="leave out the export of the best trial after the search")
    parser.add_argument("--export-seconds", type=float, default=240.0, help="give up on the export after this long")
    parser.add_argument("--profile", type=Path, default=None,
                        help="diagnostic: cProfile the GUI thread during the search and save the stats here")
    parser.add_argument("--redraw-ms", type=int, default=None,
                        help="diagnostic: override the curves panel's redraw throttle (REDRAW_INTERVAL_MS)")
    parser.add_argument("--no-device-probe", action="store_true",
                        help="diagnostic: replace the window's TensorFlow device query with a stub, to see "
                             "the stalls that remain once the window process never imports TensorFlow")
    parser.add_argument("--events", action="store_true",
                        help="diagnostic: time every top-level Qt event (some overhead) and list, for each "
                             "listed stall, the events that ran in it")
    args = parser.parse_args()
    common.quiet_tensorflow()
    common.isolated_home()

    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from app.core.options.config import SearchConfig
    from app.gui.window import app as gui_app

    recent_events: list[tuple[float, float, str]] = []  # (end ms, duration ms, "Type -> Receiver")
    depth = {"n": 0}

    class EventTimingApp(QApplication):
        def notify(self, receiver, event):  # noqa: N802 - Qt override
            if depth["n"]:
                return super().notify(receiver, event)
            depth["n"] = 1
            start = time.perf_counter()
            try:
                return super().notify(receiver, event)
            finally:
                depth["n"] = 0
                spent = (time.perf_counter() - start) * 1000
                if spent > 1.0:
                    recent_events.append((time.perf_counter() * 1000, spent,
                                          f"{event.type().name} -> {type(receiver).__name__}"))
                    del recent_events[:-200]

    if args.events:
        EventTimingApp(sys.argv)
    app = gui_app.create_application(sys.argv)
    if args.redraw_ms is not None:
        from app.gui.training import curves_panel

        curves_panel.REDRAW_INTERVAL_MS = args.redraw_ms
    handler_ms: dict[str, list[float]] = {}
    time_panel_hooks(handler_ms)
    frame = gui_app.show_main_window()  # run_app's path: the frame first, the main window and its tabs after
    frame.resize(1280, 860)
    window = frame.main_window()
    if args.no_device_probe:
        window.device_line.probe = lambda: {"device": "CPU (stub)", "gpus": [], "mixed_precision_available": False}
    window.confirm = lambda title, text: True

    clock = QElapsedTimer()
    clock.start()
    samples: list[float] = []
    last = {"t": None, "cpu": 0.0}
    phase = {"name": "warmup"}
    by_phase: dict[str, list[float]] = {"idle": [], "search": [], "export": []}
    # For finding causes: the biggest stalls with what the window was doing just before.
    stalls: list[dict] = []
    recent = {"event": None, "search_start_ms": None}

    collections: list[tuple[float, float, int]] = []  # (start ms, duration ms, generation) of slow GCs
    gc_started = {"t": 0.0}

    def on_gc(gc_phase: str, info: dict) -> None:
        now = clock.nsecsElapsed() / 1e6
        if gc_phase == "start":
            gc_started["t"] = now
        elif now - gc_started["t"] > 5:
            collections.append((gc_started["t"], now - gc_started["t"], info.get("generation", -1)))

    gc.callbacks.append(on_gc)

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        cpu = time.thread_time() * 1000  # the GUI thread's own CPU: a late tick with little is waiting
        if last["t"] is not None and phase["name"] in by_phase:
            late = max(0.0, now - last["t"] - TICK_MS)
            by_phase[phase["name"]].append(late)
            if phase["name"] in ("search", "export") and late > STALL_LISTED_MS:
                gc_ms = sum(d for t, d, _ in collections if t >= last["t"] and t + d <= now)
                stalls.append({"at_s": round((now - recent["search_start_ms"]) / 1000, 2), "late_ms": round(late, 1),
                               "last_event": recent["event"], "tensorflow_loaded": "tensorflow" in sys.modules,
                               "gc_ms": round(gc_ms, 1), "gui_cpu_ms": round(cpu - last["cpu"], 1),
                               "events": [f"{d:.1f} {name}" for end, d, name in recent_events
                                          if end >= time.perf_counter() * 1000 - (now - last["t"])]})
        last["t"], last["cpu"] = now, cpu

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()

    def wait(seconds: float, until=None) -> None:
        common.run_event_loop(seconds, until, poll_ms=100)

    wait(1.5)  # window settles: first paints, resumable-search lookup
    phase["name"] = "idle"
    last["t"] = None
    wait(args.idle)

    phase["name"] = "warmup"
    scanned = {"report": None}
    window.dataset_panel.scan_finished.connect(lambda report: scanned.update(report=report))
    window.dataset_panel.set_folder(args.data)
    wait(120, until=lambda: scanned["report"] is not None)
    if scanned["report"] is None:
        raise SystemExit("the dataset scan did not finish")
    config = SearchConfig(data_dir=str(args.data), max_trials=args.trials, epochs=args.epochs,
                          image_size=args.image_size, name="bench-gui-stall")
    window.options_panel.set_config(config)
    window.search_state_changed.connect(lambda state: recent.update(event=f"state:{state}"))
    phase["name"] = "search"
    last["t"] = None
    recent["search_start_ms"] = clock.nsecsElapsed() / 1e6
    started = time.monotonic()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()  # profiles this (the GUI) thread only
        profiler.enable()
    if not window.start_search():
        raise SystemExit(f"the window refused to start: {window.chrome.status_label.text()}")
    worker = window.session.worker if hasattr(window, "session") else window.worker
    worker.event_received.connect(lambda event: recent.update(event=event.get("type")))
    time_handlers(window, handler_ms)
    previews = {"asked": 0, "shown": 0}
    options = window.options_panel
    shown_before = {"images": None}

    def preview() -> None:
        # What pressing "Preview on my images" does (the button itself is disabled during a search).
        if previews["asked"] < args.previews and window.is_running:
            previews["asked"] += 1
            recent.update(event="preview")
            options.request_preview()

    def count_preview() -> None:
        if options.preview_images is not shown_before["images"]:
            shown_before["images"] = options.preview_images
            previews["shown"] += 1

    preview_timer = QTimer()
    preview_timer.timeout.connect(preview)
    preview_timer.start(10000)
    shown_timer = QTimer()
    shown_timer.timeout.connect(count_preview)
    shown_timer.start(200)
    shown_before["images"] = options.preview_images
    wait(args.max_seconds, until=lambda: not window.is_running)
    preview_timer.stop()
    wait(20, until=lambda: options.preview_button.isEnabled() or previews["asked"] == 0)
    shown_timer.stop()
    stopped_early = window.is_running
    if stopped_early:
        window.stop_search()
        phase["name"] = "stopping"
        wait(60, until=lambda: not window.is_running)
    duration = time.monotonic() - started
    exported = export_best(window, wait, phase, recent, args) if args.export else None
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(str(args.profile))
    final = window.final_event or {}
    timer.stop()

    idle, search = summarise(by_phase["idle"]), summarise(by_phase["search"])
    export = summarise(by_phase["export"])
    # The target covers the search with its previews and the export after it: one figure for both.
    busy = summarise(by_phase["search"] + by_phase["export"])
    trials = sum(1 for t in final.get("trials", []) if t.get("status") == "COMPLETED")
    print(f"idle window      : p50 {idle['p50_ms']:.2f} ms, p99 {idle['p99_ms']:.2f} ms, max {idle['max_ms']:.1f} ms "
          f"late ({idle['ticks']} ticks)")
    print(f"during the search: p50 {search['p50_ms']:.2f} ms, p99 {search['p99_ms']:.2f} ms, "
          f"max {search['max_ms']:.1f} ms late, {search['over_25_ms']} ticks > 25 ms ({search['ticks']} ticks, "
          f"{duration:.0f} s, {trials} trials completed, status {final.get('status')}"
          f"{', stopped at the time limit' if stopped_early else ''})")
    if exported is not None:
        print(f"during the export: p50 {export['p50_ms']:.2f} ms, p99 {export['p99_ms']:.2f} ms, "
              f"max {export['max_ms']:.1f} ms late ({export['ticks']} ticks, status {exported.get('status')})")
        print(f"search + export  : p99 {busy['p99_ms']:.2f} ms, max {busy['max_ms']:.1f} ms, "
              f"{busy['over_25_ms']} ticks > 25 ms")
    worst = sorted(stalls, key=lambda st: -st["late_ms"])[:5]
    for st in sorted(worst, key=lambda st: st["at_s"]):
        gc_text = f", garbage collection {st['gc_ms']:.0f} ms" if st["gc_ms"] else ""
        print(f"  stall {st['late_ms']:6.1f} ms at {st['at_s']:6.2f} s ({st['gui_cpu_ms']:.1f} ms of GUI-thread CPU), "
              f"after {st['last_event']}{gc_text}"
              f"{' (TensorFlow loaded in the window process)' if st['tensorflow_loaded'] else ''}")
        if st["events"]:
            print(f"      events in it (ms): {', '.join(st['events'])}")
    slowest = sorted(((max(v), k, len(v), sum(v)) for k, v in handler_ms.items()), reverse=True)[:8]
    if slowest:
        print("  slowest GUI-thread handlers (max / calls / total ms; painting comes after, not included):")
        for worst_ms, name, calls, total in slowest:
            print(f"    {name:45s} {worst_ms:6.1f} / {calls:4d} / {total:7.1f}")
    print(f"  augmentation previews during the search: {previews['asked']} asked, {previews['shown']} shown")
    tf_in_window = "tensorflow" in sys.modules
    if tf_in_window:
        print("  note: TensorFlow was imported into the window's process during the search")
    common.emit_result({"gui_stall_p99_ms": busy["p99_ms"], "gui_stall_max_ms": busy["max_ms"],
                        "export": export, "export_status": (exported or {}).get("status"),
                        "worst_stalls": worst, "tensorflow_in_window_process": tf_in_window,
                        "search": search, "idle": idle, "search_seconds": round(duration, 1),
                        "trials_completed": trials, "search_status": final.get("status"),
                        "previews_asked": previews["asked"], "previews_shown": previews["shown"],
                        "stopped_at_limit": stopped_early})
    window.close()
    from app.gui.session.search_worker import wait_for_background_jobs

    wait_for_background_jobs(20000)
    sys.stdout.flush()
    # Skip interpreter teardown: PySide6 6.12 can crash while destroying a window this busy,
    # and the figures are already out.
    # os._exit skips multiprocessing's exit handler, which would end the window's helper children
    # (the preview child); end them here so that they do not outlive the bench.
    for child in multiprocessing.active_children():
        child.terminate()
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
