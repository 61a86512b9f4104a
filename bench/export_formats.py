"""Export every format of a short search and report size, latency, accuracy and agreement per format.

    python bench/export_formats.py DATA_DIR [--image-size 64] [--trials 2] [--epochs 8] [--arch simple_cnn] \
        [-- more 'tunestudio search' flags, e.g. --batch-norm false --no-early-stopping]

Runs a short search on DATA_DIR (in a fresh TUNESTUDIO_HOME), exports the best trial to every
format with ``tunestudio export --format all --json`` (each artifact is scored in its own runtime
on the whole validation split), prints a Markdown table, and ends with ``BENCH_RESULT {json}``.
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
from common import REPO, RESULT_PREFIX, isolated_home  # noqa: E402


def run_cli(*args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([sys.executable, "-m", "app", *args, "--json"], capture_output=True, text=True, env=env,
                         cwd=REPO)
    if out.returncode not in (0, 1):
        raise SystemExit(f"tunestudio {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


def markdown(result: dict) -> str:
    lines = ["| format | size | val accuracy | agreement | max prob. diff | ms/image (batch 32) | check |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for a in result["artifacts"]:
        lines.append(f"| {a['format']} | {a['size_bytes'] / 1024:.0f} KiB | {a['val_accuracy']:.3f} | "
                     f"{a['agreement']:.3f} | {a['max_prob_diff']:.2g} | {a['ms_per_image']:.2f} | "
                     f"{'passed' if a['passed'] else 'FAILED'} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="image folder (one subfolder per class)")
    parser.add_argument("--image-size", default="64")
    parser.add_argument("--trials", default="2")
    parser.add_argument("--epochs", default="8")
    parser.add_argument("--arch", default="simple_cnn")
    # Anything else (after --) goes to 'tunestudio search' as it is.
    args, extra = parser.parse_known_args()
    extra = [a for a in extra if a != "--"]
    isolated_home()
    work = Path(tempfile.mkdtemp(prefix="tunestudio-bench-export-"))
    started = time.time()
    search = run_cli("search", args.data, "--arch", args.arch, "--max-trials", args.trials, "--epochs", args.epochs,
                     "--image-size", args.image_size, "--seed", "1", "--workdir", str(work / "search"), *extra)
    search_s = time.time() - started
    started = time.time()
    export = run_cli("export", search["search_dir"], str(work / "export"), "--format", "all")
    export_s = time.time() - started
    card = json.loads((work / "export" / "model_card.json").read_text())
    by_format = {a["format"]: a for a in export["artifacts"]}
    float_acc = by_format["saved_model"]["val_accuracy"]
    result = {"data": args.data, "image_size": int(args.image_size), "architecture": args.arch,
              "trials": int(args.trials), "epochs": int(args.epochs), "search_flags": extra, "search_s": search_s, "export_s": export_s,
              "val_images": by_format["saved_model"]["images"], "best_trial": export["trial_id"],
              "hyperparameters": card["hyperparameters"], "artifacts": export["artifacts"],
              "int8_minus_float_accuracy": by_format["tflite-int8"]["val_accuracy"] - float_acc,
              "export_folder": str(work / "export")}
    print(f"Search {search_s:.0f} s, export of {len(export['artifacts'])} formats {export_s:.0f} s; "
          f"{result['val_images']} validation images; best trial {export['trial_id']}")
    print(markdown(result))
    print(f"int8 - float accuracy: {result['int8_minus_float_accuracy']:+.3f}")
    print(RESULT_PREFIX + json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
