"""What the gateway's edge answers to requests that miss: unknown paths and ids, wrong methods, a token by password."""

import uuid

import pytest

from .clients import Browser
from .test_knowledge import new_barrier


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
def test_a_path_that_does_not_exist_is_a_404_whatever_the_method(web, method):
    r = web.request(method, "/api/v1/charters/not-a-charter-id/nothing-here", {} if method != "GET" else None)
    unknown = web.request(method, "/api/v1/no-such-resource/at-all", {} if method != "GET" else None)

    assert (r.status, r.body["code"]) == (404, "not_found")
    assert (unknown.status, unknown.body["code"]) == (404, "not_found")


def test_an_id_that_cannot_exist_is_a_404(web):
    r = web.request("GET", "/api/v1/charters/not-a-uuid")
    barrier = web.request("GET", "/api/v1/barriers/12345")

    assert (r.status, r.body["code"]) == (404, "not_found")
    assert (barrier.status, barrier.body["code"]) == (404, "not_found")


def test_a_wrong_method_on_a_real_path_is_a_405_naming_the_allowed_ones(web):
    r = web.request("PUT", "/api/v1/session", {})

    assert (r.status, r.body["code"]) == (405, "method_not_allowed")
    assert set(r.headers["Allow"].split(", ")) >= {"GET", "POST", "DELETE"}


def test_a_token_is_made_with_e_mail_and_password_even_with_a_session_cookie_along(web):
    person = Browser(web.base_url)
    email, password = f"{uuid.uuid4().hex[:8]}@example.org", "a long enough password"
    assert person.sign_up(email, password).status == 201 and person.cookies  # signed in, the cookie kept

    made = person.request("POST", "/api/v1/tokens", {"name": "cli", "email": email, "password": password},
                          csrf=False)
    wrong = person.request("POST", "/api/v1/tokens", {"name": "cli", "email": email, "password": "not it"},
                           csrf=False)
    by_cookie_alone = person.request("POST", "/api/v1/tokens", {"name": "cli"}, csrf=False)
    by_cookie_and_csrf = person.request("POST", "/api/v1/tokens", {"name": "cli"})

    assert made.status == 201 and made.body["token"]
    assert wrong.status == 401
    assert (by_cookie_alone.status, by_cookie_alone.body["code"]) == (403, "csrf_failed")
    assert by_cookie_and_csrf.status == 201


@pytest.mark.parametrize("path", ["/api/v1/accounts", "/api/v1/charters", "/api/v1/barriers"])
def test_json_nested_deeper_than_a_sane_limit_is_a_400_and_writes_nothing(web, path):
    before = web.store_head("pledge"), web.store_head("knowledge")
    deep = b'{"title": ' + b"[" * 5000 + b"]" * 5000 + b"}"

    r = web.request("POST", path, raw=deep)

    assert (r.status, r.body["code"]) == (400, "json_too_deep"), r.body
    assert "nest" in r.body["message"]
    assert (web.store_head("pledge"), web.store_head("knowledge")) == before


def test_a_body_over_the_limit_is_a_413_naming_the_limit(web, settings):
    charter = web.as_user("steward").create_charter().body["charter_id"]
    before = web.store_head("pledge")

    r = web.request("POST", f"/api/v1/charters/{charter}/drafts",
                    raw=b'{"title": "' + b"x" * (settings.max_body_bytes + 10) + b'"}')

    assert (r.status, r.body["code"], r.body["limit_bytes"]) == (413, "request_entity_too_large",
                                                                  settings.max_body_bytes)
    assert str(settings.max_body_bytes) in r.body["message"] and r.body["errors"]["_schema"]
    assert web.store_head("pledge") == before


def test_a_photo_far_over_the_limit_is_a_413_naming_the_limit(web, settings):
    barrier, _ = new_barrier(web)

    r = web.attach_photo(barrier, b"\xff\xd8" + b"\x00" * (settings.max_image_bytes + 128 * 1024),
                         "Far too big")

    assert (r.status, r.body["code"], r.body["limit_bytes"]) == (413, "image_too_large", settings.max_image_bytes)
    assert str(settings.max_image_bytes) in r.body["message"] and "image" in r.body["errors"]
