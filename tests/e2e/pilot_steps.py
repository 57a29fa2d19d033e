"""Steps the pilot tests share: a charter to sign, an organisation that signs it, barriers to target.

The pilots service learns of signatures and barriers from the log, a moment after they happen, so
the steps that depend on that knowledge wait for it (`eventually`) rather than sleep.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from .clients import Response, WebClient


def eventually(attempt: Callable[[], Response], until: Callable[[Response], bool], timeout_s: float = 30) -> Response:
    """Repeat `attempt` until its response satisfies `until`, or the time is up; returns the last response."""
    deadline = time.monotonic() + timeout_s
    while True:
        response = attempt()
        if until(response) or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def organisation_name() -> str:
    """A fresh organisation's name, spelt the way people do."""
    return f"Borough of {uuid.uuid4().hex[:10].upper()}  Council"


def adopted_charter(web: WebClient) -> str:
    """A charter whose version 1 has been adopted, ready to sign; a steward creates it and adopts the version."""
    steward = web.as_user("steward")
    charter_id = steward.create_charter(title="Interactive Charter").body["charter_id"]
    draft = steward.propose_draft(charter_id, "I want my organisation to get interactivity.").body
    adopted = steward.adopt_draft(charter_id, draft["draft_id"])
    assert adopted.status == 201, adopted.body
    return charter_id


def sign_and_verify(web: WebClient, charter_id: str, organisation: str) -> tuple[str, WebClient]:
    """The organisation signs version 1 and its signatory follows the e-mailed link; the signature and signer."""
    address = f"10.{random.randrange(1, 250)}.{random.randrange(1, 250)}.{random.randrange(1, 250)}"
    signer = web.as_user().from_address(address)
    signed = signer.sign_charter(charter_id, 1, organisation, f"ceo-{uuid.uuid4().hex[:8]}@example.org")
    assert signed.status == 201, signed.body
    verified = signer.follow_verification_link(signed.body["signature_id"])
    assert verified.status == 201, verified.body
    return signed.body["signature_id"], signer


def propose_barrier(web: WebClient, title: str) -> str:
    """A barrier in the knowledge base; its id."""
    r = web.request("POST", "/api/v1/barriers", {"title": title, "description": f"{title}, in practice.",
                                                 "category": "it_policy_and_tools"})
    assert r.status == 201, r.body
    return r.body["barrier_id"]


def propose_solution(web: WebClient, barrier_id: str, title: str) -> str:
    """A solution to a barrier in the knowledge base; its id."""
    r = web.request("POST", "/api/v1/solutions", {"title": title, "body": f"{title}: how we did it.",
                                                  "barrier_ids": [barrier_id]})
    assert r.status == 201, r.body
    return r.body["solution_id"]


@dataclass
class RunningPilot:
    pilot_id: str
    organisation: str
    lead: WebClient
    token: str


def running_pilot(web: WebClient, steward: WebClient, *barrier_ids: str) -> RunningPilot:
    """A signatory's pilot, approved, started, targeting the given barriers."""
    organisation = organisation_name()
    sign_and_verify(web, adopted_charter(web), organisation)
    lead = web.as_user("pilot_lead")
    proposed = eventually(lambda: lead.propose_pilot(organisation), lambda r: r.status == 201)
    assert proposed.status == 201, proposed.body
    pilot_id = proposed.body["pilot_id"]
    assert steward.approve_pilot(pilot_id).status == 201
    token = lead.start_pilot(pilot_id).body["consistency_token"]
    for barrier_id in barrier_ids:
        targeted = eventually(lambda b=barrier_id: lead.target_barrier(pilot_id, b), lambda r: r.status == 201)
        assert targeted.status == 201, targeted.body
        token = targeted.body["consistency_token"]
    return RunningPilot(pilot_id, organisation, lead, token)
