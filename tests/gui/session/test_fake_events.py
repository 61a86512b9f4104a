"""The fake event stream the GUI tests use has the fields a real search sends, kind by kind."""
from __future__ import annotations

import pytest

from app.core.search import events as ev
from app.core.search.planning.plan_notice import REPLAN_MORE
from app.core.util.messages import message
from app.core.options.config import SearchConfig
from fake_events import fake_search_events


@pytest.mark.slow
def test_fake_events_have_the_key_sets_of_a_real_tiny_search(tiny_dataset):
    from app.core.search.runner import run_search

    config = SearchConfig().replace(data_dir=str(tiny_dataset), architecture="mlp", image_size=16, epochs=2,
                                    max_trials=2, batch_size=8, width=16, depth=1, early_stopping=False,
                                    tensorboard=False, seed=7, augmentation={"enabled": False})
    log = ev.EventLog()
    final = run_search(config, log)
    assert final["status"] == "completed", final
    fake = fake_search_events(n_trials=2, epochs=2, failed_trials=[2])
    for kind in ev.EVENT_TYPES:
        real_events, fake_events = log.of_type(kind), [e for e in fake if e["type"] == kind]
        if kind == ev.NOTICE and not real_events:
            continue  # a clean tiny search has nothing to warn about
        if kind == ev.STAGE:
            continue  # only a staged transfer search has stages (tests/test_transfer_search.py)
        assert real_events and fake_events, kind
        real_keys = set().union(*(e.keys() for e in real_events))
        fake_keys = set().union(*(e.keys() for e in fake_events))
        if kind == ev.NOTICE:
            # Whether a tiny search says a notice with an id (a re-plan) depends on its timing; the
            # fakes always carry one, shaped as make_event shapes a real one.
            real_keys.discard("message_msg")
            fake_keys.discard("message_msg")
            replan = next(e for e in fake_events if "message_msg" in e)
            real = ev.make_event(ev.NOTICE, message=message(REPLAN_MORE, **replan["message_msg"]["fields"]))
            assert real["message_msg"] == replan["message_msg"] and real["message"] == replan["message"]
        assert fake_keys == real_keys, (kind, sorted(real_keys - fake_keys), sorted(fake_keys - real_keys))
        if kind in (ev.TRIAL_ENDED, ev.SEARCH_FINISHED):
            real_trial = set().union(*(t.keys() for e in real_events for t in e.get("trials", [e])))
            fake_trial = set().union(*(t.keys() for e in fake_events for t in e.get("trials", [e])))
            assert fake_trial == real_trial, (kind, sorted(real_trial ^ fake_trial))
