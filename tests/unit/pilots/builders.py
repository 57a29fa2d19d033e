"""Pilots at each point of their life, and the views of the pledge and knowledge base they meet."""

from __future__ import annotations

from datetime import date

from services.pilots.domain.barriers import BarrierTargeted, BarrierWorkStarted
from services.pilots.domain.known_barriers import BarrierHiddenSeen, BarrierSeen, KnownBarriers, SolutionSeen
from services.pilots.domain.known_barriers import from_facts as knowledge_from
from services.pilots.domain.pilots import (
    PilotApproved,
    PilotCompleted,
    PilotProposed,
    PilotStarted,
    PilotStopped,
    ProposePilot,
    evolve,
)
from services.pilots.domain.signatories import Signatories, SignatureVerifiedSeen, SignatureWithdrawnSeen
from services.pilots.domain.signatories import from_facts as signatories_from
from services.pilots.domain.state import Pilot
from shared import sealing
from shared.events import DataSubject, Event, replay

PILOT = "pilot-1"
ORG = "org-leeds"
PROPOSER, LEAD, STEWARD, OUTSIDER = "u-proposer", "u-lead", "u-steward", "u-outsider"
VERIFIER = "u-verifier"  # a second steward, neither part of the pilot nor its approver
STEWARDS = frozenset({"steward"})
TODAY = date(2025, 3, 1)
START, END = date(2025, 4, 1), date(2025, 12, 31)
KEY = sealing.new_key()  # every test sponsor's key: the pilots service's key table holds one per pilot


def SPONSORS(pilot_id: str) -> DataSubject:  # noqa: N802 - passed as a constant, the key table's part
    """The data subject of a pilot's sponsor, sealing with KEY."""
    subject_id = f"sponsor-{pilot_id}"
    return DataSubject(subject_id, lambda record, fields: sealing.seal(KEY, subject_id, record, fields))
PHOTOS, IT_POLICY, HIDDEN = "b-photos", "b-it-policy", "b-hidden"


def verified(organisation_id: str = ORG) -> SignatureVerifiedSeen:
    """The pledge fact that an organisation's signature of version 1 was verified."""
    return SignatureVerifiedSeen(organisation_id, "Leeds City Council", "local_authority", "charter-1", 1)


def withdrawn(organisation_id: str = ORG) -> SignatureWithdrawnSeen:
    """The pledge fact that an organisation withdrew its signature of version 1."""
    return SignatureWithdrawnSeen(organisation_id, "charter-1", 1)


def signed(organisation_id: str = ORG) -> Signatories:
    """A signatories view in which the organisation holds a live, verified signature."""
    return signatories_from(verified(organisation_id))


def knowledge() -> KnownBarriers:
    """A knowledge view with two visible barriers, one hidden, and one solution."""
    return knowledge_from(
        BarrierSeen(PHOTOS, "Photo uploads refused"),
        BarrierSeen(IT_POLICY, "IT policy blocks collaboration tools"),
        BarrierSeen(HIDDEN, "Spam"),
        BarrierHiddenSeen(HIDDEN, True),
        SolutionSeen("s-consent", PHOTOS, "A consent form for photos"),
    )


def propose(**overrides: object) -> ProposePilot:
    """A valid proposal, with any field overridden."""
    fields = dict(
        pilot_id=PILOT,
        organisation_id=ORG,
        title="Open collaboration",
        aims="Staff use shared tools",
        sponsor_name="Tom Riordan",
        sponsor_role="Chief Executive",
        leads=(LEAD,),
        start_date=START,
        planned_end_date=END,
        actor=PROPOSER,
        actor_roles=frozenset({"pilot_lead"}),
    )
    return ProposePilot(**fields | overrides)


def proposed_event() -> PilotProposed:
    """The event a valid proposal produces, its sponsor sealed."""
    sponsor = SPONSORS(PILOT)
    return PilotProposed(
        PILOT, ORG, "Leeds City Council", "local_authority", "Open collaboration", "Staff use shared tools",
        None, None, (LEAD,), START.isoformat(), END.isoformat(), PROPOSER, sponsor.subject_id,
        sponsor.seal(PILOT, {"sponsor_name": "Tom Riordan", "sponsor_role": "Chief Executive"}),
    )  # fmt: skip


LIFECYCLE: dict[str, tuple[Event, ...]] = {
    "proposed": (proposed_event(),),
    "approved": (proposed_event(), PilotApproved(PILOT, STEWARD, "2025-03-02")),
    "active": (proposed_event(), PilotApproved(PILOT, STEWARD, "2025-03-02"), PilotStarted(PILOT, LEAD, "2025-04-01")),
}
LIFECYCLE["completed"] = LIFECYCLE["active"] + (PilotCompleted(PILOT, LEAD, "2025-12-20"),)
LIFECYCLE["stopped"] = LIFECYCLE["active"] + (PilotStopped(PILOT, "Funding ended", LEAD, "2025-06-01"),)


def replay_pilot(*events: Event) -> Pilot | None:
    """The pilot state these events fold into."""
    return replay(evolve, events, None)


def pilot_in(status: str, *more: Event) -> Pilot:
    """A pilot that has reached `status`, then had `more` happen."""
    return replay_pilot(*LIFECYCLE[status], *more)


def working_on_photos() -> Pilot:
    """An active pilot whose work on the photo-uploads barrier is in progress."""
    return pilot_in(
        "active",
        BarrierTargeted(PILOT, PHOTOS, "Photo uploads refused", "", LEAD, "2025-04-02"),
        BarrierWorkStarted(PILOT, PHOTOS, "Talking to IT", LEAD, "2025-04-03"),
    )
