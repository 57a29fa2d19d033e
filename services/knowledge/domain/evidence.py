"""Evidence from pilots: a barrier shows where a pilot reported it removed, and by what solution."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from shared.errors import Invalid, require_text
from shared.events import Event

from .model import BARRIER, Evidence, Evolver, Item, iso, require_item


@dataclass(frozen=True)
class BarrierRemovalEvidenced(Event):
    """A pilot reported this barrier removed; `solution_id` names what removed it, if known."""

    barrier_id: str
    pilot_id: str
    pilot_title: str
    organisation: str
    solution_id: str | None
    solution_title: str | None
    evidenced_at: str


@dataclass(frozen=True)
class RecordRemovalEvidence:
    """Built from a pilots event, by the consumer that reads them."""

    actor: str
    pilot_id: str
    pilot_title: str
    organisation: str
    solution_id: str | None = None
    solution_title: str | None = None


def decide_record_removal_evidence(state: Item | None, command: RecordRemovalEvidence, *, now: datetime) -> list[Event]:
    """Record a pilot's removal of the barrier; the same report again changes nothing."""
    item = _barrier(state)
    event = BarrierRemovalEvidenced(
        item.id,
        command.pilot_id,
        require_text(command.pilot_title, "pilot_title", 300),
        require_text(command.organisation, "organisation", 200),
        command.solution_id,
        command.solution_title,
        iso(now),
    )
    # Pilots events arrive at least once, so a repeated report must be a no-op, not an error.
    if any(replace(_evidence_of(event), at=e.at) == e for e in item.evidence):
        return []
    return [event]


def _barrier(state: Item | None) -> Item:
    item = require_item(state)
    if item.kind != BARRIER:
        raise Invalid("only a barrier can be evidenced as removed", field="item_id")
    return item


def _evidence_of(event: BarrierRemovalEvidenced) -> Evidence:
    return Evidence(
        event.pilot_id,
        event.pilot_title,
        event.organisation,
        event.solution_id,
        event.solution_title,
        event.evidenced_at,
    )


def _on_evidenced(item: Item, event: BarrierRemovalEvidenced) -> Item:
    kept = tuple(e for e in item.evidence if e.pilot_id != event.pilot_id)
    return replace(item, evidence=(*kept, _evidence_of(event)))


# A pilot's barrier never goes back from removed (NEXT_STATUSES), so evidence, once recorded, stays.
EVOLVERS: dict[type[Event], Evolver] = {BarrierRemovalEvidenced: _on_evidenced}
