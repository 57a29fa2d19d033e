"""A request to erase that cannot be carried out is refused with a stable code naming the field, writing nothing."""

import uuid

import pytest

from .test_my_signatures import a_browser

RULE = "uk-gdpr-17-1-a"


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({"rule": RULE}, 422, "validation_failed", "email"),
    ({"email": "someone@example.org"}, 422, "validation_failed", "rule"),
    ({"email": "someone@example.org", "rule": "because"}, 422, "validation_failed", "rule"),
    ({"email": "   ", "rule": RULE}, 422, "validation_failed", "email"),
    ({"email": "not an address", "rule": RULE}, 422, "validation_failed", "email"),
    ({"email": 42, "rule": RULE}, 422, "validation_failed", "email"),
    ({"email": f"nobody-{uuid.uuid4().hex[:8]}@example.org", "rule": RULE}, 404, "not_found", "email"),
])
def test_a_bad_erasure_request_names_its_field_and_writes_nothing(steward, body, status, code, field):
    head = steward.store_head("pledge")

    refused = steward.request("POST", "/api/v1/erasures", body)

    assert (refused.status, refused.body["code"]) == (status, code), refused.body
    assert field in refused.body["errors"]
    assert steward.store_head("pledge") == head


def test_only_a_steward_may_erase_or_read_the_log_of_erasures(web):
    participant = web.as_user()

    erase = participant.request("POST", "/api/v1/erasures", {"email": "someone@example.org", "rule": RULE})
    log = participant.request("GET", "/api/v1/erasures", None)
    anonymous = web.anonymous().request("GET", "/api/v1/erasures", None)

    assert (erase.status, erase.body["code"]) == (403, "forbidden")
    assert (log.status, log.body["code"]) == (403, "forbidden")
    assert anonymous.status == 401


def test_the_erasure_screen_shows_a_refusal_beside_its_field_and_never_the_address_typed(web, steward):
    browser = a_browser(web, steward)
    address = f"nobody-{uuid.uuid4().hex[:8]}@example.org"
    assert browser.open("/stewardship/erasures").status == 200

    refused = browser.submit("/stewardship/erasures", {"email": address, "rule": RULE})

    assert refused.status == 404
    assert "There is a problem" in refused.body and 'href="#email"' in refused.body
    assert address not in refused.body


def test_a_participant_is_refused_the_erasure_screen(web):
    page = a_browser(web, web.as_user()).open("/stewardship/erasures")

    assert page.status == 403


def test_the_api_document_describes_asking_for_an_erasure_and_reading_the_log(web):
    document = web.request("GET", "/api/v1/openapi.json").body
    erasures = document["paths"]["/api/v1/erasures"]
    body = erasures["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]

    assert set(document["components"]["schemas"][body]["required"]) == {"email", "rule"}
    assert {"403", "404"} <= set(erasures["post"]["responses"])  # a steward's command, about someone who signed
    assert "Erasures" in str(erasures["get"]["responses"])
