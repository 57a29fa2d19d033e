"""Domain events as first-class named types, and their round trip to envelope data."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import reduce
from typing import Any, TypeVar

from .upcasting import upcast_data

S = TypeVar("S")


@dataclasses.dataclass(frozen=True)
class Event:
    """Base of every domain event: the class name is the envelope `type`, the fields its `data`.

    Fields hold JSON values only (str, int, float, bool, None, tuples of those, and
    tuples of flat dicts), so `to_data` / `from_data` round-trip exactly.
    """

    SCHEMA_VERSION = 1

    @classmethod
    def type_name(cls) -> str:
        return cls.__name__

    def to_data(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _frozen(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


class EventRegistry:
    """Maps envelope `type` names to event classes, so a stored event becomes its dataclass again."""

    def __init__(self, *classes: type[Event]) -> None:
        self._by_name = {cls.type_name(): cls for cls in classes}

    def __contains__(self, type_name: str) -> bool:
        return type_name in self._by_name

    def __iter__(self) -> Iterator[type[Event]]:
        return iter(self._by_name.values())

    def from_data(self, type_name: str, data: Mapping[str, Any], schema_version: int | None = None, *,
                  producer: str | None = None) -> Event:
        """The event of `data` written at `schema_version` (None: at its class's version, as `to_data` gives it).

        Older data is raised through the upcasters (shared/upcasting.py) to the class's version; a version
        newer than the class knows, a missing upcaster or a field the class lacks is refused, never dropped.
        """
        cls = self._by_name[type_name]
        current = cls.SCHEMA_VERSION
        if schema_version is not None and schema_version != current:
            if schema_version > current:
                raise UnknownSchemaVersion(f"{type_name} v{schema_version} is newer than this code's v{current}")
            schema_version, data = upcast_data(type_name, schema_version, data, producer=producer, to=current)
            if schema_version != current:
                raise UnknownSchemaVersion(f"no upcaster takes {type_name} from v{schema_version} towards v{current}")
        names = {f.name for f in dataclasses.fields(cls)}
        if unknown := set(data) - names:
            raise UnknownSchemaVersion(f"{type_name} v{current} has no field {', '.join(sorted(unknown))}")
        return cls(**{k: _frozen(v) for k, v in data.items()})

    def from_envelope(self, envelope: Mapping[str, Any]) -> Event:
        """The event a stored envelope holds, whichever version wrote it."""
        return self.from_data(envelope["type"], envelope["data"], envelope.get("schema_version", 1),
                              producer=envelope.get("producer"))


class UnknownSchemaVersion(ValueError):
    """Stored event data this code cannot read as its event class: a newer version, or fields it does not know."""


def replay(evolve: Callable[[S, Event], S], events: Iterable[Event], initial: S) -> S:
    """Fold events into state: the same function the write side uses to load an aggregate."""
    return reduce(evolve, events, initial)


@dataclasses.dataclass(frozen=True)
class DataSubject:
    """The person an event's personal fields belong to: their random id, and how to seal fields for them.

    `seal(record, fields)` seals with the subject's key from the owning service's key table (shared/subject_keys.py,
    the handler's), so a domain builds sealed events without ever seeing a key.
    """

    subject_id: str
    seal: Callable[[str, Mapping[str, str]], str]
