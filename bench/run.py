"""TuneStudio's benchmarks in one command: a table, then one JSON object with every figure.

    python bench/run.py            # the full run (about 16 minutes on 2 cores)
    python bench/run.py --quick    # scaled-down counts and the scan scaled from 20k images, ~3.5 minutes
    python bench/run.py --only overhead,startup --data ../shared/datasets/cifar10-mini

Each measurement runs as its own script in a fresh interpreter (bench/*.py, each runnable alone
with ``--help``), so one measurement's imports and memory never colour another's. Ratios compare
against a baseline measured in the same run, which is what makes them comparable across machines.
Nothing here is a test: it prints, it asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

# key: (target, direction) - "max": the figure must not exceed the target.
TARGETS = {
    "overhead_ratio": (1.05, "max"),
    "gui_stall_p99_ms": (5.0, "max"),
    "gui_stall_max_ms": (25.0, "max"),
    "startup_ratio": (1.5, "max"),
    "search_quality": (True, "wins"),
    "scan_100k_s": (None, None),
    "scan_100k_peak_mb": (None, None),
    "plot_update_ms": (None, None),
    "rss_growth_mb_per_trial": (None, None),
}
KEYS = list(TARGETS)


def steps(args) -> list[tuple[str, str, list[str], float]]:
    """(name, script, arguments, timeout seconds) for each measurement, scaled for --quick."""
    q = args.quick
    data = ["--data", args.data] if args.data else []
    return [
        ("overhead", "overhead.py",
         ["--epochs", "6", "--rounds", "1"] if q else ["--epochs", "10", "--rounds", "3"], 900),
        ("startup", "startup.py", ["--runs", "3" if q else "7"], 600),
        ("gui_stall", "gui_stall.py",
         ["--idle", "4", "--trials", "2", "--epochs", "2", "--max-seconds", "60"] if q
         else ["--idle", "10", "--trials", "8", "--epochs", "2", "--max-seconds", "240"], 900),
        ("search_quality", "search_quality.py", data + ["--budget", "30" if q else str(args.budget)],
         1800 if not q else 400),
        ("scan", "scan_100k.py", ["--count", str(args.scan_count or (20_000 if q else 100_000))], 1800),
        ("plot_update", "plot_update.py", ["--repeats", "5" if q else "15"], 600),
        ("rss", "rss_trials.py", ["--trials", "6", "--mode", "subprocess"] if q else ["--trials", "20"], 3600),
    ]


def plot_update_result(stdout_lines: list[str]) -> dict | None:
    """bench/plot_update.py prints prose; pick the figures out of it."""
    text = "\n".join(stdout_lines)
    full = common.number_after("full redraw of every curve + paint", text)
    epoch = common.number_after("live epoch_ended + redraw + paint", text)
    if full is None and epoch is None:
        return None
    return {"plot_update_ms": full if full is not None else epoch, "plot_live_epoch_ms": epoch,
            "plot_load_ms": common.number_after("load stored trials + paint", text),
            "plot_select_ms": common.number_after("show_trial (overlay rebuilt) + paint", text)}


def verdict(key: str, value) -> str:
    target, direction = TARGETS[key]
    if value is None:
        return "missing"
    if direction == "max":
        return "met" if value <= target else "MISSED"
    if direction == "wins":
        return "met" if value.get("wins") else "MISSED"
    return ""


def show(key: str, value) -> str:
    if isinstance(value, dict):
        def acc(v):
            return "-" if v is None else f"{v:.3f}"
        return f"{acc(value.get('tunestudio'))} vs classic {acc(value.get('classic'))}"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    return "-" if value is None else str(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="scaled-down run, under 5 minutes")
    parser.add_argument("--data", default=None,
                        help="folder for search_quality (default: the bundled resources/sample-flowers)")
    parser.add_argument("--budget", type=float, default=180.0, help="search_quality seconds per side (full run)")
    parser.add_argument("--scan-count", type=int, default=None, help="images to scan (scaled to 100k)")
    parser.add_argument("--only", default="", help="comma-separated measurement names")
    parser.add_argument("--save", type=Path, default=None, help="also write the full results as JSON here")
    args = parser.parse_args()

    wanted = {s for s in args.only.split(",") if s}
    machine = common.machine_info()
    print(f"TuneStudio benchmarks ({'quick' if args.quick else 'full'}) on {machine['cpu']}, "
          f"{machine['cores']} cores, {machine['memory_gb']} GB, load {machine['load_average']}", flush=True)
    figures: dict = {key: None for key in KEYS}
    details: dict = {}
    errors: dict = {}
    started = time.monotonic()
    for name, script, script_args, timeout in steps(args):
        if wanted and name not in wanted:
            continue
        print(f"\n== {name}: bench/{script} {' '.join(script_args)}", flush=True)
        t0 = time.monotonic()
        lines: list[str] = []

        def echo(line: str) -> None:
            lines.append(line)
            print(line, flush=True)

        result, error = common.run_script(script, script_args, timeout, echo=echo)
        if result is None and name == "plot_update":
            result = plot_update_result(lines)
            if result:
                error = ""  # it prints prose, not a BENCH_RESULT line
        if error:
            errors[name] = error
            print(f"   !! {error}", flush=True)
        if result:
            details[name] = result
            for key in KEYS:
                if key in result:
                    figures[key] = result[key]
        print(f"   ({time.monotonic() - t0:.0f} s)", flush=True)
    total = time.monotonic() - started

    print(f"\n{'figure':26s} {'value':>28s}  {'target':>8s}  verdict")
    for key in KEYS:
        target, direction = TARGETS[key]
        target_text = {"max": f"<= {target}", "wins": "wins"}.get(direction, "")
        print(f"{key:26s} {show(key, figures[key]):>28s}  {target_text:>8s}  {verdict(key, figures[key])}")
    print(f"({total:.0f} s in all; load average now {common.load_average()})")
    out = dict(figures)
    out["targets"] = {key: verdict(key, figures[key]) for key in KEYS if TARGETS[key][1]}
    out["machine"] = machine
    out["machine"]["load_average_end"] = common.load_average()
    out["quick"] = args.quick
    out["seconds"] = round(total)
    out["errors"] = errors
    if args.save:
        args.save.write_text(json.dumps({**out, "details": details}, indent=2))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
