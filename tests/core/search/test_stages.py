"""A plan the user can trust: preparation stages with the budget clock, and a plan notice re-issued
when the measured times change it, in the right order (a fake clock, no TensorFlow)."""
from __future__ import annotations

from app.core.search import events as ev
from app.core.search.planning.budget import BudgetClock, BudgetPlanner
from app.core.search.planning.plan_notice import PlanNotices
from app.core.search.search_state import SearchState
from app.core.search.stages import LOADING, MEASURING, SCANNING, STARTING_TENSORFLOW, StageReporter, stage_text


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_stages_then_the_plan_then_a_new_plan_when_more_trials_run():
    fake = FakeClock()
    clock = BudgetClock(600, clock=fake)
    events: list[dict] = []
    state = SearchState(clock=fake)

    def emit(event: dict) -> None:
        events.append(event)
        state.handle_event(event)

    stages = StageReporter(emit, clock)
    stages(SCANNING)
    fake.now += 5
    stages(STARTING_TENSORFLOW)
    fake.now += 20
    progress = stages.progress(MEASURING)
    for done in range(3):
        progress(done, 2)
        fake.now += 10
    stages(LOADING)
    fake.now += 5
    # The budget has counted since the first stage, and the window's clock says so before any trial.
    assert state.status == "preparing" and round(state.budget_spent()) == 60
    assert "Decoding the images" in state.status_text() and "1:00 of 10:00" in state.status_text()
    assert stage_text(events[3]) == "Measuring this machine: 1 of 2 candidates…"

    planner = BudgetPlanner(clock, max_epochs=50)
    notices = PlanNotices()

    def say(text):
        if text:
            emit(ev.make_event(ev.NOTICE, level="info", reason="plan", message=text))

    planner.plan_trial("0", None)
    for epoch in range(5):  # early stopping ends trial 1 after 5 of its planned epochs
        fake.now += 20
        planner.after_epoch(20.0, 0.5 + epoch / 100)
        say(notices.after_epoch(planner, 20.0, 1))
    planner.trial_finished(0.54, [0.5, 0.51, 0.52, 0.53, 0.54])
    planner.plan_trial("1", 20.0)
    say(notices.at_trial_start(planner, 20.0, 2))

    kinds = [(e["type"], e.get("stage") or e.get("reason")) for e in events]
    assert kinds == [("stage", SCANNING), ("stage", STARTING_TENSORFLOW), ("stage", MEASURING),
                     ("stage", MEASURING), ("stage", MEASURING), ("stage", LOADING),
                     ("notice", "plan"), ("notice", "plan")]
    spent = [e["budget_spent"] for e in events if e["type"] == "stage"]
    assert spent == sorted(spent) and spent[0] == 0 and spent[-1] == 55
    first, second = (e["message"] for e in events if e["type"] == "notice")
    assert first.startswith("This budget holds one trial")
    # The second trial was never promised: a new notice says how many the budget now holds.
    assert "Re-planned" in second and "1 trial(s) finished" in second and "holds one trial" not in second


def test_the_plan_is_not_re_issued_for_every_wobble_of_an_epoch():
    fake = FakeClock()
    clock = BudgetClock(600, clock=fake)
    planner = BudgetPlanner(clock, max_epochs=50)
    notices = PlanNotices()
    planner.plan_trial("0", None)
    said = []
    for seconds in (10.0, 11.0, 9.0, 12.0, 8.0, 13.0):
        fake.now += seconds
        planner.after_epoch(seconds, 0.5)
        text = notices.after_epoch(planner, seconds, 1)
        if text:
            said.append(text)
    assert 1 <= len(said) <= 2  # the plan, and at most one correction while this trial runs


def test_the_command_line_shows_the_stage_and_the_budget_clock(capsys):
    from app.cli.progress import TerminalProgress

    fake = FakeClock()
    clock = BudgetClock(600, clock=fake)
    progress = TerminalProgress(enabled=True)
    fake.now += 42
    StageReporter(progress, clock)(MEASURING, 1, 3)
    line = capsys.readouterr().err
    assert "Measuring this machine: 1 of 3 candidates" in line and "0:42 of 10:00" in line


def test_a_re_plan_says_what_is_still_to_come_not_the_total():
    fake = FakeClock()
    planner = BudgetPlanner(BudgetClock(300, clock=fake), max_epochs=5, min_trial_epochs=5)
    notices = PlanNotices()
    for number in (1, 2):  # two trials of 5 epochs of 10 s
        planner.plan_trial(str(number), 10.0)
        for _ in range(5):
            fake.now += 10
            planner.after_epoch(10.0, 0.5)
        planner.trial_finished(0.5, [0.5] * 5)
    notices.said_trials = 2  # the first notice promised two trials
    fake.now = 1240  # the third trial just fits: 60 s left
    planner.plan_trial("3", 10.0)
    text = notices.at_trial_start(planner, 10.0, 3)
    assert text == ("Re-planned with the measured times (2 trial(s) finished, 1 min left): this trial is the last "
                    "one the budget holds.")
    assert text.id == "search.replan_last" and text.fields["done"] == 2
    fake.now = 1100  # had the budget been bigger: the trials still to come are counted, not the total
    more = notices._replan_text(planner, 5)
    assert "about 2 more trial(s) of up to 5 epochs after this one" in more and more.id == "search.replan_more"


def test_a_re_plan_waits_for_settled_times_and_a_real_change():
    fake = FakeClock()
    planner = BudgetPlanner(BudgetClock(600, clock=fake), max_epochs=10, min_trial_epochs=10)
    notices = PlanNotices()
    notices.said_trials, notices._said_in_trial = 9, 1
    assert not notices._changed(10) and not notices._changed(8) and notices._changed(11)
    notices.said_trials = 19
    assert not notices._changed(22) and not notices._changed(16) and notices._changed(23)
    notices.said_trials = 3
    assert notices._changed(4) and notices._changed(2)
    planner.plan_trial("1", 1.0)
    fake.now += 3.0
    planner.after_epoch(3.0, 0.5)  # the first epoch of trial 2 also traced its graph: 3x a later one
    assert notices.after_epoch(planner, 3.0, 2) is None  # not re-planned on it
    for _ in range(2):
        fake.now += 1.0
        planner.after_epoch(1.0, 0.5)
    assert "Re-planned" in notices.after_epoch(planner, 1.0, 2)  # settled: 3 promised, many more fit
