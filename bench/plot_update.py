"""How long the curves panel takes to redraw with 100 trials x 100 epochs on screen.

Run:  QT_QPA_PLATFORM=offscreen .venv/bin/python bench/plot_update.py [--trials 100] [--epochs 100]

Each figure is the median (and the fastest) of several repeats, in milliseconds, and includes
painting the whole panel (``QWidget.grab()`` renders it into a pixmap, as a screen update would).
On a busy machine the medians wander; the fastest run is the better estimate of the cost itself.

* load:    ``load_trials`` of the whole history, then a paint;
* epoch:   one ``epoch_ended`` of a live trial (state + setData + paint);
* batch:   one ``batch_ended`` (the most frequent event);
* select:  ``show_trial`` of another trial (rebuilds the all-trials overlay);
* reference: the same trials drawn as one PlotDataItem per trial, to show what the single
  connect-array overlay saves.

Not a test: numbers depend on the machine and its load. Print only.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication, QEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def make_trials(n_trials: int, n_epochs: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    trials = []
    for i in range(n_trials):
        ceiling = rng.uniform(0.4, 0.95)
        speed = rng.uniform(0.02, 0.2)
        val_accuracy = [min(1.0, ceiling * (1 - 0.8 ** (1 + speed * e * 10)) + rng.uniform(-0.02, 0.02))
                        for e in range(n_epochs)]
        history = {
            "val_accuracy": val_accuracy,
            "accuracy": [min(1.0, v + 0.05) for v in val_accuracy],
            "loss": [1.6 * (1 - v) + 0.05 for v in val_accuracy],
            "val_loss": [1.8 * (1 - v) + 0.1 for v in val_accuracy],
        }
        trials.append({"trial_id": f"{i:03d}", "number": i + 1, "status": "COMPLETED",
                       "score": max(val_accuracy), "history": history})
    return trials


def timed(action, repeats: int) -> tuple[float, float]:
    """(median, fastest) milliseconds of ``action()``."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--size", default="1200x800", help="panel size WIDTHxHEIGHT")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    app = QApplication.instance() or QApplication([])
    import numpy as np
    import pyqtgraph as pg

    from app.gui.training.curves_panel import CurvesPanel

    trials = make_trials(args.trials, args.epochs)
    panel = CurvesPanel()
    panel.resize(width, height)
    panel.show()
    app.processEvents()

    def load():
        panel.load_trials(trials)
        panel.grab()

    load_ms = timed(load, max(3, args.repeats // 3))

    # A live trial after the stored ones: the situation during a long search.
    panel.handle_event({"type": "trial_started", "trial_id": "live", "number": args.trials + 1,
                        "time": 0.0, "hyperparameters": {}, "batch_size": 32})
    panel.show_trial(None)  # follow the live trial, as during a search
    epoch = {"n": 0}

    def live_epoch():
        e = epoch["n"]
        epoch["n"] += 1
        panel.handle_event({"type": "epoch_ended", "trial_id": "live", "epoch": e,
                            "epochs": 10_000, "logs": {"loss": 1.0 / (e + 1), "accuracy": 0.5,
                                                       "val_loss": 1.1 / (e + 1),
                                                       "val_accuracy": 0.5},
                            "confusion": None, "class_names": []})
        panel.flush()
        panel.grab()

    for _ in range(args.epochs):  # bring the live trial to full length first
        live_epoch()
    epoch_ms = timed(live_epoch, args.repeats)

    batch = {"n": 0}

    def live_batch():
        b = batch["n"]
        batch["n"] += 1
        panel.handle_event({"type": "batch_ended", "trial_id": "live", "epoch": epoch["n"],
                            "batch": b % 500, "steps": 500, "logs": {"loss": 0.5}})
        panel.flush()
        panel.grab()

    batch_ms = timed(live_batch, args.repeats)

    ids = [t["trial_id"] for t in trials]
    pick = {"i": 0}

    def select():
        pick["i"] = (pick["i"] + 7) % len(ids)
        panel.show_trial(ids[pick["i"]])
        panel.grab()

    select_ms = timed(select, args.repeats)
    curve_count = panel.trial_curve_count()

    # Reference: one PlotDataItem per trial in a plot of the same size.
    reference = pg.PlotWidget()
    reference.resize(width, height // 2)
    reference.show()
    items = [reference.plot(pen=pg.mkPen(150, 150, 150, 70), antialias=False) for _ in trials]

    def per_item_redraw():
        for item, trial in zip(items, trials):
            y = np.asarray(trial["history"]["val_accuracy"])
            item.setData(np.arange(1, len(y) + 1, dtype=float), y)
        reference.grab()

    per_item_ms = timed(per_item_redraw, max(3, args.repeats // 3))

    def single_item_redraw():
        panel.redraw_everything()
        panel.grab()

    single_ms = timed(single_item_redraw, max(3, args.repeats // 3))

    print(f"curves panel {width}x{height}, {args.trials} trials x {args.epochs} epochs "
          f"({curve_count} lines in the all-trials plot), offscreen; ms median / fastest:")
    rows = (("load stored trials + paint", load_ms, ""),
            ("live epoch_ended + redraw + paint", epoch_ms, ""),
            ("live batch_ended + redraw + paint", batch_ms, ""),
            ("show_trial (overlay rebuilt) + paint", select_ms, ""),
            ("full redraw of every curve + paint", single_ms, "whole panel, 3 plots"),
            ("reference: 1 item per trial + paint", per_item_ms, "one plot only"))
    for label, (median, fastest), note in rows:
        print(f"  {label:38s} {median:7.1f} / {fastest:6.1f}" + (f"   ({note})" if note else ""))
    from app.gui.training.curves_panel import REDRAW_INTERVAL_MS

    print(f"  redraws are throttled to at most one per {REDRAW_INTERVAL_MS} ms")

    for widget in (panel, reference):
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
