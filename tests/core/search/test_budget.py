"""The budget planner with made-up timings (no TensorFlow): epochs per trial, cuts, pruning, plateau."""
import pytest

from app.core.search.planning.budget import (PRUNE_MARGIN, STOP_BUDGET, STOP_PRUNED, BudgetClock, BudgetPlanner,
                                    choose_first_width, choose_image_size, choose_width_and_size, prune_margin)
from app.core.options.validation import ConfigError
from app.core.options.config import SearchConfig
from app.core.options.duration import format_duration, parse_duration


class FakeTime:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def planner(budget, max_epochs=30, **kw):
    t = FakeTime()
    return BudgetPlanner(BudgetClock(budget, clock=t), max_epochs, **kw), t


def run_trial(p, t, epoch_s, scores, trial_id="t"):
    """Run a trial through the planner the way the runner does; return (epochs run, stopped)."""
    epochs = p.plan_trial(trial_id, epoch_s)
    if epochs is None:
        return 0, None
    done, stop = 0, None
    for score in scores:
        t.now += epoch_s
        total, stop = p.after_epoch(epoch_s, score)
        done += 1
        if stop or done >= total:
            break
    p.trial_finished(max(s for s in scores[:done]), scores[:done])
    return done, stop


def test_first_trial_plans_as_many_long_trials_as_fit():
    p, t = planner(600)
    # 26 epochs of 21 s fit in 560 s: one trial of 26 epochs, not two of 13 nor ten of 2.
    t.now = 40
    assert p.plan_trial("0", 21.0) == 26
    assert p.target_epochs == 26
    # Twice the budget holds 55 epochs: two trials of 27, each still long.
    p, t = planner(1200)
    t.now = 40
    assert p.plan_trial("0", 21.0) == 27
    assert p.expected_trials(21.0) == 2


def test_the_plan_is_told_with_what_a_search_of_several_trials_needs():
    p, t = planner(600)
    t.now = 40
    p.plan_trial("0", 21.0)
    t.now += 21
    p.after_epoch(21.0, 0.5)
    text = p.plan_summary(21.0)
    # 40 s before the first trial, then two trials of 20 epochs of 21 s: 880 s, told in minutes.
    assert text.startswith("This budget holds one trial of 26 epochs") and text.endswith("needs about 15m.")
    p, t = planner(3000)
    t.now = 40
    p.plan_trial("0", 21.0)
    assert p.plan_summary(21.0) == "This budget holds about 7 trials of 20 epochs each."


def test_without_a_budget_every_trial_gets_the_configured_epochs():
    p, t = planner(0, max_epochs=7)
    assert p.plan_trial("0", 100.0) == 7
    t.now = 10**6
    assert p.plan_trial("1", 100.0) == 7


def test_a_trial_is_shortened_when_its_epochs_turn_out_slower_and_ends_within_one_epoch():
    p, t = planner(300, max_epochs=10, min_trial_epochs=10)
    assert run_trial(p, t, 10.0, [0.5] * 10)[0] == 10  # 30 epochs of 10 s fit: trials of 10
    assert p.plan_trial("1", 10.0) == 10
    # This trial's epochs really take 40 s: after the first, only four more fit in the 160 s left.
    t.now += 40
    total, stop = p.after_epoch(40.0, 0.5)
    assert total == 5 and stop is None and p.current.stopped == STOP_BUDGET
    for _ in range(4):
        t.now += 40
        total, stop = p.after_epoch(40.0, 0.6)
    assert total == 5 and t.now <= 300


def test_a_trial_cut_for_a_slow_spell_gets_its_epochs_back_when_the_machine_is_fast_again():
    p, t = planner(400, max_epochs=30)
    assert p.plan_trial("0", 20.0) == 20  # one trial of the 20 epochs of 20 s that fit
    times = [20.0, 20.0, 40.0, 40.0, 40.0, 20.0, 20.0, 20.0] + [20.0] * 30
    totals = []
    for seconds in times:
        t.now += seconds
        total, stop = p.after_epoch(seconds, 0.5)
        totals.append(total)
        if stop or p.current.epochs_done >= total:
            break
    assert min(totals) < 20  # the slow spell shortened the trial ...
    assert totals[-1] == p.current.epochs_done == 17  # ... and the fast epochs after it won most back
    assert p.current.stopped == STOP_BUDGET and 400 - 20 < t.now <= 400  # ending on time, nothing left


