"""Keep translations when a string moves to another class (another lupdate context).

`make translations` runs lupdate keeping obsolete entries, then this script: every message left
unfinished (empty, or prefilled by lupdate's same-text heuristic) whose source text (and
disambiguation) is translated elsewhere in the file, in any context, obsolete or not, takes that
translation. lupdate then runs again with -no-obsolete,
which drops the old entries and writes the file in its own layout. A text that was never
translated stays unfinished, and tests/test_i18n.py says so.

Usage: python packaging/carry_translations.py resources/i18n/tunestudio_zh_CN.ts
"""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET


def _key(message: ET.Element) -> tuple[str, str]:
    return (message.findtext("source") or "", message.findtext("comment") or "")


def carry(path: str) -> int:
    tree = ET.parse(path)
    known: dict[tuple[str, str], str] = {}
    for message in tree.iter("message"):
        translation = message.find("translation")
        if translation is not None and translation.get("type") != "unfinished" and translation.text:
            known.setdefault(_key(message), translation.text)
    carried = 0
    for message in tree.iter("message"):
        translation = message.find("translation")
        # lupdate may already have copied the text over by its same-text heuristic, still
        # marked unfinished: a finished translation of the same source settles it either way.
        if translation is None or translation.get("type") != "unfinished":
            continue
        text = known.get(_key(message))
        if text is not None:
            translation.text = text
            del translation.attrib["type"]
            carried += 1
    if carried:
        tree.write(path, encoding="utf-8", xml_declaration=True)
    return carried


if __name__ == "__main__":
    for ts in sys.argv[1:]:
        print(f"{ts}: {carry(ts)} translations carried over from moved strings")
