"""The event vocabulary and dispatch: one hook per event type, plain callables still work."""
from typing import get_type_hints

from app.core import events as ev
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
