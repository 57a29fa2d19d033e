"""Bad pilot commands get a clear 4xx naming the field, and write nothing."""

import uuid

import pytest

from .clients import WebClient
from .pilot_steps import adopted_charter, eventually, organisation_name, running_pilot, sign_and_verify


@pytest.fixture(scope="module")
def pilots(stack, settings):
    """A pilot only proposed, and an active one (started 2025-01-06), each with its lead."""
    web = WebClient(f"http://{settings.host}:{settings.gateway_port}")
    organisation = organisation_name()
    sign_and_verify(web, adopted_charter(web), organisation)
    lead = web.as_user("pilot_lead")
    proposed = eventually(lambda: lead.propose_pilot(organisation), lambda r: r.status == 201).body["pilot_id"]
    return {"proposed": (proposed, lead), "active": running_pilot(web, web.as_user("steward")),
            "organisation": organisation}


def test_an_organisation_that_never_signed_is_refused_a_pilot_naming_the_organisation(web):
    lead, before = web.as_user("pilot_lead"), web.store_head("pilots")

    r = lead.propose_pilot(organisation_name())

    assert (r.status, r.body["code"]) == (403, "unsigned_organisation") and "organisation_id" in r.body["errors"]
    assert web.store_head("pilots") == before


def test_targeting_a_barrier_the_knowledge_base_does_not_hold_is_a_404_naming_it(web, pilots):
    pilot, before = pilots["active"], web.store_head("pilots")

    r = pilot.lead.target_barrier(pilot.pilot_id, str(uuid.uuid4()))

    assert (r.status, r.body["code"]) == (404, "unknown_barrier") and "barrier_id" in r.body["errors"]
    assert web.store_head("pilots") == before


def test_completing_a_pilot_that_was_never_approved_is_refused(web, pilots):
    pilot_id, lead = pilots["proposed"]
    before = web.store_head("pilots")

    r = lead.complete_pilot(pilot_id)

    assert (r.status, r.body["code"]) == (409, "illegal_transition") and "status" in r.body["errors"]
    assert web.store_head("pilots") == before


def test_a_milestone_due_before_the_pilot_starts_is_refused_naming_the_due_date(web, pilots):
    pilot, before = pilots["active"], web.store_head("pilots")

    r = pilot.lead.add_milestone(pilot.pilot_id, "Kick-off", "2024-12-31")

    assert (r.status, r.body["code"]) == (422, "milestone_before_start") and "due_date" in r.body["errors"]
    assert web.store_head("pilots") == before


def test_a_csv_file_with_bad_rows_is_refused_whole_with_the_line_of_each_problem(web, pilots):
    pilot, before = pilots["active"], web.store_head("pilots")
    text = "milestone_id,title,due_date,done_date\n,Survey,2025-03-01,\n,,2025-04-01,\n,Launch,someday,\n"

    r = pilot.lead.upload_pilot_csv(pilot.pilot_id, "milestones", text)

    assert (r.status, r.body["code"]) == (422, "csv_rejected")
    assert [(row["line"], row["field"]) for row in r.body["rows"]] == [(3, "title"), (4, "due_date")]
    assert r.body["errors"]["csv"][0].startswith("line 3, title:")
    assert web.store_head("pilots") == before


@pytest.mark.parametrize("raw, content_type, status", [
    (b"reported_on,metric,value,unit\n", "application/json", 415),
    (b"\xff\xfe not utf-8", "text/csv", 422),
])
def test_a_metrics_upload_that_is_not_utf8_csv_is_refused(web, pilots, raw, content_type, status):
    pilot, before = pilots["active"], web.store_head("pilots")

    r = pilot.lead.request("POST", f"/api/v1/pilots/{pilot.pilot_id}/metrics/import", raw=raw,
                           content_type=content_type)

    assert r.status == status, r.body
    assert web.store_head("pilots") == before


PROPOSALS = {
    "missing title": ({"title": None}, "title"),
    "leads not a list": ({"leads": "me"}, "leads"),
    "no leads": ({"leads": []}, "leads"),
    "start that is not a date": ({"start_date": "next week"}, "start_date"),
    "end before start": ({"planned_end_date": "2024-01-01"}, "planned_end_date"),
    "unknown field": ({"budget": 5}, "budget"),
}


@pytest.mark.parametrize("change, field", PROPOSALS.values(), ids=PROPOSALS.keys())
def test_an_ill_formed_proposal_is_refused_naming_the_field(web, pilots, change, field):
    lead = web.as_user("pilot_lead")
    body = {"organisation_id": pilots["organisation"], "title": "t", "aims": "a", "sponsor_name": "s",
            "sponsor_role": "r", "leads": [lead.actor], "start_date": "2025-01-06", "planned_end_date": "2025-12-31"}
    body |= change
    before = web.store_head("pilots")

    r = lead.request("POST", "/api/v1/pilots", {k: v for k, v in body.items() if v is not None})

    assert r.status == 422 and field in r.body["errors"], r.body
    assert web.store_head("pilots") == before


COMMANDS = {
    "metric value as text": ("reports", {"text": "t", "metrics": [{"name": "n", "value": "140", "unit": "u"}]},
                             "metrics"),
    "metric value true": ("reports", {"metrics": [{"name": "n", "value": True, "unit": "u"}]}, "metrics"),
    "unknown barrier status": ("barriers/b-1/status", {"status": "vanished"}, "status"),
    "barrier id not text": ("barriers", {"barrier_id": 7}, "barrier_id"),
    "milestone without a due date": ("milestones", {"title": "Survey"}, "due_date"),
    "completion off the OGP scale": ("outcome", {"what_worked": "a", "what_did_not": "b", "lessons": "c",
                                                 "completion": "brilliant"}, "completion"),
}


@pytest.mark.parametrize("path, body, field", COMMANDS.values(), ids=COMMANDS.keys())
def test_an_ill_typed_command_is_refused_naming_the_field(web, pilots, path, body, field):
    pilot, before = pilots["active"], web.store_head("pilots")

    r = pilot.lead.request("POST", f"/api/v1/pilots/{pilot.pilot_id}/{path}", body)

    assert r.status == 422 and field in r.body["errors"], r.body
    assert web.store_head("pilots") == before


def test_only_a_steward_approves_a_pilot(web, pilots):
    pilot_id, lead = pilots["proposed"]
    before = web.store_head("pilots")

    r = lead.approve_pilot(pilot_id)

    assert (r.status, r.body["code"]) == (403, "forbidden")
    assert web.store_head("pilots") == before
