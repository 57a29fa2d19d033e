"""The signature aggregate: an organisation signs an adopted version, verifies by e-mail, may withdraw.

The mailed links are the proof, not an account: the verification token counts the signature, the
withdrawal token withdraws it, and a fresh pair of links, mailed to the address the signature was
requested with, makes the old pair useless.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.contract.organisations import canonical_organisation
from shared.contract.vocabulary import ORGANISATION_TYPES
from shared.envelope import rfc3339
from shared.errors import Forbidden, Invalid, NotFound, optional_text, require_text
from shared.events import DataSubject, Event

from .abuse import email_hash, token_hash, token_matches
from .charters import Charter, require_steward
from .errors import EMPTY, PledgeConflict, TokenExpired, TokenWrong
from .organisations import SELF_DECLARED, STEWARD_VERIFIED, Organisation

STREAM_TYPE = "signature"
ANONYMOUS = "anonymous"  # the actor the gateway forwards for someone who has not signed in
TOKEN_TTL = timedelta(hours=48)
MAX_NAME_CHARS = 200
MAX_STATEMENT_CHARS = 2_000
# Fixed for ever: changing it would give every organisation a second stream, and a second signature.
_NAMESPACE = uuid.UUID("6f1d6a52-3c1e-5b8e-9d7a-2f4b8c0e1a93")
# The signatory's personal fields: sealed for their data subject from v5, shown "erased" once the subject is erased.
PERSONAL = ("signatory_name", "signatory_role", "email_hash")


@dataclass(frozen=True)
class SignatureRequested(Event):
    """An organisation signs a version of a charter, naming it by `organisation_id`, its canonical name."""

    # v2 added `organisation_id`, so consumers never recompute it; v3 added `withdrawal_token_hash`, the
    # mailed withdrawal link's proof (None for older signatures: they have no withdrawal link until a fresh
    # pair of links is sent); v4 added `assurance`, what confirming the mailed link proves (domain-verified when
    # the address is at one of the organisation's verified domains, else self-declared; older signatures are
    # self-declared); v5 seals the signatory's name, role and e-mail hash (PERSONAL) for their data subject:
    # `subject_id` names the subject, whose key the pledge service's key table holds, and `sealed` holds the three
    # (shared/sealing.py), so erasing the subject (deleting the key) leaves them unreadable and the chain intact.
    # From v5 the three plain fields are None; events before it keep them in the clear (history is never edited)
    # and are upcast with `subject_id` and `sealed` None. Older events are upcast on read (shared/upcasting.py);
    # their schemas stay published.
    SCHEMA_VERSION = 5

    signature_id: str
    charter_id: str
    version: int
    organisation_name: str
    organisation_type: str
    area: str | None
    signatory_name: str | None  # in the clear only before v5
    signatory_role: str | None
    email_hash: str | None
    statement: str | None
    token_hash: str
    token_expires_at: str
    requested_by: str
    organisation_id: str
    withdrawal_token_hash: str | None
    assurance: str
    subject_id: str | None
    sealed: str | None


@dataclass(frozen=True)
class SignatureTokensReissued(Event):
    """A fresh pair of links was mailed to the signatory: the tokens before them no longer work."""

    signature_id: str
    token_hash: str
    token_expires_at: str
    withdrawal_token_hash: str
    reissued_at: str


@dataclass(frozen=True)
class SignatureVerified(Event):
    signature_id: str
    verified_at: str


@dataclass(frozen=True)
class SignatureStewardVerified(Event):
    """A steward checked a self-declared signature with the organisation, and recorded how."""

    signature_id: str
    method: str
    verified_by: str
    verified_at: str


@dataclass(frozen=True)
class SignatureWithdrawn(Event):
    signature_id: str
    reason: str | None
    withdrawn_at: str


@dataclass(frozen=True)
class RequestSignature:
    charter_id: str
    version: int
    organisation_name: str
    organisation_type: str
    signatory_name: str
    signatory_role: str
    email: str
    actor: str
    area: str | None = None
    statement: str | None = None
    organisation_id: str | None = None  # a recorded organisation, named by id instead of by name and type


@dataclass(frozen=True)
class StewardVerifySignature:
    signature_id: str
    method: str
    actor: str
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class VerifySignature:
    signature_id: str
    token: str
    actor: str


@dataclass(frozen=True)
class WithdrawSignature:
    """Withdraw as the account that signed, or as whoever holds the mailed withdrawal link's `token`."""

    signature_id: str
    actor: str
    reason: str | None = None
    token: str | None = None


@dataclass(frozen=True)
class ResendSignatureLinks:
    """Mail a fresh pair of links to `email`, which must be the address the signature was requested with."""

    signature_id: str
    email: str
    actor: str


