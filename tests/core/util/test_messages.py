"""Core messages carry their id and fields beside their English, through pickling, JSON and events."""
import json
import pickle

from app.core.search import events as ev
from app.core.search.planning.budget import BUDGET_SPENT
from app.core.util.i18n import QT_TRANSLATE_NOOP
from app.core.util.messages import Message, message, message_data


def test_a_message_is_its_english_text_and_keeps_its_id_across_a_process_queue():
    reason = message(QT_TRANSLATE_NOOP("CoreMessages", "Time budget of {budget} reached. {detail}",
                                       "search.budget_reached_because"), budget="10m", detail=BUDGET_SPENT)
    assert reason == "Time budget of 10m reached. The time budget is spent."
    copied = pickle.loads(pickle.dumps(reason))
    assert isinstance(copied, Message) and copied.id == "search.budget_reached_because"
    assert message_data(copied) == {"id": "search.budget_reached_because",
                                    "template": "Time budget of {budget} reached. {detail}",
                                    "fields": {"budget": "10m", "detail": message_data(BUDGET_SPENT)}}
    assert message_data("plain text") is None


def test_an_event_carries_a_messages_id_as_plain_data():
    event = ev.make_event(ev.NOTICE, level="info", message=BUDGET_SPENT)
    plain = json.loads(json.dumps(event))  # as events.jsonl and the window's signals carry it
    assert plain["message"] == "The time budget is spent."
    assert plain["message_msg"]["id"] == "search.budget_spent"
    ev.put(plain, "message", "replaced by text without an id")
    assert "message_msg" not in plain
