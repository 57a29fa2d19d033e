"""How the tests check that a page speaks to people, not in the code's words: no ISO date or timestamp, no event
type name, no code word of the published vocabulary (`legal_and_data_protection`, `in_progress`), and no "1
pilots" in what a reader sees."""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum

from services.knowledge.domain import EVENTS as KNOWLEDGE_EVENTS
from services.pilots.domain import EVENTS as PILOT_EVENTS
from services.pledge.domain import EVENTS as PLEDGE_EVENTS
from shared.contract import vocabulary

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")

# The nouns the pages count ("3 pilots", "1 organisation").
COUNTED = ("pilots", "organisations", "signatures", "signatories", "drafts", "ratings", "comments", "revisions",
           "endorsements", "flags", "barriers", "solutions", "milestones", "versions", "pages", "people", "reports",
           "members", "domains", "rounds", "charters", "edits", "changes", "results", "accounts", "stars", "votes")
ONE_OF_MANY = re.compile(rf"\b1 (?:{'|'.join(COUNTED)})\b")


def event_names() -> frozenset[str]:
    """Every event type the services publish, by the name its envelope carries."""
    return frozenset(cls.type_name() for events in (PLEDGE_EVENTS, KNOWLEDGE_EVENTS, PILOT_EVENTS) for cls in events)


def code_words() -> frozenset[str]:
    """Every word of the published vocabulary that a reader would see as code: the ones joined by an underscore."""
    words: set[str] = set()
    for value in vars(vocabulary).values():
        if isinstance(value, type) and issubclass(value, StrEnum):
            words.update(member.value for member in value)
        elif isinstance(value, tuple | list) and all(isinstance(v, str) for v in value):
            words.update(value)
        elif isinstance(value, str):
            words.add(value)
    return frozenset(w for w in words if "_" in w)


EVENT_NAME = re.compile(rf"\b(?:{'|'.join(sorted(event_names()))})\b")
CODE_WORD = re.compile(rf"\b(?:{'|'.join(sorted(code_words()))})\b")


def raw_values(text: str) -> Iterator[str]:
    """Each place in a page's visible text that shows an ISO date, an event name, a code word or "1 <plural>", with
    the words around it."""
    text = " ".join(text.split())
    for what, shape in (("ISO date", ISO_DATE), ("event name", EVENT_NAME), ("code word", CODE_WORD),
                        ("plural after 1", ONE_OF_MANY)):
        for m in shape.finditer(text):
            yield f"{what} {m.group(0)!r} in …{text[max(m.start() - 50, 0):m.end() + 30]}…"