@dataclass(frozen=True)
class Signature:
    request: SignatureRequested
    status: str = "pending"  # pending | verified | withdrawn
    verified_at: str | None = None
    withdrawn_at: str | None = None
    withdrawal_reason: str | None = None
    token_hash: str = ""  # the proofs the latest mailed links carry, and until when the verification one works
    token_expires_at: str = ""
    withdrawal_token_hash: str | None = None
    assurance: str = SELF_DECLARED

    @property
    def counts(self) -> bool:
        """Only a verified, unwithdrawn signature counts."""
        return self.status == "verified"


def signature_stream_id(charter_id: str, version: int, organisation_name: str) -> str:
    """The one stream that holds an organisation's signature of one version of a charter."""
    # Deterministic, so two concurrent first signatures for one organisation both append to the same
    # stream at expected version 0 and the event store refuses the second: uniqueness without a lock.
    key = f"{charter_id}\n{version}\n{canonical_organisation(organisation_name)}"
    return str(uuid.uuid5(_NAMESPACE, key))


def evolve(state: Signature | None, event: Event) -> Signature | None:
    """Apply one signature event to the state."""
    if isinstance(event, SignatureRequested):
        return Signature(event, token_hash=event.token_hash, token_expires_at=event.token_expires_at,
                         withdrawal_token_hash=event.withdrawal_token_hash, assurance=event.assurance)
    if state is None:
        raise ValueError(f"a signature stream starts with SignatureRequested, not {event.type_name()}")
    match event:
        case SignatureVerified():
            return replace(state, status="verified", verified_at=event.verified_at)
        case SignatureWithdrawn():
            return replace(state, status="withdrawn", withdrawn_at=event.withdrawn_at, withdrawal_reason=event.reason)
        case SignatureStewardVerified():
            return replace(state, assurance=STEWARD_VERIFIED)
        case SignatureTokensReissued():
            return replace(state, token_hash=event.token_hash, token_expires_at=event.token_expires_at,
                           withdrawal_token_hash=event.withdrawal_token_hash)
    return state


def request_signature(
    charter: Charter,
    state: Signature | None,
    command: RequestSignature,
    token: str,
    email_salt: str,
    now: datetime,
    ttl: timedelta = TOKEN_TTL,
    *,
    withdrawal_token: str | None = None,
    organisation: Organisation | None = None,
    subjects: Callable[[str], DataSubject],
) -> list[SignatureRequested]:
    """Sign the charter's current version; the signature counts once the e-mailed `token` verifies it.

    The `withdrawal_token`, mailed alongside, withdraws it later without an account. An `organisation` with
    a record gives the signature its name and type, and its verified domains the signature's assurance. The
    signatory's name, role and e-mail hash are sealed for their data subject, `subjects(e-mail hash)`.
    """
    _require_current_version(charter, command.version)
    if command.organisation_id is not None and organisation is None:
        raise NotFound("no organisation has a record with this id", field="organisation_id")
    if organisation is not None:
        command = replace(command, organisation_name=organisation.name,
                          organisation_type=organisation.organisation_type)
    organisation_name, name, role = _require_organisation(command)
    hashed = email_hash(command.email, email_salt)
    subject = subjects(hashed)
    if state is not None:
        _require_free(state, hashed, subject.subject_id, now)
    statement = optional_text(command.statement, "statement", MAX_STATEMENT_CHARS)
    signature_id = signature_stream_id(charter.charter_id, command.version, command.organisation_name)
    personal = {"signatory_name": name, "signatory_role": role, "email_hash": hashed}
    return [
        SignatureRequested(
            signature_id,
            charter.charter_id,
            command.version,
            organisation_name,
            command.organisation_type,
            optional_text(command.area, "area", MAX_NAME_CHARS),
            None,
            None,
            None,
            statement,
            token_hash(token),
            rfc3339(now + ttl),
            command.actor,
            canonical_organisation(command.organisation_name),
            token_hash(withdrawal_token) if withdrawal_token else None,
            organisation.assurance_of(command.email) if organisation is not None else SELF_DECLARED,
            subject.subject_id,
            subject.seal(signature_id, personal),
        )
    ]


def verify_signature(state: Signature | None, command: VerifySignature, now: datetime) -> list[Event]:
    """Count the signature once its e-mailed token comes back unexpired; verifying twice changes nothing."""
    signature = require_signature(state)
    if signature.status == "withdrawn":
        raise PledgeConflict("the signature has been withdrawn", field="signature_id")
    if not token_matches(command.token, signature.token_hash):
        raise TokenWrong("this verification link is not (or no longer) valid; use the latest link we mailed",
                         field="token")
    if signature.status == "verified":
        return []
    if now >= datetime.fromisoformat(signature.token_expires_at):
        raise TokenExpired("this verification link has expired; ask for a new one", field="token")
    return [SignatureVerified(signature.request.signature_id, rfc3339(now))]


