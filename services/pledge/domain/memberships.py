"""The membership aggregate: an account belongs to an organisation, proven by a mailed link or a steward's check.

An account claims membership with an address at one of the organisation's verified domains; the mailed link,
followed while signed in as that account, confirms it (domain-verified). A steward may confirm a membership
they checked another way, recording how (steward-verified). The member, or a steward, ends it. The events name
the account, never the address: the mail queue holds that only until the message is sent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.envelope import rfc3339
from shared.errors import Forbidden, Invalid, NotFound, optional_text, require_text
from shared.events import Event

from .abuse import token_hash, token_matches
from .charters import require_steward
from .errors import EMPTY, PledgeConflict, TokenExpired, TokenWrong
from .organisations import DOMAIN_VERIFIED, STEWARD_VERIFIED, Organisation, require_organisation
from .signatures import ANONYMOUS, TOKEN_TTL  # the same anonymous actor, and mailed links last as long

STREAM_TYPE = "membership"
MAX_NOTE_CHARS = 2_000
# Fixed for ever: one account's membership of one organisation is one stream, whoever asks.
_NAMESPACE = uuid.UUID("2c4f7e1a-6b3d-5e9f-a1c8-7d2e5b0f4a96")


@dataclass(frozen=True)
class MembershipClaimed(Event):
    """An account asked to be counted a member; the link mailed to an address at a verified domain confirms it."""

    membership_id: str
    organisation_id: str
    account_id: str
    token_hash: str
    token_expires_at: str
    claimed_at: str


@dataclass(frozen=True)
class MembershipConfirmed(Event):
    """The account belongs to the organisation: its mailed link came back, or a steward checked (`evidence`)."""

    membership_id: str
    organisation_id: str
    account_id: str
    assurance: str
    evidence: str | None
    confirmed_by: str
    confirmed_at: str


@dataclass(frozen=True)
class MembershipEnded(Event):
    membership_id: str
    organisation_id: str
    account_id: str
    reason: str | None
    ended_by: str
    ended_at: str


@dataclass(frozen=True)
class ClaimMembership:
    organisation_id: str
    email: str
    actor: str


@dataclass(frozen=True)
class ConfirmMembership:
    membership_id: str
    token: str
    actor: str


@dataclass(frozen=True)
class GrantMembership:
    """A steward confirms that `account_id` belongs to the organisation, saying how they checked."""

    organisation_id: str
    account_id: str
    evidence: str
    actor: str
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class EndMembership:
    membership_id: str
    actor: str
    reason: str | None = None
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Membership:
    membership_id: str
    organisation_id: str
    account_id: str
    status: str = "claimed"  # claimed | member | ended
    token_hash: str = ""
    token_expires_at: str = ""


def membership_stream_id(organisation_id: str, account_id: str) -> str:
    """The one stream of an account's membership of an organisation (by the organisation's canonical id)."""
    return str(uuid.uuid5(_NAMESPACE, f"{organisation_id}\n{account_id}"))


def evolve(state: Membership | None, event: Event) -> Membership | None:
    """Apply one membership event to the state."""
    match event:
        case MembershipClaimed():
            return Membership(event.membership_id, event.organisation_id, event.account_id, "claimed",
                              event.token_hash, event.token_expires_at)
        case MembershipConfirmed():
            return Membership(event.membership_id, event.organisation_id, event.account_id, "member")
        case MembershipEnded() if state is not None:
            return replace(state, status="ended", token_hash="")
    raise ValueError(f"a membership stream cannot start with {event.type_name()}")


def claim(organisation: Organisation | None, state: Membership | None, command: ClaimMembership, token: str,
          now: datetime, ttl: timedelta = TOKEN_TTL) -> list[Event]:
    """Ask to be a member with an address at one of the organisation's verified domains; a link is mailed there."""
    if command.actor == ANONYMOUS:
        raise Forbidden("sign in to claim membership of an organisation")
    found = require_organisation(organisation)
    require_text(command.email, "email", 254, blank=EMPTY)
    if found.assurance_of(command.email) != DOMAIN_VERIFIED:
        raise Invalid(f"use an address at one of {found.name}'s verified e-mail domains", field="email")
    if state is not None and state.status == "member":
        raise PledgeConflict(f"you are already a member of {found.name}", field="organisation_id")
    membership_id = membership_stream_id(found.organisation_id, command.actor)
    return [MembershipClaimed(membership_id, found.organisation_id, command.actor, token_hash(token),
                              rfc3339(now + ttl), rfc3339(now))]


def confirm(state: Membership | None, command: ConfirmMembership, now: datetime) -> list[Event]:
    """The mailed link, followed by the account that claimed, makes it a member; confirming twice changes nothing."""
    membership = require_membership(state)
    if command.actor != membership.account_id:
        raise Forbidden("sign in as the account that claimed this membership to confirm it")
    if membership.status == "member":
        return []
    if membership.status != "claimed" or not token_matches(command.token, membership.token_hash):
        raise TokenWrong("this confirmation link is not (or no longer) valid; claim membership again", field="token")
    if now >= datetime.fromisoformat(membership.token_expires_at):
        raise TokenExpired("this confirmation link has expired; claim membership again", field="token")
    return [MembershipConfirmed(membership.membership_id, membership.organisation_id, membership.account_id,
                                DOMAIN_VERIFIED, None, command.actor, rfc3339(now))]


def grant(organisation: Organisation | None, state: Membership | None, command: GrantMembership,
          now: datetime) -> list[Event]:
    """A steward records that an account belongs to the organisation, and how they checked."""
    require_steward(command.actor_roles, "confirm a membership")
    found = require_organisation(organisation)
    evidence = require_text(command.evidence, "evidence", MAX_NOTE_CHARS, blank=EMPTY)
    if state is not None and state.status == "member":
        return []
    return [MembershipConfirmed(membership_stream_id(found.organisation_id, command.account_id),
                                found.organisation_id, command.account_id, STEWARD_VERIFIED, evidence,
                                command.actor, rfc3339(now))]


def end(state: Membership | None, command: EndMembership, now: datetime) -> list[Event]:
    """The member leaves, or a steward ends the membership, with an optional reason."""
    membership = require_membership(state)
    if command.actor != membership.account_id:
        require_steward(command.actor_roles, "end someone else's membership")
    if membership.status != "member":
        raise PledgeConflict("this is not a current membership", field="membership_id")
    reason = optional_text(command.reason, "reason", MAX_NOTE_CHARS)
    return [MembershipEnded(membership.membership_id, membership.organisation_id, membership.account_id, reason,
                            command.actor, rfc3339(now))]


def require_membership(state: Membership | None) -> Membership:
    """The membership, or NotFound naming `membership_id`."""
    if state is None:
        raise NotFound("no membership with this id", field="membership_id")
    return state
