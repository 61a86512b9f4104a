"""The staged transfer search's speed on this machine: features, head trials, a warm cache, fine-tuning.

    python bench/transfer.py ../shared/datasets/flowers-train [--budget 600] [--warm-budget 90]
    python bench/transfer.py DATA --weights-dir ~/.keras/models   # real ImageNet files, when present

Two searches of DATA with every option at its default (``architecture: auto`` picks MobileNetV2 and
the input size for the budget), in one process, in a fresh TUNESTUDIO_HOME, with 20 % of the
images held out (the search's locked test split, ``--holdout``):

1. cold: stage 1 computes every image's features; reported: feature extraction images/s (views
   included) at the chosen size, head trials per minute (trials over stage 2's wall time), fine-tuning
   epochs per minute, and held-out accuracy of the final model;
2. warm: the same search again (``--warm-budget``, at the size the cold run chose); its stage 1 reads every feature from the cache:
   reported as stage-1 seconds and the speed-up over the cold run;
3. with ``--scratch-budget``: today's from-scratch default on the same photos (no weights at hand),
   its epochs per minute and held-out accuracy, for comparison.

Without ``--weights-dir`` no ImageNet weights exist here: a MobileNetV2 with fresh random weights
(batch norm statistics set by one pass, as tests/test_transfer_search.py does) is written under the
file names Keras uses, in a temporary KERAS_HOME. Its features are random, so the accuracies then say
nothing about quality: only the speeds are meaningful. Ends with ``BENCH_RESULT {json}``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def write_random_weights(folder: Path, sizes=(96, 128, 160, 192, 224)) -> None:
    """MobileNetV2 weights files (legacy h5 layout, Keras's names) with random, well-scaled weights."""
    import h5py
    import keras
    import numpy as np
    from keras.src.legacy.saving import legacy_h5_format

    from app.core.model.weights_store import weights_entry

    folder.mkdir(parents=True, exist_ok=True)
    backbone = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(96, 96, 3))
    for layer in backbone.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = 0.0
    backbone(np.random.default_rng(0).uniform(-1, 1, (16, 96, 96, 3)).astype("float32"), training=True)
    for size in sizes:
        with h5py.File(folder / weights_entry("mobilenet_v2", size).file_name, "w") as handle:
            legacy_h5_format.save_weights_to_hdf5_group(handle, backbone)


def run_once(data: str, budget: float, holdout: float, image_size="auto") -> dict:
    from app.core.search import events as ev
    from app.core.options.config import SearchConfig
    from app.core.search.runner import run_search

    log = ev.EventLog()
    config = SearchConfig(data_dir=data, time_budget=budget, test_fraction=holdout, tensorboard=False,
                          image_size=image_size)
    started = time.monotonic()
    final = run_search(config, log)
    wall = time.monotonic() - started
    return summarise(log, final, wall)


def run_scratch(data: str, budget: float, holdout: float) -> dict:
    """The default search without pretrained weights: its epochs' speed and held-out accuracy."""
    from app.core.search import events as ev
    from app.core.options.config import SearchConfig
    from app.core.search.runner import run_search

    log = ev.EventLog()
    final = run_search(SearchConfig(data_dir=data, time_budget=budget, test_fraction=holdout, tensorboard=False), log)
    epochs = log.of_type(ev.EPOCH_ENDED)
    started = log.of_type(ev.SEARCH_STARTED)[0]
    per_epoch = (epochs[-1]["time"] - epochs[0]["time"]) / (len(epochs) - 1) if len(epochs) >= 2 else None
    return {"status": final["status"], "architecture": started["config"]["architecture"],
            "image_size": started.get("image_size"), "epochs": len(epochs),
            "epochs_per_min": 60 / per_epoch if per_epoch else None,
            "train_images_per_s": started["train_count"] / per_epoch if per_epoch else None,
            "held_out_accuracy": final.get("test_accuracy"), "reason": final.get("reason")}


