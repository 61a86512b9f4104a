"""Soak: a long search with the window open, then History browsing; does anything grow?

    python bench/soak.py [--trials 200] [--browse 100] [--data DIR] [--image-size 16]

The real ``MainWindow`` (offscreen) with its real runner runs a search of many short trials (an
MLP at 16 px, one epoch each, on the bundled sample unless ``--data``), then the History tab is
browsed: the search opened, every trial shown, the Compare and Score tabs visited, the list
refreshed, ``--browse`` times. After every trial and every browse step it samples, in the window's
process: resident memory (MB), open file handles (/proc/self/fd), threads (/proc/self/task), the
history database's size on disk (with its WAL) and, with ``--qobjects``, the Qt objects alive
under the window. Each
series is printed with its least-squares slope per trial / per browse step (after a warm-up);
the target is no growth beyond noise.
"""
from __future__ import annotations

import argparse
import faulthandler
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

WARMUP = 5  # samples left out of each slope: first trials load pyqtgraph, caches fill


def sample(window, db: Path, qobjects: bool) -> dict:
    from PySide6.QtCore import QObject

    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file())
    out = {"rss_mb": round(common.rss_mb() or 0, 1), "fds": len(os.listdir("/proc/self/fd")),
           "threads": len(os.listdir("/proc/self/task")), "db_kb": round(size / 1024, 1)}
    if qobjects:  # off by default: walking every wrapper is itself a load on PySide
        out["qobjects"] = len(window.findChildren(QObject))
    return out


def slopes(series: list[dict]) -> dict:
    keys = series[0].keys() if series else ()
    skip = min(WARMUP, max(0, len(series) - 3))
    return {k: _round(common.slope_per_step([s[k] for s in series], skip)) for k in keys}


def _round(value):
    return None if value is None else round(value, 4)


def browse(window, wait, steps: int, db: Path, qobjects: bool) -> list[dict]:
    """Open the search in History and look at it the way a user does, ``steps`` times."""
    view = window.history_view
    window.chrome.view_tabs.setCurrentWidget(view)
    out = []
    for _ in range(steps):
        view.refresh()
        ids = view.search_ids()
        view.open_searches(ids[:1])
        for trial in view.store.get_trials(ids[0]) if ids else []:
            view.trial_table.select_trial(trial["trial_id"])  # its curves and confusion matrix
            wait(0.01)
        for index in range(view.tabs.count()):
            view.tabs.setCurrentIndex(index)
            wait(0.02)
        view.tabs.setCurrentIndex(0)
        out.append(sample(window, db, qobjects))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--browse", type=int, default=100)
    parser.add_argument("--data", default=str(common.default_dataset()))
    parser.add_argument("--image-size", type=int, default=16)
    parser.add_argument("--max-minutes", type=float, default=120)
    parser.add_argument("--qobjects", action="store_true", help="also count the Qt objects under the window")
    args = parser.parse_args()
    qobjects = args.qobjects
    faulthandler.enable()  # a crash of the window prints where it was
    common.quiet_tensorflow()
    home = Path(common.isolated_home("tunestudio-soak-"))
    db = home / "history.sqlite3"

    from app.core.options.config import SearchConfig
    window, wait = common.open_window_on(args.data)
    config = SearchConfig(data_dir=str(args.data), name="soak", max_trials=args.trials, epochs=1,
                          image_size=args.image_size, architecture="mlp", early_stopping=False,
                          time_budget=0, plateau_trials=0,  # every trial runs: the soak is the point
                          learning_rate={"min": 1e-4, "max": 1e-1, "log": True})
    window.options_panel.set_config(config)
    at_start = sample(window, db, qobjects)
    trials: list[dict] = []
    started = time.monotonic()
    if not window.start_search():
        raise SystemExit(f"the window refused to start: {window.status_label.text()}")
    worker = window.session.worker
    worker.event_received.connect(lambda e: e.get("type") == "trial_ended" and trials.append(sample(window, db, qobjects)))
    wait(args.max_minutes * 60, until=lambda: not window.is_running)
    search_s = time.monotonic() - started
    wait(2)
    after_search = sample(window, db, qobjects)
    browsed = browse(window, wait, args.browse, db, qobjects)
    result = {"trials": len(trials), "search_seconds": round(search_s, 1), "browse_steps": len(browsed),
              "at_start": at_start, "after_search": after_search, "after_browse": browsed[-1] if browsed else None,
              "per_trial": slopes(trials), "per_browse_step": slopes(browsed),
              "load_average": os.getloadavg()}
    print(f"{len(trials)} trials in {search_s:.0f} s, then {len(browsed)} History browse steps "
          f"(load average {', '.join(f'{v:.1f}' for v in os.getloadavg())})")
    for name, key in (("start", "at_start"), ("after the search", "after_search"), ("after browsing", "after_browse")):
        print(f"  {name:17s} {result[key]}")
    print(f"  slope per trial       {result['per_trial']}")
    print(f"  slope per browse step {result['per_browse_step']}")
    common.emit_result(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
