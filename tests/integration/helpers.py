"""Small builders shared by the integration tests."""

from __future__ import annotations

from dataclasses import dataclass

from shared.envelope import CommandMeta
from shared.events import Event, EventRegistry

META = CommandMeta(actor="tester", correlation_id="corr-1", causation_id="req-1")


@dataclass(frozen=True)
class Noted(Event):
    n: int


REGISTRY = EventRegistry(Noted)


def noted(*ns: int) -> list[Event]:
    return [Noted(n) for n in ns]
