"""A/B of search recipes in one run: TuneStudio's default search with one option changed, on the same
held-out split, the same budget, alternating the variants so a change of the machine's load hits each.

    python bench/recipe_ab.py --data ../shared/datasets/flowers-train --budget 300 \\
        --variant 'off={"progressive_resizing": false}' --variant 'on={}' [--rounds 2]

Each variant runs as search_quality.py's ``tunestudio`` side (its own fresh process, the clock started
after TensorFlow is imported, scanning and decoding paid from the budget) with the variant's
SearchConfig fields. Prints and returns each run's epochs, image size, validation and held-out
accuracy, seconds, with the load average before and after it. Issue 24's rule: an item is kept only
if it wins such an A/B.
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

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from search_quality import holdout_split, link_folder  # noqa: E402


def run_variant(spec_path: Path, budget: float) -> dict:
    proc = subprocess.run([sys.executable, str(BENCH / "search_quality.py"), "--side", "tunestudio",
                           "--spec", str(spec_path)], capture_output=True, text=True, timeout=budget * 3 + 600)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("SIDE ")), None)
    if line is None:
        return {"error": proc.stderr.strip()[-1500:]}
    return json.loads(line[5:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--budget", type=float, default=300.0)
    parser.add_argument("--holdout", type=float, default=0.2)
    parser.add_argument("--variant", action="append", required=True, metavar="NAME=JSON")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--out")
    args = parser.parse_args()
    variants = [(v.partition("=")[0], json.loads(v.partition("=")[2] or "{}")) for v in args.variant]
    classes, train, held = holdout_split(args.data, args.holdout)
    work = Path(tempfile.mkdtemp(prefix="bench-recipe-"))
    data = str(link_folder(train, work / Path(args.data).name))
    runs = []
    for round_ in range(args.rounds):
        for name, overrides in variants:
            spec = work / f"spec-{name}.json"
            spec.write_text(json.dumps({"data": data, "held": held, "budget": args.budget, "overrides": overrides}))
            load_before = os.getloadavg()[0]
            started = time.monotonic()
            r = run_variant(spec, args.budget)
            row = {"variant": name, "round": round_ + 1, "overrides": overrides,
                   "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
                   "wall_s": round(time.monotonic() - started, 1)}
            if "error" in r:
                row["error"] = r["error"]
                print(f"{name} round {round_ + 1}: FAILED\n{r['error']}", flush=True)
            else:
                ends = [i["t"] for i in r["timeline"] if i["event"] == "trial_ended"]
                epochs_t = [i["t"] for i in r["timeline"] if i["event"] == "epoch"]
                row["last_epoch_end_s"] = epochs_t[-1] if epochs_t else None
                row["timeline"] = r["timeline"]
                row.update({k: r.get(k) for k in ("epochs", "trials", "image_size", "val_accuracy",
                                                  "holdout_accuracy", "seconds")})
                row["last_trial_end_s"] = ends[-1] if ends else None
                print(f"{name:10s} round {round_ + 1}: held-out {r['holdout_accuracy']:.3f}  val {r['val_accuracy']:.3f}  "
                      f"{r['trials']} trial(s), {r['epochs']} epochs, {r['image_size']} px, {r['seconds']:.0f} s "
                      f"(last epoch {row['last_epoch_end_s']} s, last trial end {row['last_trial_end_s']} s) "
                      f"(load {row['load_before']}-{row['load_after']})", flush=True)
            runs.append(row)
    result = {"recipe_ab": {"data": args.data, "budget_s": args.budget, "held_out_images": len(held), "runs": runs}}
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1))
    print("BENCH_RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
