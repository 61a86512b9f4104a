"""Search quality within a wall-clock budget: TuneStudio's default search against two hand-written scripts.

    python bench/search_quality.py --data ../shared/datasets/flowers-train [--data DIR2] [--budget 600]
    python bench/search_quality.py                 # the bundled sample flowers, 60 s (a smoke run)

For each folder, a stratified share of the images (``--holdout``, default 20 %) is put aside first and
never shown to any side. Each side then gets the same remaining images (a folder of links), the same
wall-clock budget (scanning and decoding included, counted after TensorFlow is imported) and runs in
its own fresh process, one after the other:

* ``tunestudio``: ``SearchConfig(data_dir=..., time_budget=budget)``, every other option at its
  default, run by ``run_search``: the search plans itself within the budget.
* ``classic``: the plain CNN a person writes in five minutes (conv32-pool-conv64-pool-dense512-dropout,
  Adam 1e-3, early stopping with patience 5, 128 px for photos, the native size for small images).
* ``strong``: the small residual CNN of quality-facts.md written by hand (96 px for photos, the native
  size for small images; batch norm, augmentation, AdamW with warm-up and cosine decay, label
  smoothing, at most 15 epochs). Like a careful script under a budget it times its first batches and
  lays the schedule over the epochs that fit (shortening it if later epochs run slower), and keeps
  its best epoch. Its per-epoch curve is printed and returned (``history``).

Each folder also gets an epochs-per-budget figure: the epochs each side completed in the budget
(TuneStudio: all its trials' epochs), per 10 minutes, and TuneStudio's ratio to the strong script.
For the same net on both sides pass it, e.g. ``--tunestudio-config '{"width": 32, "depth": 4,
"image_size": 96}'`` (the strong net; at the native size for small images).

The score of each side is the accuracy of its final model (TuneStudio's final model as it exports it:
the best trial, or the average of the best few; the scripts' best epoch on their validation split)
on the held-out images. A timeline of TuneStudio's trials
shows how the budget was spent.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SIDES = ("tunestudio", "classic", "strong")


def holdout_split(data_dir: str, fraction: float, seed: int = 7) -> tuple[list[str], dict, list]:
    """(classes, {class: training files}, [(held-out file, class index)]), stratified and seeded."""
    from app.core.data.dataset import scan_dataset

    report = scan_dataset(data_dir)
    classes = report.usable_classes
    rng = random.Random(seed)
    train, held = {c: [] for c in classes}, []
    for c in classes:
        files = sorted(r.path for r in report.images if r.label == c)
        rng.shuffle(files)
        k = max(1, int(round(len(files) * fraction)))
        held += [(f, classes.index(c)) for f in files[:k]]
        train[c] = files[k:]
    return classes, train, held


def link_folder(train: dict, root: Path) -> Path:
    for c, files in train.items():
        (root / c).mkdir(parents=True)
        for i, f in enumerate(files):
            os.symlink(f, root / c / f"{i:05d}{Path(f).suffix.lower()}")
    return root


def _decode(paths, labels, size):
    from app.core.data.pipeline import load_split

    return load_split(list(paths), list(labels), size, "memory")


def _holdout_accuracy(predict, held, size) -> float:
    import numpy as np

    split = _decode([p for p, _ in held], [c for _, c in held], size)
    probs = predict(split.images)
    return float(np.mean(np.argmax(probs, -1) == split.labels))


# --------------------------------------------------------------------------- the sides


def run_tunestudio(data: str, held: list, budget: float, overrides: dict | None = None) -> dict:
    import numpy as np

    from app.core.options.config import SearchConfig
    from app.core.search.trials import load_trial_model
    from app.core.search.runner import run_search

    started = time.monotonic()
    timeline = []
    # A trial that has not ended 30 s after an epoch: the stacks of every thread go to this file, to
    # find where a trial's end waits (BENCHMARKS.md, session 9: trials ending 40-50 s after their last epoch).
    stall_file = open(os.path.join(tempfile.gettempdir(), f"tunestudio-bench-stall-{os.getpid()}.txt"), "w")

    def listener(event: dict) -> None:
        import faulthandler

        if event["type"] == "epoch_ended":
            faulthandler.dump_traceback_later(30, file=stall_file)
        elif event["type"] == "trial_ended":
            faulthandler.cancel_dump_traceback_later()
        t = round(time.monotonic() - started, 1)
        if event["type"] in ("trial_started", "trial_ended"):
            timeline.append({"t": t, "event": event["type"], "trial": event.get("number"),
                             "score": event.get("score"), "stopped": event.get("stopped"),
                             "epochs": event.get("epochs_run") or event.get("epochs_planned"),
                             "width": (event.get("hyperparameters") or {}).get("width")})
        elif event["type"] == "notice":
            timeline.append({"t": t, "event": "notice", "message": event.get("message")})
        elif event["type"] == "epoch_ended":  # epoch, the trial's planned epochs now, its objective
            timeline.append({"t": t, "event": "epoch", "epoch": event.get("epoch"), "of": event.get("epochs"),
                             "val": round((event.get("logs") or {}).get("val_accuracy") or 0, 3)})

    config = SearchConfig(data_dir=data, name="bench-quality", time_budget=budget).replace(**(overrides or {}))
    final = run_search(config, listener)
    seconds = time.monotonic() - started
    stall_file.close()
    # The final model, as `tunestudio export` writes it: the best trial, or the average of the best few.
    members = (final.get("final_model") or {}).get("trials") or [final["best_trial_id"]]
    models = [load_trial_model(final["search_dir"], trial_id) for trial_id in members]
    info = models[0][2]
    size = info["config"]["image_size"]

    def predict(x):
        return np.mean([m.predict(x, batch_size=64, verbose=0) for m, *_ in models], axis=0)

    acc = _holdout_accuracy(predict, held, size)
    best_alone = _holdout_accuracy(lambda x: models[0][0].predict(x, batch_size=64, verbose=0), held, size) \
        if len(models) > 1 else acc
    trials = final.get("trials", [])
    return {"holdout_accuracy": acc, "best_trial_holdout_accuracy": best_alone, "final_model": members,
            "val_accuracy": final.get("best_score"), "seconds": round(seconds, 1),
            "trials": len([t for t in trials if t["status"] == "COMPLETED"]),
            "epochs": sum(t.get("epochs_run") or 0 for t in trials), "image_size": size,
            "width": info["config"].get("width"), "batch_size": info["config"].get("batch_size"),
            "reason": final.get("reason"), "timeline": timeline}


class _Budget:
    """Stops a script's fit when the budget is spent and keeps its best epoch's weights."""

    def __new__(cls, started: float, budget: float):
        import keras

        class Budget(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.best, self.weights, self.epochs = -1.0, None, 0

            def on_epoch_end(self, epoch, logs=None):
                self.epochs += 1
                acc = float((logs or {}).get("val_accuracy", 0.0))
                if acc > self.best:
                    self.best, self.weights = acc, self.model.get_weights()
                if time.monotonic() - started > budget:
                    self.model.stop_training = True

            def on_train_batch_end(self, batch, logs=None):
                if time.monotonic() - started > budget:
                    self.model.stop_training = True

        return Budget()


def _script_result(model, budget_cb, started: float, held: list, size: int) -> dict:
    """A script's final model is its best epoch within the budget, scored on the held-out images."""
    if budget_cb.weights is not None:
        model.set_weights(budget_cb.weights)
    seconds = time.monotonic() - started
    acc = _holdout_accuracy(lambda x: model.predict(x, batch_size=64, verbose=0), held, size)
    return {"holdout_accuracy": acc, "val_accuracy": budget_cb.best, "seconds": round(seconds, 1), "trials": 1,
            "epochs": budget_cb.epochs, "image_size": size}


