"""Command handlers: load the aggregate, let the domain decide, append with the expected version."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.envelope import CommandMeta
from shared.events import Event
from shared.eventstore import AppendResult, EventStore, retry_on_conflict

from .domain import EVENTS, charters, comments, drafts, erasures, memberships, organisations, signatures
from .domain.abuse import email_hash
from .mailer import Mailer
from .ratelimit import SigningGuard
from .subjects import Subjects


@dataclass(frozen=True)
class Signing:
    """What signing needs besides the event store."""

    email_salt: str
    token_ttl: timedelta
    guard: SigningGuard
    mailer: Mailer
    subjects: Subjects


def create_charter(store: EventStore, command: charters.CreateCharter, meta: CommandMeta) -> AppendResult:
    """Create a charter with its first drafting round open."""
    return store.append(charters.STREAM_TYPE, command.charter_id, 0, charters.create_charter(command), meta)


def open_round(store: EventStore, command: charters.OpenRound, meta: CommandMeta) -> AppendResult:
    """A steward opens the charter's next drafting round."""
    charter, version = _charter(store, command.charter_id)
    events = charters.open_round(charter, command, _now())
    return _append(store, charters.STREAM_TYPE, charter.charter_id, version, events, meta)


def close_round(store: EventStore, command: charters.CloseRound, meta: CommandMeta) -> AppendResult:
    """A steward closes the open drafting round."""
    charter, version = _charter(store, command.charter_id)
    events = charters.close_round(charter, command)
    return _append(store, charters.STREAM_TYPE, charter.charter_id, version, events, meta)


def adopt_version(store: EventStore, command: charters.AdoptVersion, meta: CommandMeta) -> AppendResult:
    """A steward closes the round and adopts one draft as the charter's next version."""
    charter, version = _charter(store, command.charter_id)
    draft, _ = store.load(EVENTS, drafts.evolve, command.draft_id)
    events = charters.adopt_version(charter, draft, command, _now())
    return _append(store, charters.STREAM_TYPE, charter.charter_id, version, events, meta)


def propose_draft(store: EventStore, command: drafts.ProposeDraft, meta: CommandMeta) -> AppendResult:
    """Propose a draft, from scratch or remixing parents, in the charter's open round."""
    charter, _ = store.load(EVENTS, charters.evolve, command.charter_id)
    parents = {p: store.load(EVENTS, drafts.evolve, p)[0] for p in command.parents}
    events = drafts.propose_draft(charters.require_charter(charter), parents, command, datetime.now(UTC))
    return store.append(drafts.STREAM_TYPE, command.draft_id, 0, events, meta)


@retry_on_conflict
def rate_draft(store: EventStore, command: drafts.RateDraft, meta: CommandMeta) -> AppendResult:
    """Give a draft 1 to 5 stars, or change one's rating."""
    draft, version = _draft(store, command.draft_id)
    charter, _ = _charter(store, draft.charter_id)
    events = drafts.rate_draft(charter, draft, command, _now())
    return _append(store, drafts.STREAM_TYPE, draft.draft_id, version, events, meta)


@retry_on_conflict
def retract_rating(store: EventStore, command: drafts.RetractRating, meta: CommandMeta) -> AppendResult:
    """Take back one's rating of a draft."""
    draft, version = _draft(store, command.draft_id)
    charter, _ = _charter(store, draft.charter_id)
    events = drafts.retract_rating(charter, draft, command, _now())
    return _append(store, drafts.STREAM_TYPE, draft.draft_id, version, events, meta)


def withdraw_draft(store: EventStore, command: drafts.WithdrawDraft, meta: CommandMeta) -> AppendResult:
    """The author withdraws their draft."""
    draft, version = _draft(store, command.draft_id)
    return _append(store, drafts.STREAM_TYPE, draft.draft_id, version, drafts.withdraw_draft(draft, command), meta)


@retry_on_conflict
def post_comment(store: EventStore, command: comments.PostComment, meta: CommandMeta) -> AppendResult:
    """Comment on a draft or a passage of it, or reply to a comment."""
    draft, version = _draft(store, command.draft_id)
    charter, _ = _charter(store, draft.charter_id)
    events = comments.post_comment(charter, draft, command, _now())
    return _append(store, drafts.STREAM_TYPE, draft.draft_id, version, events, meta)


