"""A/B in one run: random augmentation as Keras layers in the model (before, issue 24) against the
tf.data pipeline's augmentation on parallel calls (after), same net, same data, same process.

    python bench/augment_ab.py --data ../shared/datasets/cifar10-mini [--epochs 3] [--rounds 2]

Both sides train the first trial's model of the default search (build_model, the residual net) with
``model.fit`` for ``--epochs`` epochs after one warm-up epoch (tracing), alternating A, B, A, B so a
change of load hits both. Prints steps/s, seconds an epoch, and the epochs that would fit in 10
minutes for this folder, with the load average. Timings are the machine's; compare only within a run.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _data(folder: str, size: int):
    from app.core.data.dataset import scan_dataset
    from app.core.data.pipeline import load_split

    report = scan_dataset(folder)
    classes = report.usable_classes
    rows = [(r.path, classes.index(r.label)) for r in report.images if r.label in classes]
    return load_split([p for p, _ in rows], [c for _, c in rows], size, "memory"), len(classes)


def _model(config, num_classes: int, steps: int, in_model: bool, jit: bool = False):
    """The default first trial's model; ``in_model`` puts Keras augmentation layers in front of it."""
    import keras
    import keras_tuner as kt

    from app.core.model.models import build_model

    net = build_model(config, kt.HyperParameters(), num_classes, steps)
    if not in_model:  # compiled as the other side is (its metrics), with or without XLA
        net.compile(optimizer=net.optimizer, loss=net.loss, metrics=["accuracy"], jit_compile=jit)
        return net
    aug = config.augmentation
    small = config.image_size <= 48
    inputs = keras.Input(net.input_shape[1:], dtype="uint8")
    x = keras.layers.Rescaling(1.0)(inputs)
    x = keras.layers.RandomFlip(aug.flip, seed=1)(x)
    if not small:
        x = keras.layers.RandomRotation(aug.rotation, fill_mode="reflect", seed=1)(x)
        x = keras.layers.RandomZoom(aug.zoom, fill_mode="reflect", seed=1)(x)
    x = keras.layers.RandomTranslation(aug.translation, aug.translation, fill_mode="reflect", seed=1)(x)
    model = keras.Model(inputs, net(keras.ops.cast(x, "uint8")))
    model.compile(optimizer=net.optimizer, loss=net.loss, metrics=["accuracy"], jit_compile=jit)
    return model


def run_side(side: str, split, num_classes: int, config, epochs: int) -> dict:
    import keras

    from app.core.data.pipeline import make_dataset, steps_per_epoch, training_dataset

    batch = int(config.batch_size)
    steps = steps_per_epoch(len(split), batch)
    keras.backend.clear_session()
    model = _model(config, num_classes, steps, in_model=side.startswith("layers"), jit=side.endswith("+xla"))
    if side.startswith("layers"):
        ds = make_dataset(split, config.image_size, batch, True, 1, num_classes)
        fit = dict(x=ds)
    else:
        ds = training_dataset(split, config.image_size, batch, 1, num_classes, config.augmentation)
        fit = dict(x=ds, steps_per_epoch=steps)
    model.fit(epochs=1, verbose=0, **fit)  # warm-up: tracing
    started = time.perf_counter()
    model.fit(epochs=epochs, verbose=0, **fit)
    seconds = (time.perf_counter() - started) / epochs
    return {"side": side, "epoch_s": round(seconds, 2), "steps_per_s": round(steps / seconds, 2),
            "epochs_per_10_min": round(600 / seconds, 1), "cpu_s_per_epoch": None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--size", type=int, default=0, help="image size (default: 32 for small images, else 96)")
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sides", default="layers,pipeline",
                        help="of layers, pipeline, layers+xla, pipeline+xla")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from app.core.data.dataset import scan_dataset
    from app.core.data.dataset_report import native_image_size
    from app.core.options.config import SearchConfig

    size = args.size or (32 if native_image_size(scan_dataset(args.data).images) <= 48 else 96)
    split, num_classes = _data(args.data, size)
    config = SearchConfig(data_dir=args.data, image_size=size, width=args.width, batch_size=64,
                          architecture="resnet")
    results = []
    for _ in range(args.rounds):
        for side in args.sides.split(","):
            cpu0 = time.process_time()
            r = run_side(side, split, num_classes, config, args.epochs)
            r["cpu_s_per_epoch"] = round((time.process_time() - cpu0) / (args.epochs + 1), 1)
            results.append(r)
            print(json.dumps(r), flush=True)
    print("BENCH_RESULT " + json.dumps({"augment_ab": {"data": Path(args.data).name, "size": size,
                                                       "images": len(split), "runs": results,
                                                       "load_average": os.getloadavg()}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