def steward_verify(state: Signature | None, command: StewardVerifySignature, now: datetime) -> list[Event]:
    """A steward vouches for a confirmed, self-declared signature, saying how they checked it with the organisation."""
    require_steward(command.actor_roles, "verify a signature")
    signature = require_signature(state)
    method = require_text(command.method, "method", MAX_STATEMENT_CHARS, blank=EMPTY)
    if signature.status != "verified":
        raise PledgeConflict("only a signature confirmed from its mailed link can be steward-verified",
                             field="signature_id")
    if signature.assurance != SELF_DECLARED:
        return []
    return [SignatureStewardVerified(signature.request.signature_id, method, command.actor, rfc3339(now))]


def withdraw_signature(state: Signature | None, command: WithdrawSignature, now: datetime) -> list[Event]:
    """The signatory withdraws the signature, with an optional public reason: by account or by the mailed link."""
    signature = require_signature(state)
    if command.token is not None:
        if signature.withdrawal_token_hash is None or not token_matches(command.token, signature.withdrawal_token_hash):
            raise TokenWrong("this withdrawal link is not (or no longer) valid; use the latest link we mailed",
                             field="token")
    elif command.actor == ANONYMOUS:
        raise Invalid("send the token of the mailed withdrawal link, or sign in as whoever signed", field="token")
    elif command.actor != signature.request.requested_by:
        raise Forbidden("only whoever signed, or the holder of the mailed withdrawal link, may withdraw the signature")
    if signature.status == "withdrawn":
        raise PledgeConflict("the signature is already withdrawn", field="signature_id")
    reason = optional_text(command.reason, "reason", MAX_STATEMENT_CHARS)
    return [SignatureWithdrawn(signature.request.signature_id, reason, rfc3339(now))]


def resend_links(
    state: Signature | None,
    command: ResendSignatureLinks,
    token: str,
    withdrawal_token: str,
    email_salt: str,
    now: datetime,
    ttl: timedelta = TOKEN_TTL,
    *,
    subject_id: str | None = None,
) -> list[Event]:
    """A fresh pair of links for the address the signature was requested with; the old links stop working.

    `subject_id` is the data subject of `command.email`, if it has one: a sealed signature knows its signatory by it.
    """
    signature = require_signature(state)
    if signature.status == "withdrawn":
        raise PledgeConflict("the signature has been withdrawn; sign again instead", field="signature_id")
    if not same_signatory(signature.request, email_hash(command.email, email_salt), subject_id):
        raise Invalid("this is not the address the signature was requested with", field="email")
    return [SignatureTokensReissued(signature.request.signature_id, token_hash(token), rfc3339(now + ttl),
                                    token_hash(withdrawal_token), rfc3339(now))]


def require_signature(state: Signature | None) -> Signature:
    """The signature, or NotFound naming the `signature_id` field."""
    if state is None:
        raise NotFound("no signature with this id", field="signature_id")
    return state


def count_by_type(signatures: Iterable[Signature]) -> dict[str, int]:
    """Signatures that count, per organisation type."""
    return dict(Counter(s.request.organisation_type for s in signatures if s.counts))


def _require_current_version(charter: Charter, version: int) -> None:
    latest = len(charter.versions)
    if not 1 <= version <= latest:
        raise NotFound(f"version {version} of this charter was never adopted", field="version")
    if version != latest:
        raise Invalid(f"version {version} is superseded; sign version {latest}", field="version")


def _require_organisation(command: RequestSignature) -> tuple[str, str, str]:
    """The organisation's name, the signatory's name and role, each stripped; refused when blank or too long."""
    if command.organisation_type not in ORGANISATION_TYPES:
        raise Invalid(f"must be one of {', '.join(ORGANISATION_TYPES)}", field="organisation_type")
    return (
        require_text(command.organisation_name, "organisation_name", MAX_NAME_CHARS, blank=EMPTY),
        require_text(command.signatory_name, "signatory_name", MAX_NAME_CHARS, blank=EMPTY),
        require_text(command.signatory_role, "signatory_role", MAX_NAME_CHARS, blank=EMPTY),
    )


def same_signatory(request: SignatureRequested, hashed_email: str, subject_id: str | None) -> bool:
    """Whether the signature was requested by this person: by their data subject from v5, else by e-mail hash."""
    if request.subject_id is not None:
        return request.subject_id == subject_id
    return request.email_hash == hashed_email


def _require_free(state: Signature, hashed_email: str, subject_id: str, now: datetime) -> None:
    # A pending request holds the organisation's place until its token expires, except against the
    # same signatory asking again for a fresh token; otherwise anyone could hijack a pending signature.
    if state.status == "verified":
        raise PledgeConflict("this organisation has already signed this version", field="organisation_name")
    expired = now >= datetime.fromisoformat(state.token_expires_at)
    if state.status == "pending" and not expired and not same_signatory(state.request, hashed_email, subject_id):
        raise PledgeConflict("this organisation's signature awaits verification", field="organisation_name")
