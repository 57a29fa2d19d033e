"""The charter aggregate: its drafting rounds and the versions it adopts, run by stewards."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from shared.contract.vocabulary import STEWARD
from shared.envelope import rfc3339
from shared.errors import Forbidden, Invalid, NotFound, require_text
from shared.events import Event

from .errors import EMPTY, DraftAlreadyAdopted, PledgeConflict, RoundClosedError

if TYPE_CHECKING:
    from .drafts import Draft

STREAM_TYPE = "charter"
STEWARD_ROLE = STEWARD
MAX_TITLE_CHARS = 200
MAX_PURPOSE_CHARS = 5_000


@dataclass(frozen=True)
class CharterCreated(Event):
    charter_id: str
    title: str
    purpose: str
    steward: str


@dataclass(frozen=True)
class RoundOpened(Event):
    charter_id: str
    round_number: int
    closes_at: str | None


@dataclass(frozen=True)
class RoundClosed(Event):
    charter_id: str
    round_number: int


@dataclass(frozen=True)
class VersionAdopted(Event):
    charter_id: str
    version: int
    round_number: int
    draft_id: str
    title: str
    text: str
    adopted_at: str


@dataclass(frozen=True)
class CreateCharter:
    charter_id: str
    title: str
    purpose: str
    actor: str
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OpenRound:
    charter_id: str
    closes_at: datetime | None
    actor: str
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CloseRound:
    charter_id: str
    actor: str
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AdoptVersion:
    charter_id: str
    draft_id: str
    actor: str
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AdoptedVersion:
    number: int
    round_number: int
    draft_id: str
    title: str
    text: str
    adopted_at: str


@dataclass(frozen=True)
class Charter:
    charter_id: str
    title: str
    purpose: str
    steward: str  # the steward who created it: stewardship of rounds is shared by every steward
    round_number: int = 0
    round_open: bool = False
    round_closes_at: str | None = None
    versions: tuple[AdoptedVersion, ...] = ()

    def accepts_drafts(self, now: datetime) -> bool:
        """True while a round is open and its closing date, if any, has not passed."""
        if not self.round_open:
            return False
        return self.round_closes_at is None or now < datetime.fromisoformat(self.round_closes_at)

    @property
    def current_version(self) -> AdoptedVersion | None:
        """The latest adopted version, or None before the first adoption."""
        return self.versions[-1] if self.versions else None


def evolve(state: Charter | None, event: Event) -> Charter | None:
    """Apply one charter event to the state."""
    if isinstance(event, CharterCreated):
        return Charter(event.charter_id, event.title, event.purpose, event.steward)
    if state is None:
        raise ValueError(f"a charter stream starts with CharterCreated, not {event.type_name()}")
    match event:
        case RoundOpened():
            return replace(state, round_number=event.round_number, round_open=True, round_closes_at=event.closes_at)
        case RoundClosed():
            return replace(state, round_open=False)
        case VersionAdopted():
            adopted = AdoptedVersion(
                event.version, event.round_number, event.draft_id, event.title, event.text, event.adopted_at
            )
            return replace(state, versions=(*state.versions, adopted))
    return state


def create_charter(command: CreateCharter) -> list[Event]:
    """A steward creates a charter, which opens its first drafting round at once: it exists to be drafted."""
    require_steward(command.actor_roles, "create a charter")
    title = require_text(command.title, "title", MAX_TITLE_CHARS, blank=EMPTY)
    purpose = require_text(command.purpose, "purpose", MAX_PURPOSE_CHARS, blank=EMPTY)
    return [
        CharterCreated(command.charter_id, title, purpose, command.actor),
        RoundOpened(command.charter_id, 1, None),
    ]


def open_round(charter: Charter, command: OpenRound, now: datetime) -> list[Event]:
    """A steward opens the next drafting round, with an optional closing date in the future."""
    require_steward(command.actor_roles, "open a drafting round")
    if charter.accepts_drafts(now):
        raise PledgeConflict(f"round {charter.round_number} is still open", field="charter_id")
    closes_at = _closing_date(command.closes_at, now)
    # A round whose closing date has passed is over but not yet recorded as closed; closing it
    # first keeps the log telling the story an auditor expects: every round opened is closed.
    return [*_close_if_open(charter), RoundOpened(charter.charter_id, charter.round_number + 1, closes_at)]


def close_round(charter: Charter, command: CloseRound) -> list[Event]:
    """A steward closes the open round before its closing date, or records that it has passed."""
    require_steward(command.actor_roles, "close a drafting round")
    if not charter.round_open:
        raise RoundClosedError("the charter has no open drafting round", field="charter_id")
    return _close_if_open(charter)


def adopt_version(charter: Charter, draft: Draft | None, command: AdoptVersion, now: datetime) -> list[Event]:
    """A steward closes the round and adopts one of the charter's drafts as its next version."""
    require_steward(command.actor_roles, "adopt a version")
    if draft is None:
        raise NotFound("no draft with this id", field="draft_id")
    if draft.charter_id != charter.charter_id:
        raise Invalid("the draft belongs to another charter", field="draft_id")
    draft.require_live()
    _require_not_adopted(charter, draft.draft_id)
    latest = charter.current_version
    if latest is not None and latest.round_number == charter.round_number:
        raise PledgeConflict(f"round {charter.round_number} already adopted version {latest.number}")
    number = len(charter.versions) + 1
    adopted = VersionAdopted(
        charter.charter_id,
        number,
        charter.round_number,
        draft.draft_id,
        draft.title,
        draft.text,
        rfc3339(now),
    )
    return [*_close_if_open(charter), adopted]


def _require_not_adopted(charter: Charter, draft_id: str) -> None:
    # A version is a new text for signatories to sign: adopting the same draft again would ask every
    # organisation to sign the words they already signed, under a new number.
    for adopted in charter.versions:
        if adopted.draft_id == draft_id:
            raise DraftAlreadyAdopted(f"this draft is already version {adopted.number}", field="draft_id")


def _closing_date(closes_at: datetime | None, now: datetime) -> str | None:
    if closes_at is None:
        return None
    if closes_at.utcoffset() is None:
        raise Invalid("the closing date needs a time zone", field="closes_at")
    if closes_at <= now:
        raise Invalid("the closing date must be in the future", field="closes_at")
    return rfc3339(closes_at)  # as every timestamp the API answers: UTC, with a Z


def _close_if_open(charter: Charter) -> list[Event]:
    return [RoundClosed(charter.charter_id, charter.round_number)] if charter.round_open else []


def require_charter(state: Charter | None) -> Charter:
    """The charter, or NotFound naming the `charter_id` field."""
    if state is None:
        raise NotFound("no charter with this id", field="charter_id")
    return state


def require_open_round(charter: Charter, now: datetime) -> None:
    """Refuse drafting work outside an open round."""
    if not charter.accepts_drafts(now):
        raise RoundClosedError("the charter has no open drafting round", field="charter_id")


def require_steward(actor_roles: frozenset[str], action: str) -> None:
    """Only stewards create charters, run their rounds and adopt versions; any steward may run any charter."""
    if STEWARD_ROLE not in actor_roles:
        raise Forbidden(f"only a steward may {action}")
