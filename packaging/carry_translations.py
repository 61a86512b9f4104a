"""Keep translations when a string moves to another class (another lupdate context).

`make translations` runs lupdate keeping obsolete entries, then this script: every message left
unfinished (empty, or prefilled by lupdate's same-text heuristic) whose source text (and
disambiguation) is translated elsewhere in the file, in any context, obsolete or not, takes that
translation. A core message with an id (``app.core.util.messages``: its disambiguation, such as
``search.plateau``) whose English was reworded takes the translation its id had, else that of the
same English without an id (the wording-matched template it replaces): translations follow the id.
lupdate then runs again with -no-obsolete,
which drops the old entries and writes the file in its own layout. A text that was never
translated stays unfinished, and tests/test_i18n.py says so.

Usage: python packaging/carry_translations.py resources/i18n/tunestudio_zh_CN.ts
"""
from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET

MESSAGE_ID = re.compile(r"^[a-z_]+(\.[a-z_0-9]+)+$")  # search.plateau, not a free-text disambiguation


def _key(message: ET.Element) -> tuple[str, str]:
    return (message.findtext("source") or "", message.findtext("comment") or "")


def carry(path: str) -> int:
    tree = ET.parse(path)
    known: dict[tuple[str, str], str] = {}
    by_id: dict[str, str] = {}
    for message in tree.iter("message"):
        translation = message.find("translation")
        if translation is not None and translation.get("type") != "unfinished" and translation.text:
            known.setdefault(_key(message), translation.text)
            source, comment = _key(message)
            if MESSAGE_ID.match(comment):
                # The current entry of an id wins over an older wording's (lupdate writes it first).
                by_id.setdefault(comment, translation.text)
    carried = 0
    for message in tree.iter("message"):
        translation = message.find("translation")
        # lupdate may already have copied the text over by its same-text heuristic, still
        # marked unfinished: a finished translation of the same source settles it either way.
        if translation is None or translation.get("type") != "unfinished":
            continue
        source, comment = _key(message)
        text = known.get((source, comment))
        if text is None and MESSAGE_ID.match(comment):
            text = by_id.get(comment) or known.get((source, ""))
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
