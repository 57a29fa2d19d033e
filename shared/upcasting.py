"""Old events read as new: upcasters from one `(type, schema_version)` to the next, applied on read.

History is never edited (shared/DESIGN.md): an event changes shape by a new `schema_version` of its type,
and an upcaster here that turns the previous version's `data` into the new one. Every consumer reads
through `upcast` — aggregate replay (`EventRegistry.from_envelope`, `EventStore.load`), every projection
and subscription (`Projection` hands its handlers upcast envelopes), and so the audit replay — so no
consumer ever branches on a version.

What is published is the log as stored: the topics, the audit export, and the gateway's delivery room (the
feed behind the live stream, and webhooks) pass envelopes as they were written and hashed, since the
hash chain covers the stored bytes. A handler that forwards or keeps envelopes asks for `as_stored(env)`.

Type names are shared by producers (`CommentPosted` is pledge's and knowledge's): an upcaster for such a
type must handle each producer's data, or leave one alone (it sees the whole envelope's `data` only, so
register such a type's upcaster with `producer=`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .contract.organisations import canonical_organisation

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

# (type, schema_version) -> the function from that version's `data` to the next version's.
UPCASTERS: dict[tuple[str, int], Upcaster] = {}
# Upcasters that apply to one producer's type only: (producer, type, schema_version) -> function.
_BY_PRODUCER: dict[tuple[str, str, int], Upcaster] = {}


class Upcast(dict[str, Any]):
    """An envelope raised to its type's newest version, which remembers the envelope as stored."""

    stored: dict[str, Any]


def upcaster(type_name: str, from_version: int, *, producer: str | None = None) -> Callable[[Upcaster], Upcaster]:
    """Register `fn(data) -> data` taking `type_name` events from `from_version` to `from_version + 1`."""
    def register(fn: Upcaster) -> Upcaster:
        key = (type_name, from_version)
        table: dict = UPCASTERS if producer is None else _BY_PRODUCER
        full = key if producer is None else (producer, *key)
        if full in table:
            raise ValueError(f"two upcasters for {type_name} v{from_version}")
        table[full] = fn
        return fn
    return register


def step(type_name: str, version: int, producer: str | None = None) -> Upcaster | None:
    """The upcaster from `version` of `type_name` to the next, if there is one."""
    if producer is not None and (fn := _BY_PRODUCER.get((producer, type_name, version))) is not None:
        return fn
    return UPCASTERS.get((type_name, version))


def upcast_data(type_name: str, version: int, data: Mapping[str, Any], *, producer: str | None = None,
                to: int | None = None) -> tuple[int, dict[str, Any]]:
    """`data` of `version` raised through the chain: to version `to`, or as far as upcasters go."""
    out = dict(data)
    while (to is None or version < to) and (fn := step(type_name, version, producer)) is not None:
        out, version = fn(dict(out)), version + 1
    return version, out


def upcast(envelope: dict[str, Any]) -> dict[str, Any]:
    """The envelope at its type's newest version (itself, untouched, if it is there already).

    Only `data` and `schema_version` change; the rest, `hash` included, stays as stored, so an upcast
    envelope never verifies against the chain: `as_stored` gives back the one that does.
    """
    version = envelope.get("schema_version", 1)
    if step(envelope["type"], version, envelope.get("producer")) is None:
        return envelope
    newest, data = upcast_data(envelope["type"], version, envelope["data"], producer=envelope.get("producer"))
    raised = Upcast(envelope, schema_version=newest, data=data)
    raised.stored = as_stored(envelope)
    return raised


def as_stored(envelope: dict[str, Any]) -> dict[str, Any]:
    """The envelope as it was written and hashed, whether or not it has been upcast."""
    return getattr(envelope, "stored", envelope)


# The upcasters of the published event types, oldest first.


@upcaster("SignatureRequested", 1, producer="pledge")
def _signature_requested_names_its_organisation(data: dict[str, Any]) -> dict[str, Any]:
    """v2 carries the organisation's id, its canonical name, so no consumer recomputes it."""
    return data | {"organisation_id": canonical_organisation(data["organisation_name"])}


@upcaster("SignatureRequested", 2, producer="pledge")
def _signature_requested_may_carry_a_withdrawal_link(data: dict[str, Any]) -> dict[str, Any]:
    """v3 carries the mailed withdrawal link's token hash; a signature made before it had no such link."""
    return data | {"withdrawal_token_hash": None}


@upcaster("SignatureRequested", 3, producer="pledge")
def _signature_requested_states_its_assurance(data: dict[str, Any]) -> dict[str, Any]:
    """v4 carries what the mailed link proves; before organisations had verified domains, a signature proved none."""
    return data | {"assurance": "self-declared"}


@upcaster("SignatureRequested", 4, producer="pledge")
def _signature_requested_may_seal_its_signatory(data: dict[str, Any]) -> dict[str, Any]:
    """v5 seals the signatory's name, role and e-mail hash for a data subject; a v4 event holds them in the clear.

    They stay in the clear (history is never edited) with no subject and nothing sealed: erasing such a
    signatory is recorded by an ErasureCompleted naming the signature, which readers apply as they read on.
    """
    return data | {"subject_id": None, "sealed": None}


@upcaster("PilotProposed", 1, producer="pilots")
def _pilot_proposed_may_seal_its_sponsor(data: dict[str, Any]) -> dict[str, Any]:
    """v2 seals the sponsor's name and role for a data subject; a v1 event holds them in the clear, as they stay."""
    return data | {"subject_id": None, "sealed": None}


@upcaster("BarrierEndorsed", 1, producer="knowledge")
@upcaster("SolutionEndorsed", 1, producer="knowledge")
@upcaster("EndorsementWithdrawn", 1, producer="knowledge")
def _endorsement_names_its_organisation(data: dict[str, Any]) -> dict[str, Any]:
    """v2 carries the organisation's id, its canonical name, as signatures do: one organisation, one endorsement."""
    return data | {"organisation_id": canonical_organisation(data["organisation"])}