def request_signature(
    store: EventStore, signing: Signing, command: signatures.RequestSignature, client_ip: str, meta: CommandMeta
) -> AppendResult:
    """Sign the current version; the event, the attempt count and the link's mail commit together or not at all."""
    charter, _ = _charter(store, command.charter_id)
    named = command.organisation_id or command.organisation_name
    organisation, _ = store.load(EVENTS, organisations.evolve, organisations.organisation_stream_id(named))
    stream_id = signatures.signature_stream_id(charter.charter_id, command.version, named)
    state, version = store.load(EVENTS, signatures.evolve, stream_id)
    token, withdrawal_token, now = secrets.token_urlsafe(32), secrets.token_urlsafe(32), _now()
    with store.pool.connection() as conn:
        events = signatures.request_signature(charter, state, command, token, signing.email_salt, now,
                                              signing.token_ttl, withdrawal_token=withdrawal_token,
                                              organisation=organisation,
                                              subjects=lambda hashed: signing.subjects.subject_for(conn, hashed))
        result = store.append(signatures.STREAM_TYPE, stream_id, version, events, meta, conn=conn)
        signing.guard.admit(conn, email_hash(command.email, signing.email_salt), client_ip, now)
        signing.mailer.send_verification(conn, stream_id, command.email, token, withdrawal_token)
    return result


def resend_signature_links(
    store: EventStore, signing: Signing, command: signatures.ResendSignatureLinks, client_ip: str, meta: CommandMeta
) -> AppendResult:
    """Mail a fresh pair of links; counted like a signing request, so a wrong address cannot be guessed for long."""
    state, version = store.load(EVENTS, signatures.evolve, command.signature_id)
    signatures.require_signature(state)
    token, withdrawal_token, now = secrets.token_urlsafe(32), secrets.token_urlsafe(32), _now()
    hashed = email_hash(command.email, signing.email_salt)
    with store.pool.connection() as conn:  # the attempt counts even when the address turns out wrong
        signing.guard.admit(conn, hashed, client_ip, now)
        subject_id = signing.subjects.subject_id(conn, hashed)
    events = signatures.resend_links(state, command, token, withdrawal_token, signing.email_salt, now,
                                     signing.token_ttl, subject_id=subject_id)
    with store.pool.connection() as conn:
        result = store.append(signatures.STREAM_TYPE, command.signature_id, version, events, meta, conn=conn)
        signing.mailer.send_verification(conn, command.signature_id, command.email, token, withdrawal_token)
    return result


def verify_signature(store: EventStore, command: signatures.VerifySignature, meta: CommandMeta) -> AppendResult:
    """Count the signature once its e-mailed token comes back in time."""
    state, version = store.load(EVENTS, signatures.evolve, command.signature_id)
    events = signatures.verify_signature(state, command, _now())
    return _append(store, signatures.STREAM_TYPE, command.signature_id, version, events, meta)


def withdraw_signature(store: EventStore, command: signatures.WithdrawSignature, meta: CommandMeta) -> AppendResult:
    """The signatory withdraws the signature."""
    state, version = store.load(EVENTS, signatures.evolve, command.signature_id)
    events = signatures.withdraw_signature(state, command, _now())
    return _append(store, signatures.STREAM_TYPE, command.signature_id, version, events, meta)


def steward_verify_signature(
    store: EventStore, command: signatures.StewardVerifySignature, meta: CommandMeta
) -> AppendResult:
    """A steward vouches for a self-declared signature they checked with the organisation."""
    state, version = store.load(EVENTS, signatures.evolve, command.signature_id)
    events = signatures.steward_verify(state, command, _now())
    return _append(store, signatures.STREAM_TYPE, command.signature_id, version, events, meta)


def erase_subject(store: EventStore, signing: Signing, command: erasures.EraseSubject,
                  meta: CommandMeta) -> AppendResult:
    """Delete the person's key and record the erasure in one transaction; their queued mail loses its address."""
    with store.pool.connection() as conn:
        found = signing.subjects.forget(conn, email_hash(command.email, signing.email_salt))
        events = erasures.erase_subject(found, command, _now())
        result = store.append(erasures.STREAM_TYPE, command.erasure_id, 0, events, meta, conn=conn)
        signing.mailer.forget_recipients(conn, found.signature_ids)
    return result


