"""Marks for text the window translates, usable in Qt-free code.

``QT_TRANSLATE_NOOP("Options", "Batch size")`` returns the text unchanged; Qt Linguist's ``lupdate``
finds the call by its name and files the text under the context, so the window can show it through
``QCoreApplication.translate("Options", text)``. With a third argument, a message id
(``QT_TRANSLATE_NOOP("CoreMessages", "All {done} trials ran.", "search.all_trials_ran")``), lupdate
files the text under that id too (its disambiguation) and the text comes back as a
:class:`MarkedText` that carries the id (app.core.util.messages makes messages of it).
"""
from __future__ import annotations


class MarkedText(str):
    """A marked English text with the id of the message it is the template of."""

    id: str


def QT_TRANSLATE_NOOP(context: str, text: str, message_id: str | None = None) -> str:  # noqa: N802 - the name lupdate looks for
    if message_id is None:
        return text
    marked = MarkedText(text)
    marked.id = message_id
    return marked
