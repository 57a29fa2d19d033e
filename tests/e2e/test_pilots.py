"""A pilot's whole story through the gateway: refused, signed, approved, run, completed — and seen everywhere."""

import pytest

from .clients import WebClient
from .pilot_steps import (
    adopted_charter,
    eventually,
    organisation_name,
    propose_barrier,
    propose_solution,
    running_pilot,
    sign_and_verify,
)


@pytest.fixture(scope="module")
def story(stack, settings):
    """An organisation refused a pilot, then signing, piloting, removing one of two barriers and completing."""
    web = WebClient(f"http://{settings.host}:{settings.gateway_port}")
    steward, lead = web.as_user("steward"), web.as_user("pilot_lead")
    organisation, charter_id = organisation_name(), adopted_charter(web)
    photos, it_policy = propose_barrier(web, "Photo uploads refused"), propose_barrier(web, "IT policy blocks tools")
    consent = propose_solution(web, photos, "A consent form for photos")

    refused = lead.propose_pilot(organisation, title="Open by default")
    sign_and_verify(web, charter_id, organisation)
    proposed = eventually(lambda: lead.propose_pilot(organisation, title="Open by default"), lambda r: r.status == 201)
    pilot_id = proposed.body["pilot_id"]
    approved = steward.approve_pilot(pilot_id)
    lead.start_pilot(pilot_id)
    for barrier_id in (photos, it_policy):
        eventually(lambda b=barrier_id: lead.target_barrier(pilot_id, b), lambda r: r.status == 201)
    lead.report_progress(pilot_id, "Tools rolled out", [{"name": "staff using the new tools", "value": 140,
                                                         "unit": "people"}])
    lead.move_barrier(pilot_id, photos, "in_progress", "Talking to IT")
    removed = lead.move_barrier(pilot_id, photos, "removed", "Consent form agreed", solution_id=consent,
                                solution_title="A consent form for photos")
    completed = lead.complete_pilot(pilot_id)
    return dict(web=web, organisation=organisation, pilot_id=pilot_id, photos=photos, consent=consent,
                refused=refused, proposed=proposed, approved=approved, removed=removed, completed=completed)


def test_an_unsigned_organisation_is_refused_and_accepted_once_it_has_signed(story):
    refused, proposed = story["refused"], story["proposed"]

    assert (refused.status, refused.body["code"]) == (403, "unsigned_organisation"), refused.body
    assert "organisation_id" in refused.body["errors"]
    assert proposed.status == 201 and story["approved"].status == 201
    assert story["removed"].status == 201 and story["completed"].status == 201, story["removed"].body


def test_the_pilot_page_shows_the_barriers_the_report_and_a_timeline(story):
    page = story["web"].read_pilot(story["pilot_id"], token=story["completed"].body["consistency_token"]).body

    assert page["status"] == "completed" and page["sponsor"] == {"name": "Tom Riordan", "role": "Chief Executive"}
    barriers = {b["barrier_title"]: b for b in page["barriers"]}
    assert barriers["Photo uploads refused"]["status"] == "removed"
    assert barriers["Photo uploads refused"]["solution_title"] == "A consent form for photos"
    assert barriers["IT policy blocks tools"]["status"] == "encountered"
    assert page["latest_report"]["metrics"] == [{"name": "staff using the new tools", "value": 140, "unit": "people"}]
    assert [e["type"] for e in page["timeline"]] == [
        "PilotProposed", "PilotApproved", "PilotStarted", "BarrierTargeted", "BarrierTargeted", "ProgressReported",
        "BarrierWorkStarted", "BarrierRemoved", "PilotCompleted"]
    assert "A consent form for photos" in page["timeline"][7]["summary"]
    assert page["warnings"] == []


def test_the_dashboard_and_the_organisation_page_show_the_pilots_progress(story):
    web, token = story["web"], story["completed"].body["consistency_token"]

    listed = web.read_pilots_dashboard(status="completed", limit="100", consistency_token=token).body
    organisation = web.read_organisation(story["organisation"]).body
    figures = web.read_pilot_figures().body

    mine = next(p for p in listed["items"] if p["pilot_id"] == story["pilot_id"])
    assert mine["progress"] == {"milestones_done": 0, "milestones_total": 0, "barriers_removed": 1,
                                "barriers_targeted": 2}
    assert mine["latest_report"]["text"] == "Tools rolled out"
    assert organisation["signature"] == "signed" and organisation["name"] == story["organisation"]
    assert [p["pilot_id"] for p in organisation["pilots"]] == [story["pilot_id"]]
    assert [b["barrier_id"] for b in organisation["barriers_removed"]] == [story["photos"]]
    assert figures["pilots_by_status"]["completed"] >= 1 and figures["pilots_by_organisation_type"]["council"] >= 1


def test_the_barrier_page_shows_it_was_removed_in_the_pilot_using_the_solution(story):
    web = story["web"]

    page = eventually(lambda: web.request("GET", f"/api/v1/barriers/{story['photos']}"),
                      lambda r: r.status == 200 and r.body.get("evidence"))

    assert [(e["pilot_id"], e["pilot_title"], e["organisation"], e["solution_id"], e["solution_title"])
            for e in page.body["evidence"]] == [
        (story["pilot_id"], "Open by default", story["organisation"], story["consent"], "A consent form for photos")]


def test_milestones_and_metrics_go_up_as_csv_and_come_back_in_the_same_format(web):
    pilot = running_pilot(web, web.as_user("steward"))
    milestones = "milestone_id,title,due_date,done_date\nm-1,Staff survey,2025-02-01,2025-02-03\n,Launch,2027-01-01,\n"
    metrics = "reported_on,metric,value,unit\n2025-02-01,staff using the new tools,140,people\n" \
              "2025-03-01,staff using the new tools,212,people\n"

    up = [pilot.lead.upload_pilot_csv(pilot.pilot_id, kind, text) for kind, text in
          (("milestones", milestones), ("metrics", metrics))]
    down = pilot.lead.download_pilot_csv(pilot.pilot_id, "milestones")
    chart = web.read_pilot_metrics(pilot.pilot_id, consistency_token=up[1].body["consistency_token"]).body

    assert [r.status for r in up] == [201, 201], [r.body for r in up]
    assert down.status == 200 and down.headers["Content-Type"].startswith("text/csv")
    assert down.body.splitlines()[:2] == ["milestone_id,title,due_date,done_date",
                                          "m-1,Staff survey,2025-02-01,2025-02-03"]
    assert chart["metrics"] == [{"name": "staff using the new tools", "unit": "people", "points": [
        {"reported_on": "2025-02-01", "value": 140}, {"reported_on": "2025-03-01", "value": 212}]}]


def test_an_outcome_is_self_reported_until_an_independent_steward_verifies_it(web):
    pilot = running_pilot(web, web.as_user("steward"))
    pilot.lead.complete_pilot(pilot.pilot_id)
    recorded = pilot.lead.record_outcome(pilot.pilot_id, "substantial")
    before = web.read_pilot(pilot.pilot_id, token=recorded.body["consistency_token"]).body["outcome"]

    verified = web.as_user("steward").verify_outcome(pilot.pilot_id, "Checked with staff")
    after = web.read_pilot(pilot.pilot_id, token=verified.body["consistency_token"]).body["outcome"]

    assert (before["completion"], before["assessment"]) == ("substantial", "self-reported")
    assert (after["assessment"], after["comment"]) == ("verified", "Checked with staff")
