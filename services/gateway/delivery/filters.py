"""What council systems subscribe to (the published topics and event types) and how a filter matches.

Webhooks and the live stream share one filter: topics, event types and an organisation. An event
matches an organisation when its `data` names it — in `organisation`, `organisation_name`,
`organisation_id` or the list `organisations` — or when the first event of its stream did, so a
pilot's or a signature's later events (which do not repeat the name) follow it. Names compare
canonically: Unicode NFKC, case-folded, whitespace collapsed, as the pledge canonicalises them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.config import TOPICS
from shared.contract import EVENT_SCHEMAS
from shared.contract.organisations import canonical_organisation

SCHEMAS = EVENT_SCHEMAS
NAMING_FIELDS = ("organisation", "organisation_name", "organisation_id")
NAMING_LISTS = ("organisations",)


@functools.cache
def event_types() -> Mapping[str, frozenset[str]]:
    """Every published event type by topic, as the generated JSON Schemas under shared/schemas list them."""
    return {topic: frozenset(p.name.split(".")[0] for p in (SCHEMAS / producer).glob("*.json"))
            for producer, topic in TOPICS.items()}


def all_types() -> frozenset[str]:
    """Every published event type, whichever topic carries it."""
    return frozenset().union(*event_types().values())


canonical = canonical_organisation  # an organisation's name as filters compare it


def organisations_named(data: Mapping[str, Any]) -> list[str]:
    """The organisations an event's data names, canonicalised."""
    names = [data[f] for f in NAMING_FIELDS if isinstance(data.get(f), str)]
    names += [n for f in NAMING_LISTS if isinstance(data.get(f), list) for n in data[f] if isinstance(n, str)]
    return sorted({canonical(n) for n in names if n.strip()})


@dataclass(frozen=True)
class EventFilter:
    """Empty topics or types mean all of them; no organisation means any."""

    topics: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    organisation: str | None = None

    @classmethod
    def of(cls, topics: Iterable[str] = (), types: Iterable[str] = (), organisation: str | None = None) -> EventFilter:
        """A filter with duplicates removed and the organisation canonicalised."""
        org = canonical(organisation) if organisation and organisation.strip() else None
        return cls(tuple(sorted(set(topics))), tuple(sorted(set(types))), org)

    def problems(self) -> dict[str, list[str]]:
        """Unknown topics or event types, by field name (empty when the filter is valid)."""
        found: dict[str, list[str]] = {}
        if unknown := [t for t in self.topics if t not in TOPICS.values()]:
            found["topics"] = [f"unknown topic {t!r}; topics are {', '.join(sorted(TOPICS.values()))}" for t in unknown]
        if unknown := [t for t in self.types if t not in all_types()]:
            found["types"] = [f"unknown event type {t!r}" for t in unknown]
        return found

    def sql_params(self) -> dict[str, Any]:
        """The filter as query parameters: None where it does not restrict."""
        return {"topics": list(self.topics) or None, "types": list(self.types) or None,
                "organisation": self.organisation}
