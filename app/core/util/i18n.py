"""Marks for text the window translates, usable in Qt-free code.

``QT_TRANSLATE_NOOP("Options", "Batch size")`` returns the text unchanged; Qt Linguist's ``lupdate``
finds the call by its name and files the text under the context, so the window can show it through
``QCoreApplication.translate("Options", text)``.
"""
from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    return text
