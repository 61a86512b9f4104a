"""Progressive resizing: the sizes a trial's epochs get, their price for the budget planner, the
pipeline's batches at those sizes, and a model trained on them served at the target size."""
from __future__ import annotations

from functools import partial

import numpy as np

from app.core.data import resize_schedule as rs
from app.core.data.pipeline import SplitData, steps_per_epoch, training_dataset
from app.core.options.config import SearchConfig
from app.core.search.planning.budget import BudgetClock, BudgetPlanner


def test_small_sizes_early_and_the_target_for_the_last_epochs():
    sizes = [rs.size_at(e, 10, 96) for e in range(10)]
    assert sizes == [64, 64, 64, 64, 80, 80, 80, 96, 96, 96]
    assert [rs.size_at(e, 3, 128) for e in range(3)][-1] == 128  # the last planned epoch is full size
    assert [rs.size_at(e, 20, 32) for e in range(20)] == [32] * 20  # small images keep their size
    assert rs.size_at(0, 1, 96) == 96
    # An epoch at 64 of 96 px costs about half; the average epoch of a trial clearly less than one.
    assert 0.45 < rs.epoch_cost(0, 10, 96) < 0.6
    assert 0.6 < rs.mean_cost(20, 96) < 0.8
    assert rs.mean_cost(20, 32) == 1.0


def test_the_option_applies_to_photos_and_not_with_hyperband():
    assert rs.for_config(SearchConfig(image_size=96))
    assert not rs.for_config(SearchConfig(image_size=96, progressive_resizing=False))
    assert not rs.for_config(SearchConfig(image_size=32))
    assert not rs.for_config(SearchConfig(image_size=96, tuner="hyperband"))


class FakeTime:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def _run(planner, clock, full_epoch_s):
    """One trial through the planner, each epoch taking its real (size-dependent) time."""
    planned = planner.plan_trial("t", full_epoch_s)
    done = 0
    while True:
        seconds = full_epoch_s * (planner.epoch_cost(done, planned) if planner.epoch_cost else 1.0)
        clock.now += seconds
        planned, stop = planner.after_epoch(seconds, 0.5)
        done += 1
        if stop or done >= planned:
            return done


def test_the_planner_fits_more_cheap_epochs_and_still_ends_on_time():
    results = {}
    for resized in (False, True):
        clock = FakeTime()
        planner = BudgetPlanner(BudgetClock(300, clock=clock), max_epochs=60, min_trial_epochs=100)
        if resized:
            planner.epoch_cost = partial(rs.epoch_cost, target=96)
        results[resized] = (_run(planner, clock, 20.0), clock.now)
    (plain_epochs, plain_end), (resized_epochs, resized_end) = results[False], results[True]
    assert plain_epochs == 15 and plain_end <= 300
    assert resized_epochs >= 1.3 * plain_epochs  # 15 -> about 21 epochs in the same 300 s
    assert 270 <= resized_end <= 300  # the budget is used, not overrun


def test_the_pipeline_resizes_batches_after_augmentation_as_the_plan_says():
    rng = np.random.default_rng(0)
    split = SplitData(labels=np.arange(12, dtype=np.int32) % 3,
                      images=rng.integers(0, 256, (12, 96, 96, 3), dtype=np.uint8))
    schedule = rs.ResizeSchedule(96)
    schedule.plan(4)  # 64, 80, 96, 96 ... then re-planned below
    ds = training_dataset(split, 96, 4, seed=3, num_classes=3, resize=schedule)
    steps = steps_per_epoch(len(split), 4)
    it = iter(ds)
    first = [next(it)[0].shape[1] for _ in range(steps)]
    assert first == [64] * steps
    schedule.plan(2)  # shortened: epoch 1 is now the last, so at full size
    # Batches already prepared ahead (prefetch) keep the size they were made at; the next epoch's
    # batches follow the new plan.
    later = [next(it)[0] for _ in range(2 * steps)]
    assert {x.shape[1] for x in later} <= {64, 96}
    assert all(x.shape[1:] == (96, 96, 3) and x.dtype == np.uint8 for x in later[steps:])
    fresh = training_dataset(split, 96, 4, seed=3, num_classes=3, resize=schedule)
    assert [x.shape[1] for x, _ in fresh.take(2 * steps)] == [64] * steps + [96] * steps


def test_a_model_trained_on_smaller_images_serves_at_its_input_size():
    import keras_tuner as kt

    from app.core.model.models import build_model

    config = SearchConfig(architecture="resnet", image_size=64, width=8, depth=2, batch_size=4)
    model = build_model(config, kt.HyperParameters(), 3, steps_per_epoch=3)
    rng = np.random.default_rng(1)
    split = SplitData(labels=np.arange(12, dtype=np.int32) % 3,
                      images=rng.integers(0, 256, (12, 64, 64, 3), dtype=np.uint8))
    schedule = rs.ResizeSchedule(64)
    schedule.plan(3)
    ds = training_dataset(split, 64, 4, seed=1, num_classes=3, resize=schedule)
    history = model.fit(ds, steps_per_epoch=3, epochs=3, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.input_shape == (None, 64, 64, 3)
    assert model.predict(split.images[:2], verbose=0).shape == (2, 3)
