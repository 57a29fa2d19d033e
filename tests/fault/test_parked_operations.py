"""An operator looks after a parked event: sees it in health, the metrics, the admin API, the page and the
command line; retries it (it fails again, counted); skips it with a reason; and the system is ready again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

from deploy.local.stack import ROOT

from ..e2e.clients import PageReader, WebClient
from ..e2e.pilot_steps import eventually
from .test_poison import RawEvent, write_straight_into


def charter(system, *args: str) -> subprocess.CompletedProcess:
    """`charter parked …` as its own process, acting with the system's first admin's API token."""
    env = os.environ | system.settings.to_env() | {"PYTHONPATH": str(ROOT), "CHARTER_TOKEN": system.admin.token}
    return subprocess.run([sys.executable, "-m", "services.gateway.audit.cli", "parked", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def parked_of(admin: WebClient, stream_id: str, include_resolved: bool = False) -> list[dict]:
    listed = admin.request("GET", "/api/v1/admin/parked" + ("?all=true" if include_resolved else ""))
    assert listed.status == 200, listed.body
    return [p for p in listed.body["parked"] if p["stream_id"] == stream_id]


def test_a_parked_event_is_seen_retried_and_skipped_by_an_operator_and_the_system_is_ready_again(system):
    admin = WebClient.of(system.url, system.admin)
    draft_id = str(uuid.uuid4())
    write_straight_into(system, "pledge", "draft", draft_id, RawEvent("DraftProposed", {"nonsense": 1}))

    found = eventually(lambda: parked_of(admin, draft_id), lambda ps: any(p["store"] == "gateway" for p in ps),
                       timeout_s=30)
    projector = next(p for p in found if p["store"] == "gateway")
    ready = eventually(lambda: admin.request("GET", "/readyz"), lambda r: r.status == 503, timeout_s=10)
    metrics = admin.request("GET", "/metrics").body.splitlines()
    listed = charter(system, "list", "--json")
    page = PageReader.signed_in(admin).open("/admin/system")

    assert projector["consumer"] == "gateway-projector" and projector["type"] == "DraftProposed"
    assert projector["attempts"] == 1 and projector["error"] and projector["handler"]
    assert any("parked" in problem and "projector" in problem for problem in ready.body["problems"]), ready.body
    assert 'charter_parked_events{consumer="gateway-projector.charter.pledge.v1"} 1.0' in metrics
    assert listed.returncode == 0, listed.stderr
    assert draft_id in [p["stream_id"] for p in json.loads(listed.stdout)]
    assert page.status == 200 and draft_id in page.body and "Skip" in page.body

    retried = charter(system, "retry", "gateway", str(projector["parked_id"]))
    again = eventually(lambda: parked_of(admin, draft_id), lambda ps: any(
        p["store"] == "gateway" and p["attempts"] == 2 and p["status"] == "parked" for p in ps), timeout_s=20)

    assert retried.returncode == 0, retried.stderr
    assert next(p for p in again if p["store"] == "gateway")["error"] == projector["error"]

    no_reason = charter(system, "skip", "gateway", str(projector["parked_id"]))
    for p in found:  # every consumer that parked it, the projector through the command line, others by the API
        if p["store"] == "gateway":
            skipped = charter(system, "skip", "gateway", str(p["parked_id"]), "--reason", "a bad import, see #12")
            assert skipped.returncode == 0, skipped.stderr
        else:
            asked = admin.request("POST", f"/api/v1/admin/parked/{p['store']}/{p['parked_id']}/skip",
                                  {"reason": "a bad import, see #12"})
            assert asked.status == 202, asked.body
    cleared = eventually(lambda: parked_of(admin, draft_id), lambda ps: ps == [], timeout_s=20)
    started = time.monotonic()
    ready_again = eventually(lambda: admin.request("GET", "/readyz"), lambda r: r.status == 200, timeout_s=20)
    history = parked_of(admin, draft_id, include_resolved=True)

    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    assert cleared == []
    assert ready_again.status == 200, (ready_again.body, time.monotonic() - started)
    assert {(p["status"], p["reason"], p["requested_by"]) for p in history} == {
        ("skipped", "a bad import, see #12", system.admin.account_id)}
