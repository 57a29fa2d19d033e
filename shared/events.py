"""Domain events as first-class named types, and their round trip to envelope data."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from functools import reduce
from typing import Any, TypeVar

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

    def __iter__(self):
        return iter(self._by_name.values())

    def from_data(self, type_name: str, data: Mapping[str, Any]) -> Event:
        cls = self._by_name[type_name]
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: _frozen(v) for k, v in data.items() if k in names})


def replay(evolve: Callable[[S, Event], S], events: Iterable[Event], initial: S) -> S:
    """Fold events into state: the same function the write side uses to load an aggregate."""
    return reduce(evolve, events, initial)
