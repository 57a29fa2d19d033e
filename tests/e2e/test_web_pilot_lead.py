"""A pilot's lead runs the pilot in the web pages; a steward verifies its outcome; nobody else can."""

from __future__ import annotations

import re
import uuid

from .clients import PageReader, Response
from .pilot_steps import RunningPilot, eventually, propose_barrier, propose_solution, running_pilot

BAD_CSV = "milestone_id,title,due_date,done_date\n,Kick-off with the sponsor,2025-02-01,\n,,someday,\n"
GOOD_CSV = ("milestone_id,title,due_date,done_date\n,Kick-off with the sponsor,2025-02-01,2025-01-20\n"
            ",Every team on the shared drive,2025-06-01,\n")
SOLUTION_OPTION = re.compile(r'<option value="([0-9a-f-]{36})">Open a team drive')
OUTCOME = {"complete": "yes", "what_worked": "A sponsor who cleared the way", "what_did_not": "Procurement",
           "lessons": "Start with one team", "completion": "substantial"}




def open_pilot(browser: PageReader, pilot: RunningPilot) -> Response:
    """The pilot's page, once it shows everything the pilot's steps so far wrote."""
    return browser.open(f"/pilots/{pilot.pilot_id}?consistency_token={pilot.token}")



def test_a_barrier_a_lead_removes_with_a_solution_shows_the_pilot_as_evidence_on_its_page(web):
    word = uuid.uuid4().hex[:10]
    barrier_id = propose_barrier(web, f"Shared drives locked {word}")
    propose_solution(web, barrier_id, f"Open a team drive {word}")
    pilot = running_pilot(web, web.as_user("steward"))
    lead, path = PageReader.signed_in(pilot.lead), f"/pilots/{pilot.pilot_id}"
    eventually(lambda: lead.open(f"{path}?barrier_q={word}"), lambda r: f'value="{barrier_id}"' in r.body)
    targeted = eventually(lambda: lead.submit(f"{path}/barriers", {"barrier_id": barrier_id, "notes": "Week one"}),
                          lambda r: r.status == 303)
    lead.follow(targeted)
    lead.follow(lead.submit(f"{path}/barriers/{barrier_id}/status", {"status": "in_progress"}))
    page = eventually(lambda: lead.open(path), lambda r: SOLUTION_OPTION.search(r.body) is not None)
    solution_id = SOLUTION_OPTION.search(page.body).group(1)

    unnamed = lead.submit(f"{path}/barriers/{barrier_id}/status", {"status": "removed", "solution_id": ""})
    removed = lead.submit(f"{path}/barriers/{barrier_id}/status", {"status": "removed", "solution_id": solution_id,
                                                                   "notes": "Drive opened to all teams"})

    assert unnamed.status == 422 and 'id="barrier-1-solution_id-err"' in unnamed.body
    assert "removed, using Open a team drive" in lead.follow(removed).body
    evidence = eventually(lambda: lead.open(f"/barriers/{barrier_id}"), lambda r: "Removed in pilots" in r.body)
    assert f'href="{path}"' in evidence.body and f"using Open a team drive {word}" in evidence.body


def test_a_lead_reports_on_an_earlier_day_and_a_second_report_that_day_is_refused_beside_the_date(web):
    pilot = running_pilot(web, web.as_user("steward"))
    lead, path = PageReader.signed_in(pilot.lead), f"/pilots/{pilot.pilot_id}"
    open_pilot(lead, pilot)
    report = {"reported_on": "2025-02-03", "text": "Teams met", "metric_name": "", "metric_value": "",
              "metric_unit": ""}

    filed = lead.submit(f"{path}/reports", report)
    again = lead.submit(f"{path}/reports", report | {"text": "Teams met again"})

    assert filed.status == 303 and "Teams met" in lead.follow(filed).body
    assert again.status == 409 and 'id="reported_on-err"' in again.body and "2025-02-03" in again.body