def _script_data(data: str, size: int, started: float):
    """What a script does: list the folder, split 80/20, decode into arrays."""
    from app.core.data.dataset import scan_dataset
    from app.core.data.splits import split_dataset

    report = scan_dataset(data)
    classes = report.usable_classes
    split = split_dataset(report, 0.2, 0.0, 42)
    rows = {k: ([r.path for r in v], [classes.index(r.label) for r in v]) for k, v in split.items()}
    return classes, _decode(*rows["train"], size), _decode(*rows["val"], size)


def run_classic(data: str, held: list, budget: float) -> dict:
    import keras

    from app.core.data.dataset_report import native_image_size
    from app.core.data.dataset import scan_dataset

    started = time.monotonic()
    native = native_image_size(scan_dataset(data).images)
    size = native if native <= 48 else 128  # nobody upscales 32 px images by hand
    classes, train, val = _script_data(data, size, started)
    model = keras.Sequential([
        keras.Input((size, size, 3)), keras.layers.Rescaling(1 / 255),
        keras.layers.Conv2D(32, 3, activation="relu", padding="same"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, activation="relu", padding="same"), keras.layers.MaxPooling2D(),
        keras.layers.Flatten(), keras.layers.Dense(512, activation="relu"), keras.layers.Dropout(0.5),
        keras.layers.Dense(len(classes), activation="softmax")])
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    budget_cb = _Budget(started, budget)
    model.fit(train.images, train.labels, validation_data=(val.images, val.labels), epochs=100, batch_size=32,
              callbacks=[keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True), budget_cb],
              verbose=0)
    return _script_result(model, budget_cb, started, held, size)


