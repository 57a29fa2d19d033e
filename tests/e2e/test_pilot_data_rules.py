"""A pilot's data rules through the gateway: dated reports, fixed units, readings within the pilot's dates,
independent stewards, and leads who are accounts; each refusal a clear 4xx that writes nothing."""

import datetime

import pytest

from .clients import WebClient
from .pilot_steps import adopted_charter, eventually, organisation_name, running_pilot, sign_and_verify

HEADER = "reported_on,metric,value,unit\n"  # the pilots here start on 2025-01-06


@pytest.fixture(scope="module")
def pilot(stack, settings):
    """An active pilot (started 2025-01-06) with its lead; each test files on its own days and metrics."""
    web = WebClient(f"http://{settings.host}:{settings.gateway_port}")
    return running_pilot(web, web.as_user("steward"))


def test_a_lead_files_reports_for_different_days_and_a_second_for_one_day_is_refused_naming_it(web, pilot):
    lead = pilot.lead

    earlier = lead.report_progress(pilot.pilot_id, "First month", reported_on="2025-03-03")
    today = lead.report_progress(pilot.pilot_id, "Today")
    before = web.store_head("pilots")
    again = lead.report_progress(pilot.pilot_id, "Again", reported_on="2025-03-03")

    assert earlier.status == 201 and today.status == 201, (earlier.body, today.body)
    assert again.status == 409 and "2025-03-03" in again.body["errors"]["reported_on"][0], again.body
    assert web.store_head("pilots") == before
    reports = web.read_pilot(pilot.pilot_id, token=today.body["consistency_token"]).body["reports"]
    assert [r["reported_on"] for r in reports] == [datetime.date.today().isoformat(), "2025-03-03"]


@pytest.mark.parametrize("day", ["2025-01-05", (datetime.date.today() + datetime.timedelta(days=2)).isoformat()],
                         ids=["before the pilot started", "in the future"])
def test_a_report_dated_outside_the_pilot_is_refused_naming_the_date(web, pilot, day):
    before = web.store_head("pilots")

    r = pilot.lead.report_progress(pilot.pilot_id, "t", reported_on=day)

    assert (r.status, r.body["code"]) == (422, "outside_pilot_dates"), r.body
    assert day in r.body["errors"]["reported_on"][0]
    assert web.store_head("pilots") == before


def test_a_metric_keeps_the_unit_of_its_first_reading_in_reports_and_imports(web, pilot):
    lead = pilot.lead
    first = lead.report_progress(pilot.pilot_id, "", [{"name": "adoption", "value": 5, "unit": "percent"}],
                                 reported_on="2025-01-20")
    before = web.store_head("pilots")

    reported = lead.report_progress(pilot.pilot_id, "", [{"name": "adoption", "value": 60, "unit": "people"}],
                                    reported_on="2025-02-01")
    imported = lead.upload_pilot_csv(pilot.pilot_id, "metrics", HEADER + "2025-02-02,adoption,61,people\n")

    assert first.status == 201, first.body
    assert (reported.status, reported.body["code"]) == (422, "unit_changed"), reported.body
    assert reported.body["errors"]["metrics"] == ["adoption is measured in percent, not people"]
    assert (imported.status, imported.body["code"]) == (422, "csv_rejected"), imported.body
    assert [(row["line"], row["field"]) for row in imported.body["rows"]] == [(2, "unit")]
    assert "adoption is measured in percent" in imported.body["rows"][0]["message"]
    assert web.store_head("pilots") == before


def test_imported_readings_from_before_the_pilot_started_are_refused_with_their_line(web, pilot):
    before = web.store_head("pilots")

    r = pilot.lead.upload_pilot_csv(pilot.pilot_id, "metrics",
                                    HEADER + "2025-01-06,visitors,3,people\n2024-11-30,visitors,2,people\n")

    assert (r.status, r.body["code"]) == (422, "csv_rejected"), r.body
    assert [(row["line"], row["field"]) for row in r.body["rows"]] == [(3, "reported_on")]
    assert "before the pilot started on 2025-01-06" in r.body["rows"][0]["message"]
    assert web.store_head("pilots") == before


def test_a_steward_who_co_leads_a_pilot_cannot_approve_it_and_its_approver_cannot_verify_it(web):
    organisation = organisation_name()
    sign_and_verify(web, adopted_charter(web), organisation)
    steward_lead, steward = web.as_user("pilot_lead", "steward"), web.as_user("steward")
    proposed = eventually(lambda: steward_lead.propose_pilot(organisation), lambda r: r.status == 201)
    pilot_id, before = proposed.body["pilot_id"], web.store_head("pilots")

    own = steward_lead.approve_pilot(pilot_id)
    unchanged = web.store_head("pilots") == before
    steward.approve_pilot(pilot_id)
    steward_lead.start_pilot(pilot_id)
    steward_lead.complete_pilot(pilot_id)
    steward_lead.record_outcome(pilot_id)
    by_approver = steward.verify_outcome(pilot_id, "I approved it")
    by_another = web.as_user("steward").verify_outcome(pilot_id, "Checked on site")

    assert (own.status, own.body["code"]) == (403, "not_independent") and unchanged, own.body
    assert "proposed or leads this pilot" in own.body["message"]
    assert (by_approver.status, by_approver.body["code"]) == (403, "not_independent"), by_approver.body
    assert "approved the pilot" in by_approver.body["message"]
    assert by_another.status == 201, by_another.body


def test_a_proposal_naming_a_lead_who_is_not_an_account_is_refused_naming_leads(web):
    organisation = organisation_name()
    sign_and_verify(web, adopted_charter(web), organisation)
    lead = web.as_user("pilot_lead")
    eventually(lambda: lead.propose_pilot(organisation, leads=(lead.actor,), title="Probe"),
               lambda r: r.status == 201)
    before = web.store_head("pilots")

    r = lead.propose_pilot(organisation, leads=(lead.actor, "not-an-account"))

    assert (r.status, r.body["code"]) == (422, "validation_failed"), r.body
    assert r.body["errors"]["leads"] == ["no account has the id 'not-an-account'"]
    assert web.store_head("pilots") == before
