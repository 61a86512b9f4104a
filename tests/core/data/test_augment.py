"""Augmentation in the tf.data pipeline: seeded, reproducible, and absent from the model (imports TensorFlow)."""
from __future__ import annotations

import numpy as np

from app.core.data.pipeline import SplitData, steps_per_epoch, training_dataset
from app.core.options.config import Augmentation, SearchConfig

AUG = Augmentation(flip="horizontal", rotation=0.1, zoom=0.15, translation=0.1, contrast=0.2)


def _split(count=10, size=56):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (count, size, size, 3), dtype=np.uint8)
    return SplitData(labels=np.arange(count, dtype=np.int32) % 3, images=images)


def _epochs(split, seed, epochs=2, batch=4, augmentation=AUG):
    ds = training_dataset(split, 56, batch, seed, num_classes=3, augmentation=augmentation)
    steps = steps_per_epoch(len(split), batch)
    batches = [(x.numpy(), y.numpy()) for x, y in ds.take(steps * epochs)]
    return [batches[i * steps:(i + 1) * steps] for i in range(epochs)]


def test_pipeline_augmentation_is_seeded_and_reproducible():
    split = _split()
    first, again, other = _epochs(split, 7), _epochs(split, 7), _epochs(split, 8)
    same = [np.array_equal(a[0], b[0]) for ea, eb in zip(first, again) for a, b in zip(ea, eb)]
    assert all(same)
    assert any(not np.array_equal(a[0], b[0]) for ea, eb in zip(first, other) for a, b in zip(ea, eb))
    # Each epoch is a new order and new random changes, yet every image appears once an epoch.
    epoch0, epoch1 = first
    assert not all(np.array_equal(a[0], b[0]) for a, b in zip(epoch0, epoch1))
    assert sorted(np.concatenate([y.argmax(1) for _, y in epoch0]).tolist()) == sorted(split.labels.tolist())
    assert all(x.dtype == np.uint8 and x.shape[1:] == (56, 56, 3) for x, _ in epoch0)


def test_pipeline_changes_the_pixels_only_when_augmenting():
    split = _split(count=4)
    plain = _epochs(split, 1, epochs=1, batch=4, augmentation=None)[0][0]
    augmented = _epochs(split, 1, epochs=1, batch=4)[0][0]
    assert np.array_equal(plain[1], augmented[1])  # same shuffle: the labels line up
    originals = {img.tobytes() for img in split.images}
    assert all(img.tobytes() in originals for img in plain[0])
    assert not any(img.tobytes() in originals for img in augmented[0])


def test_the_model_and_so_the_export_has_no_random_layers():
    import keras_tuner as kt

    from app.core.model.models import build_model

    config = SearchConfig(architecture="resnet", image_size=56, width=8, depth=2, batch_size=4,
                          augmentation=Augmentation(enabled=True, rotation=0.2, zoom=0.2, contrast=0.2))
    hp = kt.HyperParameters()
    model = build_model(config, hp, 3, steps_per_epoch=3)
    assert hp.values["augmentation"] is True  # still searched: the pipeline applies it
    names = [type(layer).__name__ for layer in model.layers]
    assert not [n for n in names if n.startswith("Random")], names