# Keras' BatchNormalization keeps moving statistics with momentum 0.99, starting from mean 0 and
# variance 1. This net's pre-BN variances are far from 1 (the stem sees 0-1 pixels: about 0.02, a
# ratio of 7 even with he_normal and of ~50 with Keras' default glorot_uniform), and at ~30 steps an
# epoch on flowers (3 on flowers-mini) 0.99 needs hundreds of steps to forget its start. Until then
# inference (validation, prediction) divides by a variance several times too large, the activations
# shrink layer after layer and the net predicts one class: training accuracy 0.8, validation at chance.
# Momentum 0.9 (PyTorch's default) forgets the start within an epoch on these small folders.
BN_MOMENTUM = 0.9


def _strong_schedule(peak: float, steps_per_epoch: int, epochs: int):
    """Linear warm-up over the first 1/15 of the steps to ``peak``, then cosine to 0. Its length in
    epochs is a variable (``.set_epochs``), so the plan can follow the epochs the budget affords
    without retracing the train step."""
    import keras
    from keras import ops

    class WarmupCosine(keras.optimizers.schedules.LearningRateSchedule):
        def __init__(self):
            self.total = keras.Variable(float(steps_per_epoch * epochs), trainable=False, dtype="float32")

        def set_epochs(self, n: int) -> None:
            self.total.assign(float(steps_per_epoch * n))

        def __call__(self, step):
            step = ops.cast(step, "float32")
            warmup = ops.maximum(1.0, ops.floor(self.total / 15.0))
            progress = ops.clip((step - warmup) / ops.maximum(1.0, self.total - warmup), 0.0, 1.0)
            cosine = 0.5 * peak * (1.0 + ops.cos(math.pi * progress))
            return ops.where(step < warmup, peak * (step + 1.0) / warmup, cosine)

        def get_config(self):
            return {"peak": peak, "steps_per_epoch": steps_per_epoch}

    return WarmupCosine()


