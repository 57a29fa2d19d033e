"""Endorsements: "we faced this barrier", "this solution worked for us", one per organisation."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from shared.contract.organisations import canonical_organisation
from shared.errors import Conflict, NotFound, require_text
from shared.events import Event

from .errors import NotPermitted
from .model import BARRIER, Endorsement, Evolver, Item, iso, require_item


@dataclass(frozen=True)
class BarrierEndorsed(Event):
    """A person said, on behalf of their organisation, "we faced this barrier"."""

    SCHEMA_VERSION = 2  # v2 added `organisation_id`; v1 events are upcast on read (shared/upcasting.py)

    barrier_id: str
    organisation: str
    endorsed_by: str
    endorsed_at: str
    organisation_id: str


@dataclass(frozen=True)
class SolutionEndorsed(Event):
    """A person said, on behalf of their organisation, "this solution worked for us"."""

    SCHEMA_VERSION = 2  # v2 added `organisation_id`; v1 events are upcast on read (shared/upcasting.py)

    solution_id: str
    organisation: str
    endorsed_by: str
    endorsed_at: str
    organisation_id: str


@dataclass(frozen=True)
class EndorsementWithdrawn(Event):
    SCHEMA_VERSION = 2  # v2 added `organisation_id`, as the endorsements did

    item_id: str
    organisation: str
    withdrawn_by: str
    withdrawn_at: str
    organisation_id: str


@dataclass(frozen=True)
class EndorseItem:
    actor: str
    organisation: str


@dataclass(frozen=True)
class WithdrawEndorsement:
    actor: str
    organisation: str


def endorsement_count(item: Item) -> int:
    """How many organisations endorse the page now."""
    return len(item.endorsements)


def find_endorsement(item: Item, organisation: str) -> Endorsement | None:
    """The organisation's endorsement, by its id: its canonical name, whatever the case, spacing or width."""
    key = canonical_organisation(organisation)
    return next((e for e in item.endorsements if e.organisation_id == key), None)


def decide_endorse(state: Item | None, command: EndorseItem, *, now: datetime) -> list[Event]:
    """Endorse a visible page for an organisation that has not endorsed it yet."""
    item = require_item(state)
    if item.hidden:
        raise Conflict("a hidden page cannot be endorsed")
    organisation = require_text(command.organisation, "organisation", 200)
    if find_endorsement(item, organisation) is not None:
        raise Conflict(f"{organisation} already endorses this page", field="organisation")
    event_type = BarrierEndorsed if item.kind == BARRIER else SolutionEndorsed
    return [event_type(item.id, organisation, command.actor, iso(now), canonical_organisation(organisation))]


def decide_withdraw_endorsement(state: Item | None, command: WithdrawEndorsement, *, now: datetime) -> list[Event]:
    """Withdraw an endorsement; only the person who gave it can."""
    item = require_item(state)
    endorsement = find_endorsement(item, command.organisation)
    if endorsement is None:
        raise NotFound(f"{command.organisation} does not endorse this page", field="organisation")
    if endorsement.endorsed_by != command.actor:
        raise NotPermitted("only the person who gave an endorsement can withdraw it")
    return [EndorsementWithdrawn(item.id, endorsement.organisation, command.actor, iso(now),
                                 endorsement.organisation_id)]


def _on_endorsed(item: Item, event: BarrierEndorsed | SolutionEndorsed) -> Item:
    endorsement = Endorsement(event.organisation, event.endorsed_by, event.endorsed_at, event.organisation_id)
    return replace(item, endorsements=(*item.endorsements, endorsement))


def _on_withdrawn(item: Item, event: EndorsementWithdrawn) -> Item:
    kept = tuple(e for e in item.endorsements if e.organisation_id != event.organisation_id)
    return replace(item, endorsements=kept)


EVOLVERS: dict[type[Event], Evolver] = {
    BarrierEndorsed: _on_endorsed, SolutionEndorsed: _on_endorsed, EndorsementWithdrawn: _on_withdrawn,
}
