"""The event vocabulary and dispatch: one hook per event type, plain callables still work."""
from typing import get_type_hints

from app.core.search import events as ev
from fake_events import fake_search_events


class Recorder(ev.SearchListener):
    def __init__(self):
        self.calls = []

    def on_trial_started(self, event):
        self.calls.append(("trial_started", event["trial_id"]))

    def on_search_finished(self, event):
        self.calls.append(("search_finished", event["status"]))


def test_dispatch_calls_the_matching_hook_and_ignores_the_rest():
    recorder = Recorder()
    stream = fake_search_events(n_trials=2, epochs=1)
    for event in stream:
        ev.dispatch(event, recorder)
    assert recorder.calls == [("trial_started", "0"), ("trial_started", "1"),
                              ("search_finished", "completed")]


def test_dispatch_feeds_plain_callables_every_event_and_several_listeners_in_order():
    log = ev.EventLog()
    order = []

    class First(ev.SearchListener):
        def on_notice(self, event):
            order.append("first")

    event = ev.make_event(ev.NOTICE, level="info", message="hi")
    ev.dispatch(event, First(), lambda e: order.append("second"), log)
    assert order == ["first", "second"]
    assert log.events == [event]


def test_unknown_types_and_non_dicts_reach_only_callables():
    recorder = Recorder()
    seen = []
    ev.dispatch({"type": "something_new"}, recorder, seen.append)
    ev.dispatch("not an event", recorder, seen.append)
    assert recorder.calls == []
    assert seen == [{"type": "something_new"}, "not an event"]


def test_every_event_type_has_a_typed_definition_and_a_hook():
    kinds = {get_type_hints(t)["type"].__args__[0]: t for t in ev.Event.__args__}
    assert set(kinds) == set(ev.EVENT_TYPES)
    for kind in ev.EVENT_TYPES:
        assert callable(getattr(ev.SearchListener, ev.HOOKS[kind]))
    # The fields the budgeted search adds are documented.
    assert "time_budget" in get_type_hints(ev.SearchStarted)
    assert {"stopped", "epochs_planned"} <= set(get_type_hints(ev.TrialEnded))
    assert {"reason", "test_accuracy"} <= set(get_type_hints(ev.SearchFinished))


def test_is_type_and_of_type_pick_events_of_a_kind_and_ignore_anything_else():
    started = ev.make_event(ev.SEARCH_STARTED, search_id="s")
    ended = [ev.make_event(ev.TRIAL_ENDED, trial_id=str(i)) for i in range(2)]
    stored = [started, ended[0], {"no_type": 1}, "garbage", None, ended[1]]
    assert ev.of_type(stored, ev.TRIAL_ENDED) == ended
    assert ev.of_type(stored, ev.SEARCH_FINISHED) == []
    assert ev.is_type(started, ev.SEARCH_STARTED)
    assert ev.is_type(started, ev.SEARCH_FINISHED, ev.SEARCH_STARTED)  # one of several kinds
    assert not ev.is_type(started, ev.TRIAL_ENDED)
    assert not ev.is_type(None, ev.SEARCH_STARTED)
    assert not ev.is_type({"no_type": 1}, ev.SEARCH_STARTED)
    log = ev.EventLog()
    for event in stored[:2]:
        log(event)
    assert log.of_type(ev.TRIAL_ENDED) == [ended[0]]


def test_task_and_worker_events_reach_their_hooks_through_the_same_dispatch():
    calls = []

    class Task(ev.TaskListener):
        def on_task_progress(self, event):
            calls.append(("progress", event["fraction"]))

        def on_task_epoch(self, event):
            calls.append(("epoch", event["epoch"]))

    class Workers(ev.SearchListener):
        def on_worker_status(self, event):
            calls.append(("worker", event["worker"]))

    task, workers = Task(), Workers()
    for event in (ev.make_event(ev.TASK_STARTED, task="lr_find"),
                  ev.make_event(ev.TASK_PROGRESS, task="lr_find", fraction=0.5),
                  ev.make_event(ev.TASK_EPOCH, task="kfold", epoch=2),
                  ev.make_event(ev.WORKER_STATUS, worker="pc-1"),
                  ev.make_event(ev.TASK_FINISHED, task="lr_find", status="completed"),
                  ev.make_event(ev.TRIAL_STARTED, trial_id="0")):
        ev.dispatch(event, task, workers)
    assert calls == [("progress", 0.5), ("epoch", 2), ("worker", "pc-1")]
    for kind in (*ev.TASK_TYPES, ev.WORKER_STATUS):
        hook = ev.HOOKS[kind]
        assert callable(getattr(ev.TaskListener if kind in ev.TASK_TYPES else ev.SearchListener, hook))