class _EpochPlan:
    """What a careful script does under a budget: lay the schedule over the epochs that fit.

    After a few batches of the first epoch (the first batch holds the tracing and is not timed) it
    estimates an epoch (training steps plus the validation pass) and plans as many epochs as fit in
    the time left, at most ``max_epochs``; after each epoch it shortens the plan if the real epochs
    turn out slower, so the run ends at a low learning rate instead of being cut mid-schedule."""

    def __new__(cls, schedule, started: float, budget: float, steps_per_epoch: int, val_batches: int,
                max_epochs: int):
        import keras

        class EpochPlan(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.epochs, self.history, self._t = max_epochs, [], {}

            def _fit(self, epoch_seconds: float, done: int) -> int:
                left = budget - (time.monotonic() - started)
                return max(done, min(max_epochs, done + int(0.95 * left // max(epoch_seconds, 1e-3))))

            def on_epoch_begin(self, epoch, logs=None):
                self._t["epoch"] = time.monotonic()

            def on_train_batch_end(self, batch, logs=None):
                if self.history or batch > 5:
                    return
                if batch == 0:
                    self._t["first"] = time.monotonic()
                elif batch == 5 or batch == steps_per_epoch - 1:
                    step = (time.monotonic() - self._t["first"]) / batch
                    rest = (steps_per_epoch - batch - 1) * step + val_batches * step / 3
                    # The epoch under way finishes first; the whole epochs after it must fit.
                    left_after = budget - (time.monotonic() - started) - rest
                    whole = (steps_per_epoch + val_batches / 3) * step
                    self._plan(max(1, min(max_epochs, 1 + int(0.95 * left_after // whole))))

            def _plan(self, epochs: int) -> None:
                self.epochs, self._t["planned"] = epochs, True
                schedule.set_epochs(epochs)

            def on_epoch_end(self, epoch, logs=None):
                logs = logs or {}
                lr = float(keras.ops.convert_to_numpy(schedule(self.model.optimizer.iterations)))
                self.history.append({"epoch": epoch + 1, "seconds": round(time.monotonic() - self._t["epoch"], 1),
                                     "accuracy": round(float(logs.get("accuracy", 0)), 4),
                                     "val_accuracy": round(float(logs.get("val_accuracy", 0)), 4),
                                     "val_loss": round(float(logs.get("val_loss", 0)), 4),
                                     "learning_rate": float(f"{lr:.3g}"), "planned_epochs": self.epochs})
                print("strong epoch " + json.dumps(self.history[-1]), file=sys.stderr, flush=True)
                if "planned" not in self._t:
                    # One batch an epoch: no batch to time after the traced one, so plan from the
                    # second epoch (the first holds the tracing).
                    if epoch == 1:
                        self._plan(self._fit(self.history[-1]["seconds"], 2))
                elif epoch + 1 < self.epochs and epoch >= 1:
                    # Shorten only (the first epoch traced the graphs, so it is not the measure).
                    fit = self._fit(self.history[-1]["seconds"], epoch + 1)
                    if fit < self.epochs:
                        self.epochs = fit
                        schedule.set_epochs(fit)
                if epoch + 1 >= self.epochs:
                    self.model.stop_training = True

        return EpochPlan()


def run_strong(data: str, held: list, budget: float) -> dict:
    import keras
    from keras import layers

    from app.core.data.dataset_report import native_image_size
    from app.core.data.dataset import scan_dataset

    started = time.monotonic()
    native = native_image_size(scan_dataset(data).images)
    small = native <= 48
    size = native if small else 96
    classes, train, val = _script_data(data, size, started)
    max_epochs, batch = 15, 64
    conv = dict(padding="same", use_bias=False, kernel_initializer="he_normal")  # he_normal: ReLU nets

    def bn_relu(y):
        return layers.ReLU()(layers.BatchNormalization(momentum=BN_MOMENTUM)(y))

    def block(x, filters, stride):
        y = bn_relu(layers.Conv2D(filters, 3, strides=stride, **conv)(x))
        y = layers.BatchNormalization(momentum=BN_MOMENTUM)(layers.Conv2D(filters, 3, **conv)(y))
        if stride != 1 or x.shape[-1] != filters:
            x = layers.BatchNormalization(momentum=BN_MOMENTUM)(layers.Conv2D(filters, 1, strides=stride, **conv)(x))
        return layers.ReLU()(layers.Add()([x, y]))

    inputs = keras.Input((size, size, 3), dtype="uint8")
    x = layers.Rescaling(1 / 255)(inputs)
    x = layers.RandomFlip("horizontal")(x)
    x = layers.RandomTranslation(0.1, 0.1, fill_mode="reflect")(x)
    if not small:
        x = layers.RandomRotation(0.08, fill_mode="reflect")(x)
        x = layers.RandomZoom(0.15, fill_mode="reflect")(x)
    x = bn_relu(layers.Conv2D(32, 3, strides=1 if small else 2, **conv)(x))
    for filters, stride in ((32, 1), (64, 2), (128, 2), (256, 2)):
        x = block(x, filters, stride)
    x = layers.Dropout(0.2)(layers.GlobalAveragePooling2D()(x))
    model = keras.Model(inputs, layers.Dense(len(classes), activation="softmax")(x))
    steps_per_epoch = -(-len(train) // batch)
    schedule = _strong_schedule(3e-3, steps_per_epoch, max_epochs)
    model.compile(keras.optimizers.AdamW(schedule, weight_decay=5e-4),
                  keras.losses.CategoricalCrossentropy(label_smoothing=0.1), metrics=["accuracy"])
    budget_cb = _Budget(started, budget)
    plan = _EpochPlan(schedule, started, budget, steps_per_epoch, -(-len(val) // batch), max_epochs)
    onehot = keras.utils.to_categorical
    model.fit(train.images, onehot(train.labels, len(classes)), batch_size=batch, epochs=max_epochs,
              validation_data=(val.images, onehot(val.labels, len(classes))), callbacks=[plan, budget_cb],
              verbose=0)
    result = _script_result(model, budget_cb, started, held, size)
    result.update(planned_epochs=plan.epochs, history=plan.history)
    return result


# --------------------------------------------------------------------------- driver


def epochs_per_budget(sides: dict, budget: float) -> dict:
    """Epochs each side completed in the same budget (every trial's epochs for TuneStudio), scaled to
    10 minutes, and TuneStudio's ratio to the strong script (the same net as plain ``model.fit`` with
    augmentation layers in the model; pass the net with --tunestudio-config for a like-for-like count)."""
    figure = {side: {"epochs": r.get("epochs"), "per_10_min": round(r["epochs"] * 600 / budget, 1),
                     "median_epoch_s": _median_epoch_seconds(r)}
              for side, r in sides.items() if isinstance(r.get("epochs"), int)}
    ours, strong = figure.get("tunestudio"), figure.get("strong")
    if ours and strong and strong["epochs"]:
        figure["ratio_tunestudio_to_strong"] = round(ours["epochs"] / strong["epochs"], 2)
    if ours and strong and ours["median_epoch_s"] and strong["median_epoch_s"]:
        # The rate, free of either side's cap on epochs (the strong script stops at 15).
        figure["epoch_rate_ratio"] = round(strong["median_epoch_s"] / ours["median_epoch_s"], 2)
    return figure


def _median_epoch_seconds(result: dict) -> float | None:
    """A side's typical epoch (training and validation) once its graphs are traced: the median of its
    epochs after each trial's first (TuneStudio: from the timeline; the strong script: its history)."""
    times = [h["seconds"] for h in result.get("history", [])[1:]]
    last = None
    for item in result.get("timeline", []):
        if item["event"] == "trial_started":
            last = None
        elif item["event"] == "epoch":
            if last is not None:
                times.append(item["t"] - last)
            last = item["t"]
    times.sort()
    return round(times[len(times) // 2], 2) if times else None


def _side_main(args) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    spec = json.loads(Path(args.spec).read_text())
    os.environ["TUNESTUDIO_HOME"] = tempfile.mkdtemp(prefix="tunestudio-bench-home-")
    import keras  # noqa: F401 - the clock starts after TensorFlow is loaded
    import tensorflow  # noqa: F401

    keras.utils.set_random_seed(1)
    run = {"tunestudio": run_tunestudio, "classic": run_classic, "strong": run_strong}[args.side]
    held = [tuple(h) for h in spec["held"]]
    extra = {"overrides": spec["overrides"]} if args.side == "tunestudio" and spec.get("overrides") else {}
    print("SIDE " + json.dumps(run(spec["data"], held, spec["budget"], **extra)), flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append", help="an image folder (repeat for several)")
    parser.add_argument("--budget", type=float, default=None, help="seconds per side (default 600; 60 on the sample)")
    parser.add_argument("--holdout", type=float, default=0.2)
    parser.add_argument("--sides", default=",".join(SIDES))
    parser.add_argument("--out", help="write the JSON result here too")
    parser.add_argument("--tunestudio-config", default="{}", metavar="JSON",
                        help='SearchConfig fields the tunestudio side changes, e.g. \'{"image_size": 96}\'')
    parser.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        return _side_main(args)
    folders = args.data or [str(REPO / "resources" / "sample-flowers")]
    budget = args.budget or (600.0 if args.data else 60.0)
    results = {}
    for folder in folders:
        name = Path(folder).name
        classes, train, held = holdout_split(folder, args.holdout)
        work = Path(tempfile.mkdtemp(prefix="bench-quality-"))
        data = str(link_folder(train, work / name))
        spec = work / "spec.json"
        spec.write_text(json.dumps({"data": data, "held": held, "budget": budget,
                                    "overrides": json.loads(args.tunestudio_config)}))
        results[name] = {"held_out_images": len(held), "train_images": sum(map(len, train.values())),
                         "budget_s": budget, "sides": {}}
        for side in args.sides.split(","):
            t0 = time.monotonic()
            proc = subprocess.run([sys.executable, __file__, "--side", side, "--spec", str(spec)],
                                  capture_output=True, text=True, timeout=budget * 3 + 600)
            line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("SIDE ")), None)
            if line is None:
                results[name]["sides"][side] = {"error": proc.stderr.strip()[-1500:]}
                print(f"{name} {side}: FAILED\n{proc.stderr.strip()[-1500:]}", flush=True)
                continue
            r = json.loads(line[5:])
            r["wall_s"] = round(time.monotonic() - t0, 1)
            results[name]["sides"][side] = r
            print(f"{name:16s} {side:10s} held-out {r['holdout_accuracy']:.3f}  val {r['val_accuracy']:.3f}  "
                  f"{r['trials']} trial(s), {r['epochs']} epochs, {r['image_size']} px, {r['seconds']:.0f} s",
                  flush=True)
            if side == "tunestudio":
                for item in r["timeline"]:
                    print("    ", json.dumps(item), flush=True)
            for item in r.get("history", []):  # the strong script's epochs
                print("    ", json.dumps(item), flush=True)
        try:
            load = os.getloadavg()
        except OSError:
            load = None
        results[name]["load_average"] = load
        results[name]["epochs_per_budget"] = epochs_per_budget(results[name]["sides"], budget)
        print(f"{name:16s} epochs in the budget: " + json.dumps(results[name]["epochs_per_budget"]), flush=True)
    text = json.dumps({"search_quality": results}, indent=1)
    if args.out:
        Path(args.out).write_text(text)
    scores = {n: {s: v.get("holdout_accuracy") for s, v in r["sides"].items()} for n, r in results.items()}

    def won(folder: dict) -> bool:
        ours = folder.get("tunestudio")
        others = [v for k, v in folder.items() if k != "tunestudio"]
        return ours is not None and all(v is None or ours >= v for v in others)

    print("BENCH_RESULT " + json.dumps({"search_quality": {"wins": all(map(won, scores.values())), "held_out": scores,
                                                     "budget_s": budget}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
