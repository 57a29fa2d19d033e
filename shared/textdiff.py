"""The one word diff: how two texts differ, word by word (drafts, knowledge pages, edit conflicts)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

Segment = dict[str, str]  # {"op": "equal" | "delete" | "insert", "text": ...}

# Words, runs of whitespace and single punctuation marks: "openly." and "openly" share the word.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def tokens(text: str) -> list[str]:
    """The text cut into words, whitespace runs and punctuation marks; joined they give the text back."""
    return _TOKEN.findall(text)


def is_space(token: str) -> bool:
    """True for a whitespace token."""
    return token.isspace()


def matcher(old: list[str], new: list[str]) -> SequenceMatcher:
    """A matcher of token lists in which whitespace extends a match but never anchors one."""
    # Were whitespace allowed to anchor matches, two unrelated sentences would "share" every space
    # between their words and the diff would shred into one-word edits around each of them.
    return SequenceMatcher(is_space, old, new, autojunk=False)


def diff_words(old: str, new: str) -> list[Segment]:
    """Segments {"op": "equal" | "delete" | "insert", "text"} that turn `old` into `new`."""
    a, b = tokens(old), tokens(new)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher(a, b).get_opcodes():
        if tag == "equal":
            _append(segments, "equal", a[i1:i2])
            continue
        _append(segments, "delete", a[i1:i2])
        _append(segments, "insert", b[j1:j2])
    return segments


def _append(segments: list[Segment], op: str, words: list[str]) -> None:
    if not words:
        return
    if segments and segments[-1]["op"] == op:
        segments[-1] = {"op": op, "text": segments[-1]["text"] + "".join(words)}
    else:
        segments.append({"op": op, "text": "".join(words)})
