"""Services that learn from each other through the log keep their word when one of them is down."""

import time

import psycopg

from ..e2e.pilot_steps import (
    adopted_charter,
    eventually,
    organisation_name,
    propose_barrier,
    propose_solution,
    running_pilot,
    sign_and_verify,
)


def evidence_in_the_knowledge_store(settings, barrier_id: str) -> list[dict]:
    with psycopg.connect(settings.database_url) as conn:
        return [r[0] for r in conn.execute(
            "SELECT envelope -> 'data' FROM knowledge.events WHERE stream_id = %s"
            " AND type = 'BarrierRemovalEvidenced' ORDER BY version", [barrier_id])]


def test_a_barrier_removed_while_the_knowledge_service_is_down_is_evidenced_once_it_is_back(
        fault_stack, fault_settings, fault_web):
    web = fault_web
    photos = propose_barrier(web, "Photo uploads refused")
    consent = propose_solution(web, photos, "A consent form for photos")
    pilot = running_pilot(web, web.as_user("steward"), photos)
    pilot.lead.move_barrier(pilot.pilot_id, photos, "in_progress")

    fault_stack.stop("knowledge", "knowledge-subscriptions")
    removed = pilot.lead.move_barrier(pilot.pilot_id, photos, "removed", "Consent form agreed", solution_id=consent,
                                      solution_title="A consent form for photos")
    while_down = evidence_in_the_knowledge_store(fault_settings, photos)
    fault_stack.start("knowledge", "knowledge-subscriptions")
    page = eventually(lambda: web.request("GET", f"/api/v1/barriers/{photos}"),
                      lambda r: r.status == 200 and r.body.get("evidence"), timeout_s=60)
    time.sleep(3)  # long enough for a redelivered event to show as a second record

    assert removed.status == 201, removed.body
    assert while_down == []
    recorded = evidence_in_the_knowledge_store(fault_settings, photos)
    assert [(e["pilot_id"], e["organisation"], e["solution_id"]) for e in recorded] == [
        (pilot.pilot_id, pilot.organisation, consent)]
    assert [e["pilot_id"] for e in page.body["evidence"]] == [pilot.pilot_id]


def test_the_pilots_service_restarted_while_signatures_arrive_knows_every_signatory_once_back(
        fault_stack, fault_web):
    web = fault_web
    charter_id = adopted_charter(web)
    early, late, lead = organisation_name(), organisation_name(), web.as_user("pilot_lead")
    early_signature, early_signer = sign_and_verify(web, charter_id, early)
    first = eventually(lambda: lead.propose_pilot(early), lambda r: r.status == 201)

    fault_stack.stop("pilots", "pilots-subscriptions")
    sign_and_verify(web, charter_id, late)
    withdrawn = early_signer.withdraw_signature(early_signature, "Our new leader disagrees")
    fault_stack.start("pilots", "pilots-subscriptions")
    late_pilot = eventually(lambda: lead.propose_pilot(late), lambda r: r.status == 201, timeout_s=60)
    early_again = eventually(lambda: lead.propose_pilot(early), lambda r: r.status == 403, timeout_s=60)
    page = eventually(lambda: web.read_pilot(first.body["pilot_id"]), lambda r: r.body.get("warnings"))

    assert first.status == 201 and withdrawn.status == 201, withdrawn.body
    assert late_pilot.status == 201, late_pilot.body
    assert early_again.status == 403 and "organisation_id" in early_again.body["errors"]
    assert [w["code"] for w in page.body["warnings"]] == ["signature_withdrawn"]
