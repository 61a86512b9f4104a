"""Budgeted searches on real TensorFlow with tiny generated images: on time, stop keeps the trial,
class weights, the locked test split, conditional hyperparameters, the estimate, big scans in a child."""
import json
import multiprocessing as mp
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.core.search import events as ev
from app.core.options.config import SearchConfig
from app.core.search.search_dir import load_search_info
from app.core.search.runner import run_search

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def _keras_loaded():
    """Imported before the tests: the budgets below are for searching, not for loading TensorFlow
    (and not at collection, which ``make test-fast`` would pay for without a single slow test)."""
    import keras  # noqa: F401


def make_folder(root: Path, counts: dict, size: int = 16, seed: int = 0) -> Path:
    """Class-coloured noisy squares: learnable in an epoch or two."""
    rng = np.random.default_rng(seed)
    colours = [(220, 40, 40), (40, 200, 60), (50, 60, 230), (200, 200, 40)]
    for i, (name, n) in enumerate(counts.items()):
        (root / name).mkdir(parents=True)
        for j in range(n):
            base = np.array(colours[i % len(colours)], np.float32)
            img = np.clip(base + rng.normal(0, 40, (size, size, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(img).save(root / name / f"{j:03d}.png")
    return root


def config_for(data, **changes) -> SearchConfig:
    base = dict(data_dir=str(data), architecture="simple_cnn", image_size=16, width={"choices": [8, 16]},
                depth=1, dense_units=16, batch_size=8, tensorboard=False, seed=3, epochs=3, max_trials=3,
                augmentation={"enabled": False}, time_budget=0)
    base.update(changes)
    return SearchConfig().replace(**base)


def test_a_short_budget_ends_on_time_with_the_best_trial_kept(tmp_path):
    data = make_folder(tmp_path / "d", {"red": 12, "green": 12, "blue": 12})
    log = ev.EventLog()
    budget = 12.0  # a few tiny trials; the assertions hold for any budget
    config = config_for(data, time_budget=budget, max_trials=1000, epochs=50, plateau_trials=0)
    started = time.monotonic()
    final = run_search(config, log)
    wall = time.monotonic() - started
    assert final["status"] == "completed", final
    assert "budget" in final["reason"].lower()
    # Ends within the budget plus one epoch (the longest one measured, tracing included).
    epoch_times, last = [], None
    for e in log.events:
        if e["type"] == ev.TRIAL_STARTED:
            last = e["time"]
        elif e["type"] == ev.EPOCH_ENDED:
            epoch_times.append(e["time"] - last)
            last = e["time"]
    # On a loaded machine the set-up alone (TensorFlow, the estimate) may outlast the budget; the
    # first trial then still gets its one epoch. Either way no more than one epoch past the later.
    run_start = final["time"] - final["elapsed"]
    first_trial = log.of_type(ev.TRIAL_STARTED)[0]["time"] - run_start
    limit = max(budget, first_trial) + max(epoch_times) + 2.0
    assert final["elapsed"] <= limit, (final["elapsed"], first_trial, epoch_times)
    assert wall <= limit + 8.0
    assert final["best_trial_id"] is not None and final["best_score"] is not None
    started_event = log.of_type(ev.SEARCH_STARTED)[0]
    assert started_event["time_budget"] == budget and started_event["budget_spent_before"] == 0
    # Every epoch reports the budget; the first trial is the known-good configuration (the defaults).
    assert all(e["budget_remaining"] is not None for e in log.of_type(ev.EPOCH_ENDED))
    first = log.of_type(ev.TRIAL_STARTED)[0]["hyperparameters"]
    assert first["dropout"] == config.dropout["default"] and first["learning_rate"] == config.learning_rate["default"]
    assert first["label_smoothing"] == 0.1 and first["augmentation"] is False
    info = load_search_info(final["search_dir"])
    assert info["budget_spent"] == pytest.approx(final["elapsed"], rel=0.05)
    # The plan is told after the first real epoch: how many trials of how many epochs (not when a
    # loaded machine spent the whole budget before the first trial, which then gets 1 epoch), and
    # told again only as a re-plan when measured times change it (app/core/search/planning/plan_notice.py).
    plans = [e for e in log.of_type(ev.NOTICE) if e.get("reason") == "plan"]
    if first_trial < budget:
        assert plans
    if plans:
        assert plans[0]["message"].startswith("This budget holds")
        assert all(p["message"].startswith("Re-planned with the measured times") for p in plans[1:])
        assert log.events.index(plans[0]) > log.events.index(log.of_type(ev.TRIAL_STARTED)[0])


def test_stop_keeps_a_trial_that_finished_an_epoch_and_it_exports(tmp_path):
    data = make_folder(tmp_path / "d", {"red": 10, "green": 10, "blue": 10})
    cancel = mp.Event()
    log = ev.EventLog()

    def listener(event):
        log(event)
        if event["type"] == ev.EPOCH_ENDED and event["epoch"] == 0:
            cancel.set()

    final = run_search(config_for(data, epochs=6, max_trials=2), listener, cancel=cancel)
    assert final["status"] == "cancelled"
    ended = log.of_type(ev.TRIAL_ENDED)
    assert len(ended) == 1 and ended[0]["status"] == "COMPLETED" and ended[0]["stopped"] == "user"
    assert 1 <= ended[0]["epochs_run"] < 6
    assert final["best_trial_id"] == ended[0]["trial_id"]

    from app.core.export.export import export_trial

    card = export_trial(final["search_dir"], tmp_path / "out")
    assert card["trial_id"] == ended[0]["trial_id"] and card["self_check"]["passed"]


def test_class_weights_turn_on_for_heavy_imbalance_and_the_test_split_is_scored_once(tmp_path):
    data = make_folder(tmp_path / "d", {"many": 40, "few": 4})
    log = ev.EventLog()
    final = run_search(config_for(data, max_trials=1, epochs=2, test_fraction=0.25), log)
    assert final["status"] == "completed", final
    assert log.of_type(ev.SEARCH_STARTED)[0]["class_weights"] is True
    assert any("class weights on" in e["message"] for e in log.of_type(ev.NOTICE))
    assert log.of_type(ev.SEARCH_STARTED)[0]["test_count"] >= 2
    assert 0.0 <= final["test_accuracy"] <= 1.0
    info = load_search_info(final["search_dir"])
    assert info["test_scores"] == {final["best_trial_id"]: final["test_accuracy"]}

    from app.core.export.export import export_trial

    card = export_trial(final["search_dir"], tmp_path / "out")
    assert card["test_accuracy"] == final["test_accuracy"]
    # Off when asked, even for an imbalanced folder (decided before any trial: stop at the start).
    log2, cancel = ev.EventLog(), mp.Event()

    def stop_at_start(event):
        log2(event)
        if event["type"] == ev.SEARCH_STARTED:
            cancel.set()

    run_search(config_for(data, max_trials=1, epochs=1, class_weights=False), stop_at_start, cancel=cancel)
    assert log2.of_type(ev.SEARCH_STARTED)[0]["class_weights"] is False
    assert not any("class weights on" in e["message"] for e in log2.of_type(ev.NOTICE))


def test_balanced_class_weights_average_one():
    from app.core.data.dataset_report import balanced_class_weights, heavily_imbalanced

    weights = balanced_class_weights([40, 4])
    assert weights[1] == pytest.approx(10 * weights[0])
    assert (40 * weights[0] + 4 * weights[1]) / 44 == pytest.approx(1.0)
    assert heavily_imbalanced({"a": 40, "b": 4}) and not heavily_imbalanced({"a": 40, "b": 20})


def test_momentum_is_not_searched_with_adam_and_is_with_sgd():
    import keras_tuner as kt

    from app.core.model.models import build_model

    for optimizer, has_momentum, has_decay in (("adam", False, False), ("adamw", False, True),
                                               ({"choices": ["adam", "sgd"]}, True, False)):
        hp = kt.HyperParameters()
        build_model(config_for("x", optimizer=optimizer, momentum={"min": 0.8, "max": 0.99}), hp, 3, 10)
        names = {h.name for h in hp.space}
        assert ("momentum" in names) == has_momentum
        assert ("weight_decay" in names) == has_decay
    # With the optimizer searched, momentum is active only for SGD.
    hp = kt.HyperParameters()
    hp.values["optimizer"] = "adam"
    build_model(config_for("x", optimizer={"choices": ["adam", "sgd"]}, momentum={"min": 0.8, "max": 0.99}),
                hp, 3, 10)
    momentum = next(h for h in hp.space if h.name == "momentum")
    assert not hp.is_active(momentum)


def test_the_estimate_leaves_out_a_width_that_cannot_fit(tmp_path):
    from app.core.search.planning.estimate import estimate_candidate, plan_search

    config = config_for(tmp_path, architecture="resnet", image_size=32, width={"choices": [8, 64]}, depth=2,
                        batch_size=32)
    small = estimate_candidate(config, 3, 100, 20, 32, 8, 32, None)
    large = estimate_candidate(config, 3, 100, 20, 32, 64, 32, None)
    assert small.params < large.params and small.activation_bytes < large.activation_bytes
    assert small.epoch_seconds and small.epoch_seconds < large.epoch_seconds
    memory = int((small.activation_bytes + large.activation_bytes) / 2 / 0.6)
    plan = plan_search(config, 32, 3, 100, 20, 600.0, memory_bytes=memory, measure=False)
    assert plan.config.width == 8
    assert any("Width 64" in n and "left out" in n for n in plan.notices)
    with pytest.raises(Exception, match="No candidate model fits"):
        plan_search(config, 32, 3, 100, 20, 600.0, memory_bytes=small.activation_bytes // 10, measure=False)


def test_auto_image_size_keeps_small_native_images(tmp_path):
    from app.core.search.planning.estimate import plan_search

    plan = plan_search(config_for(tmp_path, image_size="auto"), 24, 3, 100, 20, 600.0, measure=False)
    assert plan.config.image_size == 24
    photos = plan_search(config_for(tmp_path, image_size="auto"), 400, 3, 100, 20, 600.0, measure=False)
    assert photos.config.image_size in (64, 96, 128)


def test_the_estimate_times_real_training_steps_of_a_candidate_that_could_be_chosen(tmp_path):
    from app.core.search.planning.estimate import estimate_candidate

    config = config_for(tmp_path, architecture="resnet", image_size=16, width={"choices": [4, 8]}, depth=2,
                        batch_size=8)
    timed = estimate_candidate(config, 3, 80, 16, 16, 4, 8, None, measure=True)
    arithmetic = estimate_candidate(config, 3, 80, 16, 16, 4, 8, None)
    # A real step of a tiny net costs far more than its arithmetic (framework overhead per op).
    assert timed.step_seconds > arithmetic.step_seconds > 0
    assert timed.epoch_seconds == pytest.approx(timed.step_seconds * (10 + 2 / 3))  # 10 steps + validation
    skipped = estimate_candidate(config, 3, 80, 16, 16, 4, 8, None, measure=True, measure_limit=0.0)
    assert skipped.step_seconds == pytest.approx(arithmetic.step_seconds, rel=0.5)  # not timed: arithmetic


def _scan_in_child(folder, threshold, out):
    from app.core.data import dataset

    dataset.PROCESS_THRESHOLD = threshold  # so that a small folder counts as a big first scan
    report = dataset.scan_dataset(folder, use_cache=False)
    out.put((len(report.images), report.stats.get("workers")))


def test_a_big_scan_inside_a_daemonic_training_child_uses_no_process_pool(tmp_path):
    data = make_folder(tmp_path / "d", {"a": 30, "b": 30}, size=8)
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    child = ctx.Process(target=_scan_in_child, args=(str(data), 10, out), daemon=True)
    child.start()
    images, _ = out.get(timeout=120)
    child.join(timeout=60)
    assert child.exitcode == 0 and images == 60
