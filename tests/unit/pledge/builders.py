"""Builders for pledge domain tests: aggregates replayed from the events that made them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from services.pledge.domain import EVENTS, charters, drafts, signatures
from services.pledge.domain.abuse import email_hash
from shared import sealing
from shared.events import DataSubject, Event, replay

S = TypeVar("S")

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
STEWARD = "steward-1"
STEWARDS = frozenset({"steward"})  # the roles a steward acts with
PARTICIPANT = frozenset({"participant"})  # every account holds it; it runs no rounds
SALT = "test-salt"
TOKEN = "token-abc"
KEY = sealing.new_key()  # every test subject's key: the pledge service's key table holds one per subject


def SUBJECTS(hashed_email: str) -> DataSubject:  # noqa: N802 - passed as a constant, the key table's part
    """The data subject of an e-mail hash, the same for the same address, sealing with KEY."""
    subject_id = f"subject-{hashed_email[:12]}"
    return DataSubject(subject_id, lambda record, fields: sealing.seal(KEY, subject_id, record, fields))


def subject_id_of(email: str) -> str:
    """The id of the data subject who signs with `email` (what the handler finds in the key table)."""
    return SUBJECTS(email_hash(email, SALT)).subject_id


def unsealed(event: signatures.SignatureRequested) -> dict[str, str]:
    """The signatory's personal fields a signature request sealed."""
    assert event.subject_id is not None and event.sealed is not None
    return sealing.open_sealed(KEY, event.subject_id, event.signature_id, event.sealed)


def later(hours: float) -> datetime:
    """A moment `hours` after T0."""
    return T0 + timedelta(hours=hours)


def through_the_log(events: Iterable[Event]) -> list[Event]:
    """The events as a consumer gets them back: JSON data turned into event classes again."""
    return [EVENTS.from_data(e.type_name(), json.loads(json.dumps(e.to_data()))) for e in events]


def apply(evolve: Callable[[S | None, Event], S | None], state: S | None, events: Iterable[Event]) -> S | None:
    """Fold new events into an existing state."""
    return replay(evolve, events, state)


def a_charter(charter_id: str = "charter-1") -> charters.Charter:
    """A new charter with its first round open."""
    command = charters.CreateCharter(charter_id, "The pledge", "Make government interactive", STEWARD, STEWARDS)
    return replay(charters.evolve, charters.create_charter(command), None)


def a_draft(
    charter: charters.Charter,
    draft_id: str = "draft-1",
    author: str = "alice",
    text: str = "We commit to open ways of working.",
    parents: tuple[drafts.Draft, ...] = (),
) -> drafts.Draft:
    """A draft proposed in the charter's open round."""
    command = drafts.ProposeDraft(
        draft_id,
        charter.charter_id,
        f"Title of {draft_id}",
        text,
        "summary",
        tuple(p.draft_id for p in parents),
        author,
    )
    events = drafts.propose_draft(charter, {p.draft_id: p for p in parents}, command, T0)
    return replay(drafts.evolve, events, None)


def rated(charter: charters.Charter, draft: drafts.Draft, *ratings: tuple[str, int]) -> drafts.Draft:
    """The draft after each (rater, stars) rating."""
    for rater, stars in ratings:
        events = drafts.rate_draft(charter, draft, drafts.RateDraft(draft.draft_id, stars, rater), T0)
        draft = apply(drafts.evolve, draft, events)
    return draft


def closed(charter: charters.Charter) -> charters.Charter:
    """The charter after its steward closes the open round."""
    events = charters.close_round(charter, charters.CloseRound(charter.charter_id, STEWARD, STEWARDS))
    return apply(charters.evolve, charter, events)


def with_adopted_version(charter: charters.Charter, draft: drafts.Draft) -> charters.Charter:
    """The charter after its steward adopts the draft."""
    events = charters.adopt_version(
        charter, draft, charters.AdoptVersion(charter.charter_id, draft.draft_id, STEWARD, STEWARDS), T0
    )
    return apply(charters.evolve, charter, events)


def an_adopted_charter() -> charters.Charter:
    """A charter whose first version is adopted."""
    charter = a_charter()
    return with_adopted_version(charter, a_draft(charter))


def sign_request(
    organisation: str = "Leeds City Council",
    email: str = "ceo@leeds.gov.uk",
    version: int = 1,
    actor: str = "signer-1",
) -> signatures.RequestSignature:
    """A command to sign a version on behalf of an organisation."""
    return signatures.RequestSignature(
        "charter-1",
        version,
        organisation,
        "council",
        "Jane Example",
        "Chief Executive",
        email,
        actor,
        area="Leeds",
    )


def requested(
    charter: charters.Charter,
    command: signatures.RequestSignature | None = None,
    state: signatures.Signature | None = None,
) -> signatures.Signature:
    """The signature after a request with TOKEN at T0."""
    events = signatures.request_signature(charter, state, command or sign_request(), TOKEN, SALT, T0, subjects=SUBJECTS)
    return apply(signatures.evolve, state, events)


def verified(charter: charters.Charter, command: signatures.RequestSignature | None = None) -> signatures.Signature:
    """A signature requested and verified an hour later."""
    signature = requested(charter, command)
    verify = signatures.VerifySignature(signature.request.signature_id, TOKEN, "anyone")
    return apply(signatures.evolve, signature, signatures.verify_signature(signature, verify, later(1)))
