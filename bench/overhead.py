"""Training-path overhead: an epoch of TuneStudio's search versus plain ``model.fit``.

    python bench/overhead.py [--data DIR] [--epochs 8] [--rounds 2] [--image-size 32]

TuneStudio side: a real ``run_search`` (1-trial RandomSearch, every hyperparameter fixed), so the
epoch includes its tf.data pipeline from the image files, Keras Tuner's hooks and checkpointing,
the confusion-matrix metric, early stopping, TensorBoard logs and event reporting. Epoch times
come from the ``epoch_ended`` event timestamps.

Plain side: the same architecture (built by the same code, compiled with loss + accuracy only),
``model.fit`` on the same training images already decoded into a numpy array, same batch size,
same validation images, no callbacks but a timer.

The first epoch (decoding, caching, tracing) is left out on both sides; the figure is the ratio
of the median epoch times. Rounds alternate the two sides so a load change hits both.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def fixed_config(data_dir: str, image_size: int, epochs: int, batch_size: int):
    from app.core.options.config import Augmentation, SearchConfig

    return SearchConfig(
        data_dir=data_dir, name="bench-overhead", architecture="simple_cnn", image_size=image_size,
        width=32, depth=2, dense_units=128, dropout=0.2, l2=0.0, batch_norm=True,
        augmentation=Augmentation(enabled=False), optimizer="adam", learning_rate=1e-3,
        schedule="constant", batch_size=batch_size, epochs=epochs, max_trials=1,
        # Keep early stopping in the path but never let it cut the run short.
        early_stopping=True, patience=epochs, tensorboard=True, cache="memory")


def _durations(stamps: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """(wall seconds, process CPU seconds) between consecutive epoch ends."""
    wall = [b[0] - a[0] for a, b in zip(stamps, stamps[1:])]
    cpu = [b[1] - a[1] for a, b in zip(stamps, stamps[1:])]
    return wall, cpu


def tunestudio_epochs(config) -> tuple[list[float], list[float], dict]:
    """Wall and CPU seconds per epoch (from the second on) of a real one-trial search."""
    from app.core.search.runner import run_search

    stamps: list[tuple[float, float]] = []

    def listener(event: dict) -> None:
        # Called synchronously in the training thread, right after the epoch's work.
        if event["type"] == "epoch_ended":
            stamps.append((event["time"], time.process_time()))

    final = run_search(config, listener)
    if final["status"] != "completed":
        raise SystemExit(f"TuneStudio run failed: {final.get('error')}")
    return (*_durations(stamps), final)


def plain_epochs(config, search_dir: str) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds per epoch (from the second on) of plain model.fit on pre-decoded arrays."""
    import json

    import keras
    import keras_tuner as kt
    import numpy as np

    from app.core.model.models import build_model, make_optimizer
    from app.core.data.pipeline import load_split, steps_per_epoch

    info = json.loads((Path(search_dir) / "search.json").read_text())
    splits, classes = info["splits"], info["classes"]
    train = load_split([r[0] for r in splits["train"]], [r[1] for r in splits["train"]], config.image_size, "memory")
    val = load_split([r[0] for r in splits["val"]], [r[1] for r in splits["val"]], config.image_size, "memory")
    num_classes = len(classes)
    batch_size = int(config.batch_size)
    keras.backend.clear_session()
    hp = kt.HyperParameters()
    model = build_model(config, hp, num_classes, steps_per_epoch(len(train), batch_size))
    model.compile(optimizer=make_optimizer(config, hp, steps_per_epoch(len(train), batch_size)),
                  loss=keras.losses.CategoricalCrossentropy(), metrics=["accuracy"])
    stamps: list[tuple[float, float]] = []

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            stamps.append((time.time(), time.process_time()))

    y_train = np.eye(num_classes, dtype="float32")[train.labels]
    y_val = np.eye(num_classes, dtype="float32")[val.labels]
    model.fit(train.images, y_train, batch_size=batch_size, epochs=config.epochs, shuffle=True,
              validation_data=(val.images, y_val), callbacks=[EpochTimer()], verbose=0)
    return _durations(stamps)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(common.default_dataset()))
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    common.quiet_tensorflow()
    common.isolated_home()

    config = fixed_config(args.data, args.image_size, args.epochs, args.batch_size)
    studio, plain, studio_cpu, plain_cpu = [], [], [], []
    for round_number in range(args.rounds):
        wall, cpu, final = tunestudio_epochs(config)
        studio += wall
        studio_cpu += cpu
        plain_wall, plain_cpu_round = plain_epochs(config, final["search_dir"])
        plain += plain_wall
        plain_cpu += plain_cpu_round
        print(f"round {round_number + 1}: median epoch TuneStudio {statistics.median(wall) * 1000:.0f} ms "
              f"(CPU {statistics.median(cpu) * 1000:.0f} ms), plain fit {statistics.median(plain_wall) * 1000:.0f} ms "
              f"(CPU {statistics.median(plain_cpu_round) * 1000:.0f} ms)")
    studio_ms = statistics.median(studio) * 1000
    plain_ms = statistics.median(plain) * 1000
    ratio = studio_ms / plain_ms
    cpu_ratio = statistics.median(studio_cpu) / statistics.median(plain_cpu)
    print(f"epoch (after the first): TuneStudio {studio_ms:.0f} ms, plain model.fit {plain_ms:.0f} ms, "
          f"ratio {ratio:.3f}; CPU-time ratio {cpu_ratio:.3f} ({len(studio)} + {len(plain)} epochs, "
          f"{Path(args.data).name}, {args.image_size} px, batch {args.batch_size}, "
          f"load {common.load_average()[0]:.1f})")
    common.emit_result({"overhead_ratio": round(ratio, 3), "overhead_ratio_cpu": round(cpu_ratio, 3),
                        "tunestudio_epoch_ms": round(studio_ms, 1), "plain_epoch_ms": round(plain_ms, 1),
                        "epochs_measured": len(studio), "dataset": Path(args.data).name,
                        "image_size": args.image_size,
                        "studio_epochs_ms": [round(x * 1000, 1) for x in studio],
                        "plain_epochs_ms": [round(x * 1000, 1) for x in plain],
                        "studio_epochs_cpu_ms": [round(x * 1000, 1) for x in studio_cpu],
                        "plain_epochs_cpu_ms": [round(x * 1000, 1) for x in plain_cpu]})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
