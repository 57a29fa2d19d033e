"""Erasure: a steward erases a person's personal data on request, under a rule of the UK GDPR.

The person's fields in the log are sealed with their data subject's key (signatures.DataSubject); erasing deletes
the key, which the handler does in the transaction that appends `ErasureCompleted`. The event names no one: the
random subject id, whose key is gone, and the signatures whose signatory is erased (those sealed for the subject,
and those recorded in the clear before sealing, found by the e-mail hash), so every reader, live or replaying,
shows "erased" for those fields from that point of the log on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.contract.vocabulary import ERASURE_RULES
from shared.envelope import rfc3339
from shared.errors import Invalid, NotFound
from shared.events import Event

from .charters import require_steward

STREAM_TYPE = "erasure"


@dataclass(frozen=True)
class ErasureCompleted(Event):
    """A person's personal fields can no longer be read: their data subject's key is deleted. Names no one."""

    erasure_id: str
    subject_id: str | None  # None when the person signed only before fields were sealed, so had no key
    signature_ids: tuple[str, ...]
    rule: str
    requested_by: str
    erased_at: str


@dataclass(frozen=True)
class EraseSubject:
    """Erase the personal data of whoever signed with `email`, under `rule` (one of ERASURE_RULES)."""

    erasure_id: str
    email: str
    rule: str
    actor: str
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Found:
    """What the pledge service holds of a person: their data subject (if any) and the signatures they requested."""

    subject_id: str | None
    signature_ids: tuple[str, ...]


def erase_subject(found: Found, command: EraseSubject, now: datetime) -> list[ErasureCompleted]:
    """A steward erases a person found by their e-mail address; refused when nothing of them is held."""
    require_steward(command.actor_roles, "erase a person's data")
    if command.rule not in ERASURE_RULES:
        raise Invalid(f"must be one of {', '.join(ERASURE_RULES)}", field="rule")
    if found.subject_id is None and not found.signature_ids:
        raise NotFound("no signature was requested with this address, or its signatory is already erased",
                       field="email")
    return [ErasureCompleted(command.erasure_id, found.subject_id, tuple(sorted(found.signature_ids)), command.rule,
                             command.actor, rfc3339(now))]
