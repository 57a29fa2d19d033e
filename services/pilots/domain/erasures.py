"""Erasure of a pilot's sponsor: a steward erases the sponsor's name and role on request, under a UK GDPR rule.

The sponsor's fields are sealed with the pilot's data subject key (pilots.PilotProposed v2); erasing deletes the
key, which the handler does in the transaction that appends `ErasureCompleted` to the pilot's stream, so readers
show "erased" from that point of the log on, for a sponsor recorded in the clear before sealing too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from shared.contract.vocabulary import ERASURE_RULES
from shared.envelope import rfc3339
from shared.errors import Conflict, Invalid
from shared.events import Event

from .state import Pilot, require_pilot, require_steward


@dataclass(frozen=True)
class ErasureCompleted(Event):
    """A pilot's sponsor can no longer be read: their data subject's key is deleted. Names no one."""

    erasure_id: str
    subject_id: str | None  # None for a sponsor recorded before sealing, who had no key
    pilot_ids: tuple[str, ...]
    rule: str
    requested_by: str
    erased_at: str


@dataclass(frozen=True)
class EraseSponsor:
    pilot_id: str
    erasure_id: str
    rule: str
    actor: str
    actor_roles: frozenset[str] = field(default_factory=frozenset)


def decide_erase_sponsor(state: Pilot | None, command: EraseSponsor, now: datetime) -> list[Event]:
    """A steward erases the pilot's sponsor; refused once they are erased."""
    require_steward(command.actor_roles)
    pilot = require_pilot(state)
    if command.rule not in ERASURE_RULES:
        raise Invalid(f"must be one of {', '.join(ERASURE_RULES)}", field="rule")
    if pilot.sponsor_erased:
        raise Conflict("this pilot's sponsor is already erased", field="pilot_id")
    return [ErasureCompleted(command.erasure_id, pilot.subject_id, (pilot.pilot_id,), command.rule, command.actor,
                             rfc3339(now))]