def test_a_milestone_a_lead_adds_and_marks_done_shows_as_progress_on_the_pilot_page(web):
    pilot = running_pilot(web, web.as_user("steward"))
    lead, path = PageReader.signed_in(pilot.lead), f"/pilots/{pilot.pilot_id}"
    open_pilot(lead, pilot)
    page = lead.follow(lead.submit(f"{path}/milestones", {"title": "Teams share one drive",
                                                             "due_date": "2025-03-01"}))
    mark_done = re.search(r'action="(/pilots/[^"]+/milestones/[^"]+/done)"', page.body).group(1)

    page = lead.follow(lead.submit(mark_done, {"done_date": "2025-02-20"}))

    assert "Milestones done: 1 of 1" in page.body
    assert "The milestone is marked done." in page.body


def test_a_csv_file_with_a_bad_row_is_refused_naming_its_line_and_a_good_one_imports(web):
    pilot = running_pilot(web, web.as_user("steward"))
    lead, path = PageReader.signed_in(pilot.lead), f"/pilots/{pilot.pilot_id}"
    open_pilot(lead, pilot)
    before = web.store_head("pilots")

    refused = lead.upload(f"{path}/milestones/upload", {}, {"csv": ("plan.csv", BAD_CSV.encode(), "text/csv")})
    written_on_refusal = web.store_head("pilots") != before
    imported = lead.upload(f"{path}/milestones/upload", {}, {"csv": ("plan.csv", GOOD_CSV.encode(), "text/csv")})

    assert refused.status == 422 and 'id="milestones-csv-err"' in refused.body
    assert "Line 3, title" in refused.body and "ine 2" not in refused.body
    assert not written_on_refusal
    page = lead.follow(imported)
    assert "Every team on the shared drive" in page.body and "Milestones done: 1 of 2" in page.body
    export = re.search(r'href="(/api/v1/pilots/[^"]+/milestones\.csv)"', page.body).group(1)
    assert "Kick-off with the sponsor,2025-02-01,2025-01-20" in lead.open(export).body


def test_a_completed_pilots_outcome_is_self_reported_until_a_steward_verifies_it(web):
    pilot = running_pilot(web, web.as_user("steward"))
    lead, path = PageReader.signed_in(pilot.lead), f"/pilots/{pilot.pilot_id}"
    open_pilot(lead, pilot)
    completed = lead.follow(lead.submit(f"{path}/outcome", OUTCOME))
    steward = PageReader.signed_in(web.as_user("steward"))
    offered = steward.open(path)

    verified = steward.follow(steward.submit(f"{path}/outcome/verification", {"comment": "Met the sponsor"}))

    assert "status-completed" in completed.body and "status-self-reported" in completed.body
    assert "Substantial" in completed.body and "Record the outcome as verified" not in completed.body
    assert "Record the outcome as verified" in offered.body
    assert "status-verified" in verified.body and "status-self-reported" not in verified.body


def test_a_stop_without_a_reason_is_refused_next_to_the_field_and_one_with_a_reason_stops_the_pilot(web):
    pilot = running_pilot(web, web.as_user("steward"))
    lead, path = PageReader.signed_in(pilot.lead), f"/pilots/{pilot.pilot_id}"
    open_pilot(lead, pilot)

    refused = lead.submit(f"{path}/stop", {"reason": ""})
    stopped = lead.follow(lead.submit(f"{path}/stop", {"reason": "The sponsor moved on"}))

    assert refused.status == 422 and 'id="stop-reason-err"' in refused.body
    assert "status-stopped" in stopped.body and "The sponsor moved on" in stopped.body


def test_a_participant_who_is_not_a_lead_gets_no_lead_forms_and_a_forged_post_writes_nothing(web):
    pilot = running_pilot(web, web.as_user("steward"))
    participant, path = PageReader.signed_in(web.as_user()), f"/pilots/{pilot.pilot_id}"
    page = open_pilot(participant, pilot)
    before = web.store_head("pilots")

    forged = participant.submit(f"{path}/milestones", {"title": "Forged", "due_date": "2025-03-01"})

    assert page.status == 200 and f'action="{path}/' not in page.body
    assert forged.status == 403 and "leads may do this" in forged.body
    assert web.store_head("pilots") == before
