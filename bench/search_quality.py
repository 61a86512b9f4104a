"""Search quality: TuneStudio's default search versus the classic Keras Tuner script, same budget.

    python bench/search_quality.py [--data DIR] [--budget 60]
    python bench/search_quality.py --side tunestudio|classic ...   (one side, used internally)

Both sides get the same wall-clock budget (counted from the start of the search, after
TensorFlow is imported, with scanning and decoding the images included), the same split (``app.core.dataset.split_dataset`` with SearchConfig's defaults) and
the same image size (SearchConfig's default). Each side runs in its own fresh process, one after
the other.

* TuneStudio: ``SearchConfig`` defaults with ``data_dir`` set (and a trial count high enough that
  the budget, not the count, ends it), run by ``run_search``; a timer sets the cancel event when
  the budget runs out.
* Classic: ``keras_tuner.RandomSearch`` over a plain simple CNN (filters, dense units and dropout
  tuned; Adam at 1e-3; no augmentation; ``model.fit`` on the decoded arrays), as the Keras Tuner
  tutorial writes it; a callback ends the search when the budget runs out.

The score of each side is the best validation accuracy reached by any epoch within the budget.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

CLASSIC_EPOCHS = 10  # the tutorial's figure, also SearchConfig's default


def shared_split(data_dir: str, config) -> tuple[list[str], dict[str, list[tuple[str, int]]]]:
    from app.core.dataset import scan_dataset, split_dataset

    report = scan_dataset(data_dir)
    classes = report.usable_classes
    split = split_dataset(report, config.val_fraction, config.test_fraction, config.seed)
    return classes, {name: [(r.path, classes.index(r.label)) for r in records] for name, records in split.items()}


def _import_tensorflow() -> None:
    """Both sides start their clock after TensorFlow is loaded: the budget is for searching."""
    import keras  # noqa: F401
    import keras_tuner  # noqa: F401
    import tensorflow  # noqa: F401


def run_tunestudio(data_dir: str, budget: float) -> dict:
    from app.core.config import SearchConfig
    from app.core.runner import run_search

    config = SearchConfig(data_dir=data_dir, name="bench-quality", max_trials=1000)
    cancel = threading.Event()
    best = {"val_accuracy": None, "epochs": 0}
    _import_tensorflow()
    started = time.monotonic()

    def listener(event: dict) -> None:
        if event["type"] == "epoch_ended" and time.monotonic() - started <= budget:
            acc = (event.get("logs") or {}).get("val_accuracy")
            best["epochs"] += 1
            if acc is not None and (best["val_accuracy"] is None or acc > best["val_accuracy"]):
                best["val_accuracy"] = acc

    timer = threading.Timer(budget, cancel.set)
    timer.start()
    final = run_search(config, listener, cancel=cancel)
    timer.cancel()
    trials = [t for t in final.get("trials", []) if t.get("status") == "COMPLETED"]
    return {"best_val_accuracy": best["val_accuracy"], "trials_completed": len(trials), "epochs": best["epochs"],
            "status": final["status"], "seconds": round(time.monotonic() - started, 1),
            "image_size": config.image_size}


def run_classic(data_dir: str, budget: float) -> dict:
    """The classic script, written as a Keras Tuner user would (arrays in memory, no pipeline)."""
    import tempfile

    _import_tensorflow()
    started = time.monotonic()
    import keras
    import keras_tuner as kt

    from app.core.config import SearchConfig
    from app.core.pipeline import load_split

    config = SearchConfig()
    size = config.image_size
    classes, split = shared_split(data_dir, config)
    train = load_split([p for p, _ in split["train"]], [c for _, c in split["train"]], size, "memory")
    val = load_split([p for p, _ in split["val"]], [c for _, c in split["val"]], size, "memory")
    num_classes = len(classes)

    def build(hp):
        model = keras.Sequential([
            keras.Input((size, size, 3)),
            keras.layers.Rescaling(1.0 / 255),
            keras.layers.Conv2D(hp.Choice("filters", [32, 64]), 3, activation="relu", padding="same"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(hp.Choice("filters", [32, 64]) * 2, 3, activation="relu", padding="same"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(hp.Int("units", 32, 256, step=32), activation="relu"),
            keras.layers.Dropout(hp.Float("dropout", 0.0, 0.5, step=0.1)),
            keras.layers.Dense(num_classes, activation="softmax"),
        ])
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        return model

    class OutOfTime(kt.errors.FatalError):
        pass

    best = {"val_accuracy": None, "epochs": 0}

    class Budget(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            acc = (logs or {}).get("val_accuracy")
            if time.monotonic() - started <= budget and acc is not None:
                best["epochs"] += 1
                best["val_accuracy"] = max(best["val_accuracy"] or 0.0, float(acc))

        def on_train_batch_end(self, batch, logs=None):
            if time.monotonic() - started > budget:
                raise OutOfTime("budget used up")

    tuner = kt.RandomSearch(build, objective="val_accuracy", max_trials=1000, seed=42,
                            directory=tempfile.mkdtemp(prefix="classic-kt-"), project_name="classic",
                            overwrite=True)
    try:
        tuner.search(train.images, train.labels, epochs=CLASSIC_EPOCHS, validation_data=(val.images, val.labels),
                     callbacks=[Budget()], verbose=0)
    except OutOfTime:
        pass
    trials = [t for t in tuner.oracle.trials.values() if t.status == "COMPLETED"]
    return {"best_val_accuracy": best["val_accuracy"], "trials_completed": len(trials), "epochs": best["epochs"],
            "seconds": round(time.monotonic() - started, 1), "image_size": size}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(common.default_dataset()))
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per side")
    parser.add_argument("--side", choices=("tunestudio", "classic"))
    args = parser.parse_args()
    common.quiet_tensorflow()
    if args.side:
        common.isolated_home()
        run = run_tunestudio if args.side == "tunestudio" else run_classic
        print("SIDE " + json.dumps(run(str(Path(args.data).resolve()), args.budget)), flush=True)
        return 0
    sides = {}
    for side in ("classic", "tunestudio"):
        proc = subprocess.run([sys.executable, __file__, "--side", side, "--data", args.data,
                               "--budget", str(args.budget)], capture_output=True, text=True,
                              timeout=args.budget * 3 + 300)
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("SIDE ")), None)
        if line is None:
            raise SystemExit(f"{side} side failed: {proc.stderr.strip()[-800:]}")
        sides[side] = json.loads(line[5:])
        s = sides[side]
        print(f"{side:10s}: best val_accuracy {s['best_val_accuracy']} in {args.budget:.0f} s "
              f"({s['trials_completed']} trials completed, {s['epochs']} epochs, {s['image_size']} px)")
    ts, classic = sides["tunestudio"]["best_val_accuracy"], sides["classic"]["best_val_accuracy"]
    wins = ts is not None and (classic is None or ts > classic)
    tie = ts is not None and ts == classic
    print(f"TuneStudio's default search {'wins' if wins else 'ties' if tie else 'does not win'} "
          f"on {Path(args.data).name}")
    common.emit_result({"search_quality": {"tunestudio": ts, "classic": classic, "wins": wins, "tie": tie,
                                           "ratio": round(ts / classic, 3) if ts and classic else None,
                                           "budget_s": args.budget, "dataset": Path(args.data).name},
                        "sides": sides})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