def record_organisation(
    store: EventStore, command: organisations.RecordOrganisation, meta: CommandMeta
) -> AppendResult:
    """Give an organisation a record, once for every spelling of its name."""
    stream_id = organisations.organisation_stream_id(command.name)
    state, version = store.load(EVENTS, organisations.evolve, stream_id)
    events = organisations.record_organisation(state, command, _now())
    return store.append(organisations.STREAM_TYPE, stream_id, version, events, meta)


@retry_on_conflict
def verify_domain(store: EventStore, command: organisations.VerifyDomain, meta: CommandMeta) -> AppendResult:
    """A steward verifies one of the organisation's e-mail domains."""
    return _change_organisation(store, command.organisation_id, organisations.verify_domain, command, meta)


@retry_on_conflict
def remove_domain(store: EventStore, command: organisations.RemoveDomain, meta: CommandMeta) -> AppendResult:
    """A steward removes one of the organisation's verified domains."""
    return _change_organisation(store, command.organisation_id, organisations.remove_domain, command, meta)


def _change_organisation(store: EventStore, named: str, decide: Callable[..., list[Event]], command: object,
                         meta: CommandMeta) -> AppendResult:
    stream_id = organisations.organisation_stream_id(named)
    state, version = store.load(EVENTS, organisations.evolve, stream_id)
    return _append(store, organisations.STREAM_TYPE, stream_id, version, decide(state, command, _now()), meta)


def _organisation(store: EventStore, named: str) -> organisations.Organisation:
    state, _ = store.load(EVENTS, organisations.evolve, organisations.organisation_stream_id(named))
    return organisations.require_organisation(state)


def claim_membership(
    store: EventStore, signing: Signing, command: memberships.ClaimMembership, client_ip: str, meta: CommandMeta
) -> AppendResult:
    """Claim membership; the event, the attempt count and the confirmation mail commit together or not at all."""
    organisation = _organisation(store, command.organisation_id)
    stream_id = memberships.membership_stream_id(organisation.organisation_id, command.actor)
    state, version = store.load(EVENTS, memberships.evolve, stream_id)
    token, now = secrets.token_urlsafe(32), _now()
    events = memberships.claim(organisation, state, command, token, now, signing.token_ttl)
    with store.pool.connection() as conn:
        result = store.append(memberships.STREAM_TYPE, stream_id, version, events, meta, conn=conn)
        signing.guard.admit(conn, email_hash(command.email, signing.email_salt), client_ip, now)
        signing.mailer.send_membership(conn, stream_id, command.email, token)
    return result


def confirm_membership(store: EventStore, command: memberships.ConfirmMembership, meta: CommandMeta) -> AppendResult:
    """The claimant follows the mailed link while signed in."""
    state, version = store.load(EVENTS, memberships.evolve, command.membership_id)
    events = memberships.confirm(state, command, _now())
    return _append(store, memberships.STREAM_TYPE, command.membership_id, version, events, meta)


def grant_membership(store: EventStore, command: memberships.GrantMembership, meta: CommandMeta) -> AppendResult:
    """A steward confirms a membership they checked."""
    organisation = _organisation(store, command.organisation_id)
    stream_id = memberships.membership_stream_id(organisation.organisation_id, command.account_id)
    state, version = store.load(EVENTS, memberships.evolve, stream_id)
    events = memberships.grant(organisation, state, command, _now())
    return _append(store, memberships.STREAM_TYPE, stream_id, version, events, meta)


def end_membership(store: EventStore, command: memberships.EndMembership, meta: CommandMeta) -> AppendResult:
    """The member leaves, or a steward ends the membership."""
    state, version = store.load(EVENTS, memberships.evolve, command.membership_id)
    events = memberships.end(state, command, _now())
    return _append(store, memberships.STREAM_TYPE, command.membership_id, version, events, meta)


def _now() -> datetime:
    return datetime.now(UTC)


def _charter(store: EventStore, charter_id: str) -> tuple[charters.Charter, int]:
    state, version = store.load(EVENTS, charters.evolve, charter_id)
    return charters.require_charter(state), version


def _draft(store: EventStore, draft_id: str) -> tuple[drafts.Draft, int]:
    state, version = store.load(EVENTS, drafts.evolve, draft_id)
    return drafts.require_draft(state), version


def _append(
    store: EventStore, stream_type: str, stream_id: str, version: int, events: list[Event], meta: CommandMeta
) -> AppendResult:
    # A command that changes nothing (the same rating again, a second verification) writes nothing.
    if not events:
        return AppendResult(stream_id, version, store.head_position())
    return store.append(stream_type, stream_id, version, events, meta)
