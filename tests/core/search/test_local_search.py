"""Few trials in the budget: the next trials refine the best trial instead of sampling the whole space."""
import math
import random

from app.core.search.planning.budget import BudgetClock, BudgetPlanner
from app.core.search.local_search import LOG_FACTOR, install, local_values


class FakeTime:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_the_planner_counts_the_trials_the_budget_holds():
    t = FakeTime()
    p = BudgetPlanner(BudgetClock(1000, clock=t), 30)
    assert p.expected_trials(20.0) is None  # nothing planned yet
    assert p.plan_trial("0", 20.0) == 25  # 50 epochs of 20 s fit: two trials of 25
    assert p.expected_trials(20.0) == 2
    unlimited = BudgetPlanner(BudgetClock(0, clock=t), 30)
    unlimited.plan_trial("0", 20.0)
    assert unlimited.expected_trials(20.0) is None
    t2 = FakeTime()
    long = BudgetPlanner(BudgetClock(6000, clock=t2), 30)
    long.plan_trial("0", 20.0)
    assert long.expected_trials(20.0) > 4  # room for a real search


def _oracle(tmp_path):
    import keras_tuner as kt

    hps = kt.HyperParameters()
    hps.Float("learning_rate", 1e-3, 6e-3, sampling="log", default=3e-3)
    hps.Float("dropout", 0.0, 0.4, step=0.1, default=0.2)
    hps.Choice("width", [16, 32], default=16)
    hps.Boolean("augmentation", default=True)
    oracle = kt.oracles.RandomSearchOracle(objective=kt.Objective("val_accuracy", "max"), max_trials=20,
                                           hyperparameters=hps, seed=3)
    oracle._set_project_dir(str(tmp_path), "p")
    return oracle


def _complete(oracle, score):
    trial = oracle.create_trial("tuner0")
    oracle.update_trial(trial.trial_id, {"val_accuracy": score})
    trial.status = "COMPLETED"
    oracle.end_trial(trial)
    return trial


def test_refined_values_keep_the_choices_and_move_the_numbers_a_little(tmp_path):
    oracle = _oracle(tmp_path)
    best = _complete(oracle, 0.7).hyperparameters.values
    rng = random.Random(0)
    seen = set()
    for _ in range(15):
        values = local_values(oracle, rng)
        assert values["width"] == best["width"] and values["augmentation"] == best["augmentation"]
        ratio = values["learning_rate"] / best["learning_rate"]
        assert 1 / LOG_FACTOR - 1e-9 <= ratio <= LOG_FACTOR + 1e-9 and 1e-3 <= values["learning_rate"] <= 6e-3
        assert abs(values["dropout"] - best["dropout"]) <= 0.1 + 1e-9
        assert math.isclose(values["dropout"] * 10, round(values["dropout"] * 10))  # on the step grid
        assert values != best
        seen.add(round(values["learning_rate"], 6))
    assert len(seen) > 5  # not the same trial again and again


def test_the_switch_is_off_until_the_tuner_turns_it_on(tmp_path):
    oracle = _oracle(tmp_path)
    install(oracle, seed=1)
    best = _complete(oracle, 0.7).hyperparameters.values
    far = [oracle._random_values() for _ in range(20)]
    assert any(v["width"] != best["width"] or v["augmentation"] != best["augmentation"] for v in far)
    oracle.studio_local_search = True
    near = [oracle._random_values() for _ in range(10)]
    assert all(v["width"] == best["width"] and v["augmentation"] == best["augmentation"] for v in near)


def test_no_completed_trial_means_no_refinement(tmp_path):
    oracle = _oracle(tmp_path)
    assert local_values(oracle, random.Random(0)) is None
