"""Small folders learn: the batch size follows the folder, so an epoch has several steps."""
from __future__ import annotations

import pytest

from app.core.options.config import SearchConfig
from app.core.options.options import parse_option_text
from app.core.options.option_table import OPTIONS
from app.core.search.planning.batch_fit import MIN_STEPS_PER_EPOCH, batch_for_folder, fit_batch_to_folder, resolve_epochs
from app.core.search.planning.budget import BudgetClock
from app.core.search.planning.search_plan import budget_planner


def test_batch_for_folder_gives_enough_steps_and_leaves_big_folders_alone():
    assert batch_for_folder(64, 61) == 8  # the bundled sample: 8 steps instead of 1
    assert batch_for_folder(64, 400) == 32  # 13 steps
    assert batch_for_folder(64, 2934) == 64
    assert batch_for_folder(16, 61) == 8
    assert batch_for_folder(4, 10) == 4  # never raised
    for count in (20, 61, 100, 300, 511):
        batch = batch_for_folder(64, count)
        assert -(-count // batch) >= MIN_STEPS_PER_EPOCH or batch == 8


def test_fit_batch_to_folder_changes_fixed_sizes_and_choices_and_says_so():
    config, notice = fit_batch_to_folder(SearchConfig(batch_size=64), 61)
    assert config.batch_size == 8 and "64 to 8" in notice
    config, notice = fit_batch_to_folder(SearchConfig(batch_size={"choices": [16, 64], "default": 64}), 200)
    assert config.batch_size == {"choices": [16], "default": 16} or config.batch_size == 16
    config, notice = fit_batch_to_folder(SearchConfig(batch_size={"choices": [16, 64], "default": 64}), 600)
    assert config.batch_size == {"choices": [16, 64], "default": 64} and notice is None
    assert fit_batch_to_folder(SearchConfig(batch_size=64), 5000) == (SearchConfig(batch_size=64), None)


def test_auto_epochs_give_a_small_folders_trials_enough_steps_and_keep_a_typed_number():
    assert SearchConfig().epochs == "auto"
    assert resolve_epochs(SearchConfig(), 61).epochs == 60  # the sample: 8 steps an epoch at batch 8, 480 steps
    assert resolve_epochs(SearchConfig(), 400).epochs == 37  # 13 steps at batch 32
    assert resolve_epochs(SearchConfig(), 2347).epochs == 30  # flowers: 37 steps at batch 64
    assert resolve_epochs(SearchConfig(), 16).epochs == 200  # 2 steps: capped
    assert resolve_epochs(SearchConfig(batch_size={"choices": [16, 64]}), 2347).epochs == 30
    assert resolve_epochs(SearchConfig(epochs=12), 61).epochs == 12  # the user's number is kept
    # Decided before or after the batch is fitted to the folder: the same epochs.
    fitted, _ = fit_batch_to_folder(SearchConfig(), 61)
    assert resolve_epochs(fitted, 61).epochs == 60
    epochs = next(o for o in OPTIONS if o.name == "epochs")
    assert parse_option_text(epochs, "auto") == "auto" and parse_option_text(epochs, "12") == 12
    assert SearchConfig(epochs="auto").validate() == [] and SearchConfig(epochs=0).validate()


def test_the_planner_counts_a_small_folders_long_trial_in_steps():
    clock = BudgetClock(600, clock=lambda: 0.0)
    sample = budget_planner(resolve_epochs(fit_batch_to_folder(SearchConfig(), 61)[0], 61), clock, 61)
    assert sample.plan_trial("0", 0.9) == 60  # about ten trials of 60 epochs, not thirty of 20
    flowers = budget_planner(resolve_epochs(SearchConfig(), 2347), clock, 2347)
    assert flowers.min_trial_epochs == 20 and flowers.max_epochs == 30  # as before
    typed = budget_planner(resolve_epochs(SearchConfig(epochs=30), 61), clock, 61)
    assert typed.plan_trial("0", 0.9) == 30  # the user's 30 epochs are the most a trial gets


@pytest.mark.slow
def test_a_tiny_folders_search_gets_at_least_four_steps_an_epoch(tmp_path):
    from app.core.search import events as ev
    from app.core.search.runner import run_search
    from tests.core.search.test_budget_search import config_for, make_folder

    data = make_folder(tmp_path / "d", {"red": 20, "green": 20, "blue": 20})
    log = ev.EventLog()
    final = run_search(config_for(data, batch_size=64, width=8, epochs=1, max_trials=1), log)
    assert final["status"] == "completed", final
    assert log.of_type(ev.TRIAL_STARTED)[0]["batch_size"] == 8
    assert max(e["steps"] for e in log.of_type(ev.BATCH_ENDED)) >= 4
    assert any(e.get("reason") == "batch_size" for e in log.of_type(ev.NOTICE))
    # The preparation stages come first, in order, each with the budget clock's reading.
    stages = [e["stage"] for e in log.of_type(ev.STAGE)]
    assert stages[:2] == ["scanning", "starting_tensorflow"] and stages[-1] == "loading"
    assert "measuring" in stages
    first_trial = next(i for i, e in enumerate(log.events) if e["type"] == ev.SEARCH_STARTED)
    assert all(e["type"] != ev.STAGE for e in log.events[first_trial:])
