"""Speed-up of a distributed search with 2 local workers against 1, on one machine.

    python bench/distributed_speedup.py DATA_DIR [--trials 6] [--epochs 2] [--image-size 32] [--out FILE]

Each run is a real ``tunestudio search --distributed --local-workers N`` on 127.0.0.1 (the
chief trains nothing; N workers each train in their own process). Reported per run: the wall
time of the whole command, the time from the chief's start to its end, the span from the first
trial's start to the last trial's end ("trial span") and trials per minute over that span.
On a 2-core machine two workers share the same cores, so the figures mostly show the overhead
of distribution (one more TensorFlow process, gRPC round trips, events through files), not the
speed-up several machines give.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, emit_result, machine_info  # noqa: E402


def run(data: Path, workers: int, trials: int, epochs: int, image_size: int) -> dict:
    home = tempfile.mkdtemp(prefix="tunestudio-bench-dist-")
    env = {**os.environ, "TUNESTUDIO_HOME": home, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3"}
    workdir = Path(home) / "search"
    cmd = [sys.executable, "-m", "app", "search", str(data), "--arch", "simple_cnn", "--max-trials", str(trials),
           "--epochs", str(epochs), "--image-size", str(image_size), "--no-early-stopping", "--augment", "false",
           "--distributed", "--port", "0", "--local-workers", str(workers), "--workdir", str(workdir), "--json"]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"search with {workers} worker(s) failed:\n{done.stderr[-3000:]}")
    summary = json.loads(done.stdout)
    events = [json.loads(line) for line in (workdir / "events.jsonl").read_text().splitlines()]
    starts = [e["time"] for e in events if e["type"] == "trial_started"]
    ends = [e["time"] for e in events if e["type"] == "trial_ended" and e["status"] == "COMPLETED"]
    span = max(ends) - min(starts)
    per_worker: dict[str, int] = {}
    for trial in summary["trials"]:
        per_worker[trial.get("worker") or "?"] = per_worker.get(trial.get("worker") or "?", 0) + 1
    return {"workers": workers, "wall_s": round(wall, 1), "chief_s": round(summary["duration"], 1),
            "trial_span_s": round(span, 1), "trials": len(ends),
            "trials_per_min": round(60 * len(ends) / span, 2) if span > 0 else None,
            "mean_trial_s": round(sum(t["duration"] or 0 for t in summary["trials"]) / max(1, len(ends)), 1),
            "per_worker": per_worker}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="an image folder (one subfolder per class)")
    parser.add_argument("--trials", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--out", type=Path, help="write a Markdown table here")
    args = parser.parse_args()
    results = [run(args.data, n, args.trials, args.epochs, args.image_size) for n in (1, 2)]
    one, two = results
    speedup = one["trial_span_s"] / two["trial_span_s"] if two["trial_span_s"] else None
    for r in results:
        print(f"{r['workers']} worker(s): wall {r['wall_s']} s, chief {r['chief_s']} s, trial span "
              f"{r['trial_span_s']} s, {r['trials_per_min']} trials/min, mean trial {r['mean_trial_s']} s, "
              f"split {r['per_worker']}")
    print(f"speed-up of 2 workers over 1 (trial span): {speedup:.2f}x" if speedup else "no speed-up figure")
    info = machine_info()
    if args.out:
        lines = ["| workers | wall (s) | chief (s) | trial span (s) | trials/min | mean trial (s) | trials per worker |",
                 "|---|---|---|---|---|---|---|"]
        for r in results:
            lines.append(f"| {r['workers']} | {r['wall_s']} | {r['chief_s']} | {r['trial_span_s']} | "
                         f"{r['trials_per_min']} | {r['mean_trial_s']} | "
                         f"{', '.join(f'{k}: {v}' for k, v in sorted(r['per_worker'].items()))} |")
        lines.append("")
        lines.append(f"Speed-up of 2 workers over 1 on the trial span: {speedup:.2f}x. Machine: {info}.")
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    emit_result({"name": "distributed_speedup", "runs": results, "speedup": speedup, "machine": info})


if __name__ == "__main__":
    main()