def test_no_new_trial_when_the_rest_of_the_budget_is_too_short():
    p, t = planner(250, max_epochs=30, prune=False, min_trial_epochs=12)
    done, _ = run_trial(p, t, 10.0, [0.5 + 0.01 * i for i in range(30)])
    assert done == 12  # two trials of 12 epochs planned
    done, _ = run_trial(p, t, 10.0, [0.4] * 30, "1")
    assert done == 12 and t.now == 240
    assert p.plan_trial("2", 10.0) is None
    assert p.stop_kind == STOP_BUDGET and "too short for another useful trial" in p.stop_reason


def test_no_last_trial_much_shorter_than_the_others():
    # Two trials of 20 epochs of 10 s, then 95 s left: 9 epochs would fit, under 0.6 x 20 = 12.
    p, t = planner(495, max_epochs=20, prune=False, min_trial_epochs=20)
    assert run_trial(p, t, 10.0, [0.5 + 0.01 * i for i in range(20)])[0] == 20
    assert run_trial(p, t, 10.0, [0.4] * 20, "1")[0] == 20
    assert p.plan_trial("2", 10.0) is None
    assert p.stop_kind == STOP_BUDGET and "for 12 epochs" in p.stop_reason
    # With 125 s left, 12 epochs fit: the last trial runs, shortened.
    p, t = planner(525, max_epochs=20, prune=False, min_trial_epochs=20)
    run_trial(p, t, 10.0, [0.5] * 20)
    run_trial(p, t, 10.0, [0.4] * 20, "1")
    assert p.plan_trial("2", 10.0) == 12


def test_the_first_real_epoch_replans_a_wrong_estimate_both_ways():
    p, t = planner(600)
    assert p.plan_trial("0", 60.0) == 10  # the estimate said 60 s an epoch: one trial of 10
    t.now += 20
    total, stop = p.after_epoch(20.0, 0.5)  # it takes 20 s: 30 epochs fit, one trial of 30
    assert (total, stop) == (30, None) and p.target_epochs == 30
    p2, t2 = planner(600)
    assert p2.plan_trial("0", 10.0) == 20  # 60 epochs fit: three trials of 20
    t2.now += 40
    assert p2.after_epoch(40.0, 0.5) == (15, None)  # slower than thought: one trial of what fits


def test_the_first_trial_gets_one_epoch_even_when_scanning_spent_the_budget():
    p, t = planner(10)
    t.now = 30
    assert p.plan_trial("0", 5.0) == 1


def test_a_trial_clearly_behind_the_best_at_the_same_epoch_is_pruned():
    p, t = planner(1000, max_epochs=12, min_trial_epochs=12)
    good = [0.3, 0.45, 0.55, 0.6, 0.65, 0.7, 0.72, 0.74, 0.75, 0.76, 0.76, 0.77]
    assert run_trial(p, t, 10.0, good)[0] == 12
    bad = [0.2, 0.25, 0.3, 0.32, 0.33, 0.34, 0.35, 0.36, 0.37, 0.38, 0.39, 0.4]
    done, stop = run_trial(p, t, 10.0, bad, "1")
    assert stop == STOP_PRUNED and 2 <= done <= 5
    close = [g - 0.01 for g in good]
    assert run_trial(p, t, 10.0, close, "2") == (12, None)


def test_plateau_ends_the_search_and_says_so():
    p, t = planner(0, max_epochs=2, plateau_trials=3, prune=False)
    run_trial(p, t, 1.0, [0.5, 0.6])
    for i in range(3):
        assert p.plan_trial(str(i + 1), 1.0) == 2
        run_trial(p, t, 1.0, [0.4, 0.5], str(i + 1))
    assert p.plan_trial("9", 1.0) is None
    assert p.stop_kind == "plateau" and "3 trials" in p.stop_reason


