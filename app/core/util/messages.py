"""Core messages that carry an id: English for the command line and the logs, an id and fields for
the window, which translates them by the id rather than by matching the English wording.

A :class:`Message` is a ``str`` (its English text, so every caller that prints or stores text keeps
working) that also knows its ``id`` (stable: rewording the English keeps it), its ``template`` (the
English with ``{field}`` places) and its ``fields`` (values, or messages in turn). Make one with
:func:`message` from a template marked ``QT_TRANSLATE_NOOP("CoreMessages", template, id)``: lupdate
files the template under the id, and ``packaging/carry_translations.py`` carries a translation over
to a reworded template with the same id.

Events carry a message's id as plain data beside its text (:func:`message_data`, added by
``app.core.search.events.make_event``), so it survives JSON, process queues and Qt signals. Messages
without an id (older events, other code) are still translated by their wording
(``app/gui/text/core_text.py``).
"""
from __future__ import annotations

from typing import Any

from app.core.util.i18n import MarkedText


class Message(str):
    """An English message with its id, template and fields; see the module docstring."""

    id: str
    template: str
    fields: dict[str, Any]

    def __new__(cls, message_id: str, template: str, **fields: Any) -> "Message":
        made = super().__new__(cls, template.format(**fields))
        made.id, made.template, made.fields = message_id, str(template), dict(fields)
        return made

    def __reduce__(self):  # pickled across the training child's queue as a message, not a plain str
        return _rebuild, (self.id, self.template, self.fields)


def _rebuild(message_id: str, template: str, fields: dict) -> Message:
    return Message(message_id, template, **fields)


def message(template: MarkedText, **fields: Any) -> Message:
    """The message of a template marked with its id, filled with ``fields``."""
    return Message(template.id, template, **fields)


def message_data(value: Any) -> dict | None:
    """A message as plain data, ``{"id", "template", "fields"}`` (fields that are messages in turn
    nested the same way); None for text without an id."""
    if not isinstance(value, Message):
        return None
    fields = {}
    for key, field in value.fields.items():
        nested = message_data(field)
        fields[key] = nested if nested is not None else (field if isinstance(field, (int, float)) else str(field))
    return {"id": value.id, "template": value.template, "fields": fields}