def summarise(log, final: dict, wall: float) -> dict:
    from app.core.search import events as ev

    stages = log.of_type(ev.STAGE)
    features = next((e for e in stages if e["stage"] == "features" and e.get("finished")), {})
    starts = {e["stage"]: e["time"] for e in stages if e["stage"] in ("head", "fine_tune")}
    ended = log.of_type(ev.TRIAL_ENDED)
    heads = [e for e in ended if e.get("stage") == "head" and e["status"] == "COMPLETED"]
    head_end = max((e["time"] for e in heads), default=None)
    head_minutes = (head_end - starts["head"]) / 60 if heads and "head" in starts else None
    tuned = [e for e in log.of_type(ev.EPOCH_ENDED) if e.get("stage") == "fine_tune"]
    tune_start = next((e["time"] for e in log.of_type(ev.TRIAL_STARTED) if e.get("stage") == "fine_tune"), None)
    per_epoch = None
    if len(tuned) >= 2:  # the first epoch also traces the graph
        per_epoch = (tuned[-1]["time"] - tuned[0]["time"]) / (len(tuned) - 1)
    best_head = max((e["score"] for e in heads), default=None)
    tuned_score = next((e["score"] for e in ended if e.get("stage") == "fine_tune"), None)
    return {
        "status": final["status"], "wall_s": round(wall, 1),
        "image_size": log.of_type(ev.SEARCH_STARTED)[0].get("image_size"),
        "stage1_s": features.get("seconds"), "features_computed": features.get("computed"),
        "features_reused": features.get("reused"), "feature_images_per_s": features.get("images_per_second"),
        "head_trials": len(heads), "head_stage_min": head_minutes,
        "head_trials_per_min": len(heads) / head_minutes if head_minutes else None,
        "fine_tune_epochs": len(tuned), "fine_tune_first_epoch_s": (tuned[0]["time"] - tune_start) if tuned and
        tune_start else None, "fine_tune_epochs_per_min": 60 / per_epoch if per_epoch else None,
        "best_head_val": best_head, "fine_tuned_val": tuned_score, "final_model": final.get("final_model"),
        "held_out_accuracy": final.get("test_accuracy"), "reason": final.get("reason"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", help="a folder of class folders, e.g. ../shared/datasets/flowers-train")
    parser.add_argument("--budget", type=float, default=600.0, help="seconds for the cold search (the default 10m)")
    parser.add_argument("--warm-budget", type=float, default=90.0, help="seconds for the warm search")
    parser.add_argument("--holdout", type=float, default=0.2, help="share of images held out (test split)")
    parser.add_argument("--weights-dir", help="a folder holding real Keras weights files (no_top .h5)")
    parser.add_argument("--scratch-budget", type=float, default=0.0,
                        help="seconds for today's from-scratch default on the same photos (0: not run)")
    args = parser.parse_args()
    if not Path(args.data).is_dir():
        parser.error(f"{args.data} is not a folder")
    work = Path(tempfile.mkdtemp(prefix="tunestudio-bench-transfer-"))
    os.environ["TUNESTUDIO_HOME"] = str(work / "home")
    os.environ["KERAS_HOME"] = str(work / "keras")  # before Keras is imported: it reads it once
    real = bool(args.weights_dir)
    if real:
        shutil.copytree(args.weights_dir, work / "keras" / "models")
    else:
        write_random_weights(work / "keras" / "models")
    print(f"load before: {uptime()}", flush=True)
    cold = run_once(args.data, args.budget, args.holdout)
    print(f"load after the cold search: {uptime()}", flush=True)
    from app.core.model import feature_cache

    feature_cache._FINGERPRINTS.clear()  # as a new process would: every file is hashed again
    # At the cold run's size: "auto" would choose a smaller one for a shorter budget (another cache).
    warm = run_once(args.data, args.warm_budget, args.holdout, image_size=cold["image_size"])
    print(f"load after the warm search: {uptime()}", flush=True)
    scratch = None
    if args.scratch_budget:
        # Today's from-scratch default on the same photos: no weights at hand (the check reads
        # KERAS_HOME each time), so "auto" trains the residual CNN.
        os.environ["KERAS_HOME"] = str(work / "no-weights")
        scratch = run_scratch(args.data, args.scratch_budget, args.holdout)
        print(f"load after the from-scratch search: {uptime()}", flush=True)
    result = {"data": args.data, "scratch": scratch, "weights": "real files" if real else "random (speeds only; accuracies meaningless)",
              "cold": cold, "warm": warm,
              "stage1_speedup": (cold["stage1_s"] / warm["stage1_s"]) if cold.get("stage1_s") and warm.get("stage1_s")
              else None}
    for name in ("cold", "warm", "scratch"):
        print(name, json.dumps(result[name], default=str, indent=1))
    print("stage 1 speed-up with the cache warm:", result["stage1_speedup"])
    print("BENCH_RESULT " + json.dumps(result, default=str))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