def test_auto_image_size_and_first_width_follow_the_measured_epoch_times():
    # Photos: 128 px when one trial of 14 epochs (and 15 % spare) fits, else 96, else 64.
    assert choose_image_size(200, {128: 37, 96: 21, 64: 9}, 560, 30) == 96
    assert choose_image_size(200, {128: 37, 96: 21, 64: 9}, 3600, 30) == 128
    assert choose_image_size(200, {128: 37, 96: 21, 64: 9}, 100, 30) == 64
    assert choose_image_size(200, {128: 37, 96: 21, 64: 9}, float("inf"), 30) == 128
    assert choose_first_width([16, 32], {16: 12, 32: 40}, 560, 30) == 16
    assert choose_first_width([16, 32], {16: 12, 32: 20}, 560, 30) == 32


def test_auto_chooses_filters_before_pixels():
    # Measured at 96 px on flowers: 21 s (width 16) and 45 s (width 32) an epoch on a slow 2-core
    # machine. Width 32 at 64 px (20 s) fits a 14-epoch trial in 560 s; width 32 at 96 px does not.
    assert choose_width_and_size({16: 21, 32: 45}, 96, [128, 96, 64], 200, 560, 30) == (32, 64)
    # Twice as fast a machine: width 32 at 96 px fits 30 epochs, at 128 px 17: pixels first.
    assert choose_width_and_size({16: 9, 32: 18}, 96, [128, 96, 64], 200, 560, 30) == (32, 128)
    assert choose_width_and_size({16: 9, 32: 18}, 96, [128, 96, 64], 200, 400, 30) == (32, 96)
    # A budget where not even width 32 at 64 px fits: the narrow net, at the size it affords.
    assert choose_width_and_size({16: 21, 32: 45}, 96, [128, 96, 64], 200, 300, 30) == (16, 64)
    # A long budget: the widest and largest.
    assert choose_width_and_size({16: 21, 32: 45}, 96, [128, 96, 64], 200, 7200, 30) == (32, 128)


@pytest.mark.parametrize("text,seconds", [("10m", 600), ("90s", 90), ("2h", 7200), ("1h30m", 5400),
                                          ("600", 600), ("none", 0), ("no limit", 0), (45, 45)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_bad_durations_and_budgets_are_refused_with_the_field():
    with pytest.raises(ValueError, match="10m, 90s"):
        parse_duration("ten minutes")
    assert format_duration(5400) == "1h30m" and format_duration(0) == "no limit"
    errors = SearchConfig(time_budget=-1).validate(memory_bytes=2**40)
    assert [e.field for e in errors] == ["time_budget"]
    errors = SearchConfig(class_weights="sometimes").validate(memory_bytes=2**40)
    assert [e.field for e in errors] == ["class_weights"]
    with pytest.raises(ConfigError, match="default"):
        SearchConfig(dropout={"min": 0, "max": 0.5, "default": 0.9}).check(memory_bytes=2**40)


def test_pruning_looks_past_the_noise_of_a_small_validation_split():
    assert prune_margin(19, accuracy=True) == pytest.approx(0.5 / 19 ** 0.5)  # about two photos in 19
    assert prune_margin(587, accuracy=True) == PRUNE_MARGIN and prune_margin(19, accuracy=False) == PRUNE_MARGIN
    best = [0.2, 0.3, 0.4, 0.47, 0.53, 0.58, 0.63, 0.63, 0.63, 0.63]
    for margin, behind, pruned in ((PRUNE_MARGIN, 1, True), (prune_margin(19, True), 1, False),
                                   (prune_margin(19, True), 3, True)):
        p, t = planner(10_000, max_epochs=10, min_trial_epochs=10)
        p.prune_margin = margin
        run_trial(p, t, 1.0, best, "0")
        _, stopped = run_trial(p, t, 1.0, [round(v - behind / 19, 3) for v in best], "1")
        assert (stopped == STOP_PRUNED) is pruned, (margin, behind)


def test_the_trials_still_to_come_count_only_what_the_current_trial_still_needs():
    p, t = planner(600, max_epochs=10, min_trial_epochs=10)
    p.plan_trial("0", 10.0)
    for _ in range(5):
        t.now += 10
        p.after_epoch(10.0, 0.5)
    # 550 s left: this trial's last 5 epochs (50 s), then 5 trials of 100 s.
    assert p.expected_trials(10.0) == 6
