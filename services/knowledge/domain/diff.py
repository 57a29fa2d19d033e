"""Word-by-word differences between two revisions of a page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .errors import NotFound
from .model import Item

EQUAL, INSERT, DELETE = "equal", "insert", "delete"

# A word keeps the whitespace after it, so joining the chunks gives the text back exactly.
_WORD = re.compile(r"\s+|\S+\s*")


@dataclass(frozen=True)
class WordChange:
    """A run of words that both texts share (equal), or that only the new (insert) or old (delete) has."""

    op: str
    text: str


def diff_words(old: str, new: str) -> tuple[WordChange, ...]:
    """The changes that turn `old` into `new`, word by word."""
    a, b = _WORD.findall(old), _WORD.findall(new)
    changes: list[WordChange] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == EQUAL:
            changes.append(WordChange(EQUAL, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            changes.append(WordChange(DELETE, "".join(a[i1:i2])))
        if j2 > j1:
            changes.append(WordChange(INSERT, "".join(b[j1:j2])))
    return tuple(changes)


def diff_revisions(
    item: Item, older: int, newer: int, *, include_hidden: bool = False
) -> dict[str, tuple[WordChange, ...]]:
    """The word diff of each field between two revisions; hidden ones only when asked (moderators)."""
    pair = item.revision(older, field="from"), item.revision(newer, field="to")
    if not include_hidden and any(r.hidden for r in pair):
        raise NotFound("one of these revisions is hidden by a moderator", field="revision")
    old_fields, new_fields = (r.content.text_fields() for r in pair)
    return {name: diff_words(old_fields.get(name, ""), text) for name, text in new_fields.items()}
