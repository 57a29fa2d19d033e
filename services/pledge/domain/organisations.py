"""The organisation aggregate: a record an organisation signs under, with the e-mail domains stewards verified.

An organisation's id is the canonical form of its name (shared/contract/organisations.py), the id signature,
endorsement and pilot events have carried since their v2: every spelling of one name is one organisation. A
signature made from a confirmed address at one of the record's verified domains is domain-verified; any
other is self-declared until a steward checks it. Stewards verify and remove domains, and each change records
its evidence as an event.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from shared.contract.organisations import canonical_organisation
from shared.contract.vocabulary import ORGANISATION_TYPES
from shared.envelope import rfc3339
from shared.errors import Invalid, NotFound, require_text
from shared.events import Event

from .abuse import canonical_email
from .charters import require_steward
from .errors import EMPTY, PledgeConflict

STREAM_TYPE = "organisation"
MAX_NAME_CHARS = 200
MAX_EVIDENCE_CHARS = 2_000
DOMAIN_VERIFIED, STEWARD_VERIFIED, SELF_DECLARED = "domain-verified", "steward-verified", "self-declared"
ASSURANCES = (DOMAIN_VERIFIED, STEWARD_VERIFIED, SELF_DECLARED)
# Anyone can open a mailbox at these, so an address there proves nothing about an employer.
FREE_MAIL = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com", "live.co.uk",
    "msn.com", "yahoo.com", "yahoo.co.uk", "icloud.com", "me.com", "aol.com", "protonmail.com", "proton.me",
    "gmx.com", "gmx.co.uk", "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "mail.com",
})
_DOMAIN = re.compile(r"(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
# Fixed for ever: the stream of an organisation is found from its id alone.
_NAMESPACE = uuid.UUID("0b7c2a4e-95d1-5f3a-8c61-3e9d4f2a7b10")


@dataclass(frozen=True)
class OrganisationRecorded(Event):
    """An organisation has a record: its id (the canonical name), how it is shown, and its type."""

    organisation_id: str
    name: str
    organisation_type: str
    recorded_by: str
    recorded_at: str


@dataclass(frozen=True)
class OrganisationDomainVerified(Event):
    """A steward checked that the organisation controls an e-mail domain, and recorded how."""

    organisation_id: str
    domain: str
    evidence: str
    verified_by: str
    verified_at: str


@dataclass(frozen=True)
class OrganisationDomainRemoved(Event):
    """A steward took a domain off the record: addresses there no longer prove membership."""

    organisation_id: str
    domain: str
    reason: str
    removed_by: str
    removed_at: str


@dataclass(frozen=True)
class RecordOrganisation:
    name: str
    organisation_type: str
    actor: str


@dataclass(frozen=True)
class VerifyDomain:
    organisation_id: str
    domain: str
    evidence: str
    actor: str
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RemoveDomain:
    organisation_id: str
    domain: str
    reason: str
    actor: str
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Organisation:
    organisation_id: str
    name: str
    organisation_type: str
    domains: frozenset[str] = frozenset()

    def assurance_of(self, email: str) -> str:
        """What confirming a mailed link at `email` proves: domain-verified at a verified domain or below it."""
        domain = canonical_email(email).rpartition("@")[2]
        verified = any(domain == d or domain.endswith("." + d) for d in self.domains)
        return DOMAIN_VERIFIED if verified else SELF_DECLARED


class OrganisationAlreadyRecorded(PledgeConflict):
    """Every spelling of one name is one organisation: a second record of it is refused."""

    code = "organisation_already_recorded"


def organisation_stream_id(organisation_id_or_name: str) -> str:
    """The one stream of an organisation, found from any spelling of its name (its id is one of them)."""
    return str(uuid.uuid5(_NAMESPACE, canonical_organisation(organisation_id_or_name)))


def evolve(state: Organisation | None, event: Event) -> Organisation | None:
    """Apply one organisation event to the state."""
    match event:
        case OrganisationRecorded():
            return Organisation(event.organisation_id, event.name, event.organisation_type)
        case OrganisationDomainVerified() if state is not None:
            return replace(state, domains=state.domains | {event.domain})
        case OrganisationDomainRemoved() if state is not None:
            return replace(state, domains=state.domains - {event.domain})
    raise ValueError(f"an organisation stream starts with OrganisationRecorded, not {event.type_name()}")


def record_organisation(state: Organisation | None, command: RecordOrganisation, now: datetime) -> list[Event]:
    """Anyone signed in records an organisation that has no record yet, under any spelling of its name."""
    name = require_text(command.name, "name", MAX_NAME_CHARS, blank=EMPTY)
    if command.organisation_type not in ORGANISATION_TYPES:
        raise Invalid(f"must be one of {', '.join(ORGANISATION_TYPES)}", field="organisation_type")
    if state is not None:
        raise OrganisationAlreadyRecorded(f"{state.name} already has a record, as {state.organisation_id!r}",
                                          field="name")
    return [OrganisationRecorded(canonical_organisation(name), name, command.organisation_type,
                                 command.actor, rfc3339(now))]


def verify_domain(state: Organisation | None, command: VerifyDomain, now: datetime) -> list[Event]:
    """A steward adds a domain the organisation controls, saying how they checked; a free-mail domain never."""
    require_steward(command.actor_roles, "verify an organisation's domain")
    organisation = require_organisation(state)
    domain = _domain(command.domain)
    evidence = require_text(command.evidence, "evidence", MAX_EVIDENCE_CHARS, blank=EMPTY)
    if domain in organisation.domains:
        return []
    return [OrganisationDomainVerified(organisation.organisation_id, domain, evidence, command.actor, rfc3339(now))]


def remove_domain(state: Organisation | None, command: RemoveDomain, now: datetime) -> list[Event]:
    """A steward takes a verified domain off the record, saying why."""
    require_steward(command.actor_roles, "remove an organisation's domain")
    organisation = require_organisation(state)
    domain = _domain(command.domain)
    reason = require_text(command.reason, "reason", MAX_EVIDENCE_CHARS, blank=EMPTY)
    if domain not in organisation.domains:
        raise NotFound(f"{domain} is not a verified domain of {organisation.name}", field="domain")
    return [OrganisationDomainRemoved(organisation.organisation_id, domain, reason, command.actor, rfc3339(now))]


def require_organisation(state: Organisation | None) -> Organisation:
    """The organisation, or NotFound naming the `organisation_id` field."""
    if state is None:
        raise NotFound("no organisation has a record with this id", field="organisation_id")
    return state


def _domain(value: str) -> str:
    domain = value.strip().lower().rstrip(".")
    if not _DOMAIN.fullmatch(domain):
        raise Invalid("not an e-mail domain (such as hull.gov.uk)", field="domain")
    if domain in FREE_MAIL:
        raise Invalid("anyone can have an address at a free-mail domain: it proves no membership", field="domain")
    return domain

