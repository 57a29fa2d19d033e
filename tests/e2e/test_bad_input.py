import uuid

import pytest


@pytest.fixture
def charter_id(steward):
    return steward.create_charter().body["charter_id"]


CASES = {
    "malformed JSON": dict(raw=b'{"title": "x",', expect=(400, "malformed_json", None)),
    "wrong content type": dict(
        raw=b"title=x", content_type="application/x-www-form-urlencoded", expect=(415, "unsupported_media_type", None)
    ),
    "not an object": dict(body=["x"], expect=(422, "validation_failed", "_schema")),
    "missing text": dict(body={"title": "t"}, expect=(422, "validation_failed", "text")),
    "text of the wrong type": dict(body={"title": "t", "text": 5}, expect=(422, "validation_failed", "text")),
    "unknown field": dict(
        body={"title": "t", "text": "x", "colour": "red"}, expect=(422, "validation_failed", "colour")
    ),
    "empty text": dict(body={"title": "t", "text": ""}, expect=(422, "validation_failed", "text")),
    "over-long text": dict(body={"title": "t", "text": "x" * 20_001}, expect=(422, "validation_failed", "text")),
    "parent that is not an id": dict(
        body={"title": "t", "text": "x", "parents": ["nope"]}, expect=(422, "validation_failed", "parents")
    ),
    "unknown parent": dict(
        body={"title": "t", "text": "x", "parents": [str(uuid.uuid4())]}, expect=(404, "not_found", "parents")
    ),
    "body over 1 MB": dict(
        raw=b'{"title": "' + b"x" * (1024 * 1024 + 10) + b'"}', expect=(413, "request_entity_too_large", None)
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_bad_draft_gets_a_json_error_naming_the_problem_and_writes_nothing(web, charter_id, case):
    before = web.store_head("pledge")
    kwargs = {k: v for k, v in case.items() if k in ("raw", "content_type")}

    r = web.request("POST", f"/api/v1/charters/{charter_id}/drafts", case.get("body"), **kwargs)

    status, code, field = case["expect"]
    assert (r.status, r.body["code"]) == (status, code), r.body
    assert r.body["message"]
    if field:
        assert field in r.body["errors"]
    assert web.store_head("pledge") == before


def test_a_draft_for_an_unknown_charter_is_refused_with_404_and_writes_nothing(web):
    before = web.store_head("pledge")

    r = web.propose_draft(str(uuid.uuid4()), "text")

    assert r.status == 404 and "charter_id" in r.body["errors"]
    assert web.store_head("pledge") == before


def test_reading_an_unknown_charter_is_a_404_naming_it(web):
    r = web.read_charter(str(uuid.uuid4()))

    assert r.status == 404 and "charter_id" in r.body["errors"]


def test_a_malformed_consistency_token_is_a_400(web, charter_id):
    r = web.read_charter(charter_id, token="garbage")

    assert r.status == 400 and "consistency_token" in r.body["errors"]


def test_a_paging_limit_out_of_range_is_a_400_naming_it(web):
    r = web.request("GET", "/api/v1/charters", limit="1000")

    assert r.status == 400 and "limit" in r.body["errors"]


def test_a_service_called_without_the_gateways_credential_refuses(settings):
    import urllib3

    r = urllib3.request(
        "POST", f"http://{settings.host}:{settings.pledge_port}/charters", json={"title": "t", "purpose": "p"}
    )

    assert r.status == 401 and r.json()["code"] == "unauthenticated"
