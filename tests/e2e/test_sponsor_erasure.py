"""A pilot's sponsor is erased on request: the pilot, its page and its timeline read "erased", the log holds no
plaintext of them, chains verify, and a replay builds the same read models as the live system."""

import uuid

from .auditor import audit
from .pilot_steps import adopted_charter, eventually, organisation_name, sign_and_verify
from .test_erasure import wait_for_the_projector
from .test_my_signatures import a_browser

RULE = "uk-gdpr-17-1-a"


def a_pilot_sponsored_by(web, name: str, role: str) -> str:
    charter_id, organisation = adopted_charter(web), organisation_name()
    sign_and_verify(web, charter_id, organisation)
    lead = web.as_user("pilot_lead")
    proposed = eventually(lambda: lead.propose_pilot(organisation, sponsor_name=name, sponsor_role=role),
                          lambda r: r.status == 201)
    lead.wait_until_read(proposed.body["consistency_token"])
    return proposed.body["pilot_id"]


def test_an_erased_sponsor_reads_erased_and_the_log_holds_none_of_them(web, steward, settings, stack, tmp_path):
    name, role = f"Sponsor {uuid.uuid4().hex[:8]}", f"Director of {uuid.uuid4().hex[:8]}"
    pilot_id = a_pilot_sponsored_by(web, name, role)
    before = web.request("GET", f"/api/v1/pilots/{pilot_id}").body["sponsor"]

    erased = steward.request("POST", f"/api/v1/pilots/{pilot_id}/sponsor/erasure", {"rule": RULE})
    steward.wait_until_read(erased.body["consistency_token"])
    again = steward.request("POST", f"/api/v1/pilots/{pilot_id}/sponsor/erasure", {"rule": RULE})

    assert erased.status == 201, erased.body
    assert before == {"name": name, "role": role}
    assert web.request("GET", f"/api/v1/pilots/{pilot_id}").body["sponsor"] == {"name": "erased", "role": "erased"}
    page = a_browser(web).open(f"/pilots/{pilot_id}")
    assert page.status == 200 and name not in page.body and role not in page.body
    assert (again.status, list(again.body["errors"])) == (409, ["pilot_id"])  # erased once, and only once
    log = steward.request("GET", "/api/v1/erasures", None, limit="100").body["items"]
    assert any(e["erasure_id"] == erased.body["erasure_id"] and e["service"] == "pilots" for e in log)

    export = tmp_path / "log.jsonl"
    assert audit(settings, "export", "--out", str(export)).code == 0
    exported = export.read_text()
    assert pilot_id in exported and name not in exported and role not in exported
    verified = audit(settings, "verify")
    assert verified.code == 0, verified.out + verified.err
    wait_for_the_projector(stack)
    replayed = audit(settings, "replay", timeout=600)
    assert replayed.json == {"equal": True, "differences": {}}, replayed.out + replayed.err


def test_only_a_steward_may_erase_a_sponsor_and_a_bad_rule_names_its_field(web, steward):
    pilot_id = a_pilot_sponsored_by(web, "Sam Sponsor", "Chief Executive")
    head = steward.store_head("pilots")

    participant = web.as_user().request("POST", f"/api/v1/pilots/{pilot_id}/sponsor/erasure", {"rule": RULE})
    bad_rule = steward.request("POST", f"/api/v1/pilots/{pilot_id}/sponsor/erasure", {"rule": "because"})
    unknown = steward.request("POST", f"/api/v1/pilots/{uuid.uuid4()}/sponsor/erasure", {"rule": RULE})

    assert (participant.status, participant.body["code"]) == (403, "forbidden")
    assert (bad_rule.status, bad_rule.body["code"], list(bad_rule.body["errors"])) == (422, "validation_failed",
                                                                                      ["rule"])
    assert unknown.status == 404 and "pilot_id" in unknown.body["errors"]
    assert steward.store_head("pilots") == head
    assert web.request("GET", f"/api/v1/pilots/{pilot_id}").body["sponsor"]["name"] == "Sam Sponsor"


def test_a_steward_erases_a_sponsor_from_the_screen_and_a_malformed_pilot_id_is_named(web, steward):
    pilot_id = a_pilot_sponsored_by(web, "Pat Page", "Chief Executive")
    browser = a_browser(web, steward)
    assert browser.open("/stewardship/erasures").status == 200

    malformed = browser.submit("/stewardship/erasures/sponsor", {"pilot_id": "not-a-pilot", "rule": RULE})
    sent = browser.submit("/stewardship/erasures/sponsor", {"pilot_id": pilot_id, "rule": RULE})
    shown = browser.follow(sent)

    assert malformed.status == 422 and 'href="#sponsor-pilot_id"' in malformed.body
    assert sent.status == 303 and "name and role are erased" in shown.body
    assert web.request("GET", f"/api/v1/pilots/{pilot_id}").body["sponsor"]["name"] == "erased"
