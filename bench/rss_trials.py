"""Memory across trials: resident memory after each trial, in-process versus in a child process.

    python bench/rss_trials.py [--trials 20] [--mode both|subprocess|inprocess] [--data DIR]

* ``subprocess``: ``run_search_in_subprocess`` (what the window uses). After each trial the RSS
  of this process (the window's side) and of the training child are read from /proc.
* ``inprocess``: ``run_search`` in this process; its RSS after each trial.

Each mode runs in a fresh interpreter. The search: the default simple-CNN search space at 32 px,
1 epoch per trial, on a small real-photo folder, so the figures show the per-trial leak rather
than training. Growth per trial is the least-squares slope after the first 3 trials (fewer in a short run).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

WARMUP_TRIALS = 3


def measure(mode: str, data_dir: str, trials: int) -> dict:
    import multiprocessing as mp

    from app.core.options.config import SearchConfig

    common.isolated_home()
    config = SearchConfig(data_dir=data_dir, name=f"bench-rss-{mode}", max_trials=trials, epochs=1,
                          image_size=32, early_stopping=False)
    parent, child, at_start = [], [], {"parent": common.rss_mb(), "child": None}

    def listener(event: dict) -> None:
        if event["type"] == "search_started" and mode == "subprocess":
            kids = mp.active_children()
            at_start["child"] = common.rss_mb(kids[0].pid) if kids else None
        if event["type"] == "trial_ended":
            parent.append(common.rss_mb())
            if mode == "subprocess":
                kids = mp.active_children()
                child.append(common.rss_mb(kids[0].pid) if kids else None)

    started = time.monotonic()
    if mode == "subprocess":
        from app.core.search.process import run_search_in_subprocess

        final = run_search_in_subprocess(config, listener)
    else:
        from app.core.search.runner import run_search

        final = run_search(config, listener)
    result = {"mode": mode, "trials": len(parent), "status": final["status"], "error": final.get("error"),
              "seconds": round(time.monotonic() - started, 1), "parent_start_mb": at_start["parent"],
              "parent_mb": [round(v, 1) for v in parent],
              "parent_mb_per_trial": _round(common.slope_per_step(parent, _warmup(parent))),
              "parent_end_mb": round(common.rss_mb() or 0, 1)}
    if mode == "subprocess":
        result.update(child_start_mb=at_start["child"], child_mb=[round(v, 1) if v else v for v in child],
                      child_mb_per_trial=_round(common.slope_per_step(child, _warmup(child))))
    return result


def _warmup(values: list) -> int:
    """Trials left out of the slope: the first 3, fewer in a short run (keeping at least 3 points)."""
    return max(0, min(WARMUP_TRIALS, len(values) - 3))


def _round(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--mode", choices=("both", "subprocess", "inprocess"), default="both")
    parser.add_argument("--data", default=str(common.default_dataset()))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    common.quiet_tensorflow()
    if args.child:
        print("RSS " + json.dumps(measure(args.mode, str(Path(args.data).resolve()), args.trials)), flush=True)
        return 0
    modes = ("subprocess", "inprocess") if args.mode == "both" else (args.mode,)
    results = {}
    for mode in modes:
        proc = subprocess.run([sys.executable, __file__, "--child", "--mode", mode, "--trials", str(args.trials),
                               "--data", args.data], capture_output=True, text=True, cwd=common.REPO,
                              timeout=args.trials * 120 + 300)
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RSS ")), None)
        if line is None:
            raise SystemExit(f"{mode} run failed: {proc.stderr.strip()[-800:]}")
        r = results[mode] = json.loads(line[4:])
        print(f"{mode}: {r['trials']} trials in {r['seconds']:.0f} s ({r['status']})")
        print(f"  this process (window side): {r['parent_start_mb']:.0f} MB at start; after each trial "
              f"{r['parent_mb']}; {r['parent_mb_per_trial']} MB/trial")
        if mode == "subprocess":
            print(f"  training child: {r['child_start_mb']} MB at search start; after each trial {r['child_mb']}; "
                  f"{r['child_mb_per_trial']} MB/trial (its memory goes back to the system when the search ends)")
    out = {"trials": args.trials, "modes": results}
    if "subprocess" in results:
        out["rss_growth_mb_per_trial"] = results["subprocess"]["parent_mb_per_trial"]
        out["rss_child_mb_per_trial"] = results["subprocess"]["child_mb_per_trial"]
    if "inprocess" in results:
        out["rss_inprocess_mb_per_trial"] = results["inprocess"]["parent_mb_per_trial"]
    common.emit_result(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
