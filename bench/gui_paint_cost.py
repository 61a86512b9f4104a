"""GUI-thread CPU cost of a search's transitions in the real window, little coloured by machine load.

    python bench/gui_paint_cost.py [--trials 4] [--epochs 2] [--steps 2] [--repeat 3] [--shots DIR]
                                   [--by-event] [--profile N] [--perf FILE]

A diagnostic companion of ``gui_stall.py``. That bench measures wall-clock timer lateness, which
other processes on the machine colour; this one measures *thread CPU time* of the GUI thread
(``time.thread_time``), which they colour much less (on a shared machine caches still slow it
down a little: compare the minimum over repeats). The real window (the app frame with the main
window nested, 1280x860, offscreen) runs searches whose runner plays the fake event stream of the
GUI tests (``tests/fake_events.py``) on the real worker thread, pausing after each event so that
its redraws, layouts and paints finish before the next one.

The figure: a 10 ms ``PreciseTimer`` ticks on the GUI thread as in ``gui_stall.py``, and the GUI
thread's CPU time between two ticks is what a tick would be late on an idle machine. Each interval
is charged to the transition (the last event or state change) it ends in; per transition the
probe prints the worst interval of each search (the minimum over searches first, since load only
adds). ``--by-event`` also times every top-level event (``QApplication.notify``, which costs
some overhead) with the paint time by widget.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

sys.path.insert(0, str(common.REPO / "tests"))

ORDER = ["state:running", "search_started", "notice", "trial_started", "batch_ended", "epoch_ended(first)",
         "epoch_ended", "trial_ended", "search_finished", "state:idle"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--steps", type=int, default=2, help="batches per epoch")
    parser.add_argument("--repeat", type=int, default=3, help="searches run one after another")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds after each event")
    parser.add_argument("--batch-pause", type=float, default=1.15,
                        help="seconds after a batch event (its redraw waits up to 1 s)")
    parser.add_argument("--shots", type=Path, default=None, help="save screenshots of the pages here")
    parser.add_argument("--by-event", action="store_true",
                        help="also time every top-level event and the paints inside it (adds overhead)")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--trace", default=None,
                        help="with --by-event: print every top-level event (and the paints in it) after the "
                             "second occurrence of this transition in the first search")
    parser.add_argument("--profile", type=int, default=0,
                        help="with --by-event: cProfile each top-level event and print the N costliest ones")
    parser.add_argument("--profile-all", type=Path, default=None,
                        help="cProfile (thread CPU time) the GUI thread over the searches; stats into this file")
    parser.add_argument("--perf", type=Path, default=None,
                        help="`perf record` the GUI thread (cpu-clock) over the searches into this file")
    args = parser.parse_args()
    common.quiet_tensorflow()
    common.isolated_home()

    from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
    from PySide6.QtWidgets import QApplication

    from app.core.options.config import SearchConfig
    from app.gui.window import app as gui_app
    from app.gui.window.app_frame import AppFrame
    from fake_events import fake_search_events

    record = {"label": "setup", "depth": 0, "on": False, "run": 0}
    counts: dict[str, int] = defaultdict(int)  # occurrences of each transition so far
    # per (run, label): CPU ms of each tick interval that ended in it
    ticks: dict[tuple[int, str], list[float]] = defaultdict(list)
    # --by-event: per label, (ms, event type, receiver) of every top-level event; paints by widget
    tops: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    paints: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    children: list = []
    profiled: list = []
    type_names: dict[int, str] = {}

    def type_name(kind) -> str:
        value = int(kind.value) if hasattr(kind, "value") else int(kind)
        if value not in type_names:
            try:
                type_names[value] = QEvent.Type(value).name
            except ValueError:
                type_names[value] = str(value)
        return type_names[value]

    def widget_name(receiver) -> str:
        """A receiver's class; a plain QWidget (a view's viewport) is named after its view and the
        nearest named ancestor, since the plots and tables paint in those."""
        name = type(receiver).__name__
        if name == "QWidget" and receiver.objectName() in ("qt_scrollarea_viewport", ""):
            view = receiver.parent()
            owner = view.parent() if view is not None else None
            while owner is not None and not owner.objectName():
                owner = owner.parent()
            name = f"{type(view).__name__}[{owner.objectName() if owner is not None else ''}]"
        return name

    class ProbeApp(QApplication):
        def notify(self, receiver, event):  # noqa: N802 - Qt override
            if not record["on"]:
                return super().notify(receiver, event)
            kind = event.type()
            depth = record["depth"]
            record["depth"] = depth + 1
            profile = None
            if depth == 0:
                children.clear()
                if args.profile:
                    profile = cProfile.Profile(time.thread_time)
                    profile.enable()
            start = time.thread_time()
            try:
                return super().notify(receiver, event)
            finally:
                spent = (time.thread_time() - start) * 1000
                record["depth"] = depth
                if profile is not None:
                    profile.disable()
                if depth == 0:
                    label = record["label"]
                    tops[label].append((spent, type_name(kind), type(receiver).__name__))
                    nth = 1 if label.startswith("state:") or label == "search_finished" else 2  # once per search
                    if (args.trace == label and record["run"] == 0 and counts.get(label, 1) == nth
                            and spent > 0.3):
                        inner = ", ".join(f"{c[3]} {c[1]:.1f}" for c in children if c[2] in ("Paint", "Resize"))
                        print(f"  trace {label}: {spent:6.1f} {type_name(kind)} -> {widget_name(receiver)}"
                              f"{'  [' + inner + ']' if inner else ''}")
                    if profile is not None and spent > 15:
                        profiled.append((spent, label, type_name(kind), type(receiver).__name__,
                                         list(children), profile))
                        profiled.sort(key=lambda p: -p[0])
                        del profiled[args.profile:]
                else:
                    name = widget_name(receiver) if kind == QEvent.Type.Paint else type(receiver).__name__
                    if depth == 1 or kind == QEvent.Type.Paint:
                        children.append((depth, spent, type_name(kind), name))
                    if kind == QEvent.Type.Paint:
                        paints[record["label"]][name] += spent

    app = ProbeApp(sys.argv) if args.by_event else QApplication(sys.argv)
    gui_app.create_application(sys.argv)
    # Paint events of the costly views per transition: a count the machine's load cannot change.
    painted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    class PaintCounter(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 - Qt override
            if record["on"] and event.type() == QEvent.Type.Resize and type(watched).__name__ == "GraphicsLayoutWidget":
                painted[record["label"]]["plot resizes"] += 1
            if record["on"] and event.type() == QEvent.Type.Paint:
                name = watched.objectName()
                if name in ("qt_scrollarea_viewport", ""):
                    view = watched.parent()
                    kind = type(view).__name__ if view is not None else ""
                    if kind in ("GraphicsLayoutWidget", "QTableView", "QTableWidget", "ClassNameHeader"):
                        painted[record["label"]][kind] += 1
                elif watched is frame:
                    painted[record["label"]]["window"] += 1
            return False

    paint_counter = PaintCounter()
    app.installEventFilter(paint_counter)

    def runner(config, listener, cancel=None, search_dir=None, resume=False):
        time.sleep(0.5)  # the probe connects its labeller before the first event
        events = fake_search_events(n_trials=args.trials, epochs=args.epochs, steps=args.steps,
                                    classes=["daisy", "dandelion", "roses", "sunflowers", "tulips"],
                                    search_id=f"probe-{time.time_ns()}")
        for event in events:
            if cancel is not None and cancel.is_set():
                break
            listener(event)
            time.sleep(args.batch_pause if event["type"] == "batch_ended" else args.pause)
        return events[-1]

    def make_main():
        from app.gui.window.main_window import MainWindow

        return MainWindow(runner=runner, defer_heavy_tabs=True,
                          device_probe=lambda: {"device": "CPU (probe)", "gpus": [],
                                                "mixed_precision_available": False})

    frame = AppFrame(make_main)
    frame.show_and_build()
    frame.resize(1280, 860)
    window = frame.main_window()
    window.confirm = lambda title, text: True

    def wait(seconds: float, until=None) -> None:
        common.run_event_loop(seconds, until, poll_ms=50)

    wait(2.0)
    window.build_deferred_tabs()
    wait(0.5)
    class Labeller(QObject):
        """Names the transition the GUI thread works on (a QObject of the GUI thread, so the
        worker's signal reaches it as a queued call, just before the session's)."""

        @Slot(dict)
        def label_event(self, event: dict) -> None:
            kind = event.get("type")
            if kind == "epoch_ended" and event.get("epoch") == 0:
                kind = "epoch_ended(first)"
            counts[kind] += 1
            record["label"] = kind

    labeller = Labeller()

    def label_state(state: str) -> None:
        record["label"] = f"state:{state}"

    window.search_state_changed.connect(label_state)
    last_tick = {"cpu": None}

    def tick() -> None:
        now = time.thread_time()
        if last_tick["cpu"] is not None and record["on"]:
            ticks[(record["run"], record["label"])].append((now - last_tick["cpu"]) * 1000)
        last_tick["cpu"] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()

    config = SearchConfig(data_dir=str(common.SAMPLE_DATASET), max_trials=args.trials, epochs=args.epochs,
                          image_size=32, name="probe")
    gc.collect()
    gc.freeze()  # the window's objects: collections during the searches then only see new ones
    whole = cProfile.Profile(time.thread_time) if args.profile_all else None
    if whole is not None:
        whole.enable()
    perf = None
    if args.perf:
        perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock:u", "-F", "2999", "-g", "-o", str(args.perf),
                                 "-t", str(threading.get_native_id())], stderr=subprocess.DEVNULL)
        time.sleep(1.0)
    for run in range(args.repeat):
        record["run"] = run
        record["label"] = "start"
        record["on"] = True
        window._launch(config)
        # the worker's signal reaches the GUI thread as a queued call: label before its slot runs
        window.session.worker.event_received.connect(labeller.label_event)
        window.session.worker.event_received.disconnect(window.session._on_event)
        window.session.worker.event_received.connect(window.session._on_event)
        wait(300, until=lambda: not window.is_running)
        wait(1.5)
        record["on"] = False
        if args.shots is not None and run == args.repeat - 1:
            args.shots.mkdir(parents=True, exist_ok=True)
            for name, tab in (("training", window.training_tab_index), ("results", window.results_tab_index)):
                window.chrome.view_tabs.setCurrentIndex(tab)
                wait(0.5)
                frame.grab().save(str(args.shots / f"{name}.png"))
        window.chrome.view_tabs.setCurrentIndex(window.chrome.dataset_tab_index)  # each search starts where a user would
        wait(0.5)
    timer.stop()
    if whole is not None:
        whole.disable()
        whole.dump_stats(str(args.profile_all))
    if perf is not None:
        perf.send_signal(signal.SIGINT)
        perf.wait()

    print(f"GUI-thread CPU between 10 ms ticks ({args.repeat} searches of {args.trials} trials x {args.epochs} "
          f"epochs x {args.steps} batches; ms of thread time, charged to the transition it ends in):")
    print(f"  {'after':20s} {'min of worst':>12s} {'median worst':>12s} {'max worst':>10s}  {'worst per search'}")
    results = {}
    labels = sorted({label for _run, label in ticks}, key=lambda k: (ORDER.index(k) if k in ORDER else 99, k))
    for label in labels:
        worst = [max(ticks[(run, label)], default=0.0) for run in range(args.repeat)]
        results[label] = {"min_worst_ms": round(min(worst), 1), "median_worst_ms": round(statistics.median(worst), 1),
                          "max_worst_ms": round(max(worst), 1)}
        print(f"  {label:20s} {min(worst):12.1f} {statistics.median(worst):12.1f} {max(worst):10.1f}  "
              + " ".join(f"{w:.1f}" for w in worst))
    per_search = [max((max(v) for (run, _label), v in ticks.items() if run == r and v), default=0.0)
                  for r in range(args.repeat)]
    print(f"  worst interval per search: {' '.join(f'{w:.1f}' for w in per_search)} ms")
    print("paint events per search (window = passes that reached the top-level window):")
    kinds = ("window", "GraphicsLayoutWidget", "QTableView", "QTableWidget", "plot resizes")
    print(f"  {'after':20s} " + " ".join(f"{k:>21s}" for k in kinds))
    totals = defaultdict(int)
    for label in labels:
        counts_here = painted.get(label, {})
        for k in kinds:
            totals[k] += counts_here.get(k, 0)
        print(f"  {label:20s} " + " ".join(f"{counts_here.get(k, 0) / args.repeat:21.1f}" for k in kinds))
    print(f"  {'all':20s} " + " ".join(f"{totals[k] / args.repeat:21.1f}" for k in kinds))

    if args.by_event:
        print("by top-level event (ms of thread time, all searches):")
        for label in ORDER:
            events = tops.get(label)
            if events:
                worst = max(events)
                print(f"  {label:20s} worst {worst[0]:6.1f}  {worst[1]} -> {worst[2]}")
        print("paint CPU by widget (ms per search, top 6 per transition):")
        for label in ORDER:
            if label in paints:
                top = sorted(paints[label].items(), key=lambda kv: -kv[1])[:6]
                print(f"  {label:20s} " + ", ".join(f"{name} {ms / args.repeat:.1f}" for name, ms in top))
        everything = sorted(((e, label) for label, events in tops.items() for e in events), reverse=True)[:args.top]
        print("costliest single events:")
        for (ms, kind, receiver), label in everything:
            print(f"  {ms:7.1f} ms  {kind:18s} -> {receiver:28s} after {label}")
        for ms, label, kind, receiver, nested, profile in profiled:
            print(f"\n=== {ms:.1f} ms {kind} -> {receiver} after {label}")
            for depth, spent, child_kind, child in sorted(nested, key=lambda c: -c[1])[:10]:
                print(f"    {'  ' * depth}{spent:6.1f} {child_kind} -> {child}")
            stream = io.StringIO()
            pstats.Stats(profile, stream=stream).sort_stats("cumulative").print_stats(28)
            print("\n".join(stream.getvalue().splitlines()[6:]))
    common.emit_result({"transitions": results, "worst_per_search_ms": [round(w, 1) for w in per_search],
                        "paints_per_search": {k: totals[k] / args.repeat for k in kinds}})
    sys.stdout.flush()
    os._exit(0)  # skip teardown (see gui_stall.py)


if __name__ == "__main__":
    raise SystemExit(main())
