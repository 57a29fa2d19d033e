"""Accounts, sessions, CSRF, API tokens and roles, as people and systems meet them at the gateway."""

import uuid

import psycopg
import pytest

from .clients import ADMINS, Account, Browser, WebClient


def new_email() -> str:
    return f"person-{uuid.uuid4().hex[:10]}@example.test"


def random_address() -> str:
    return f"198.51.100.{uuid.uuid4().int % 250 + 1}"


@pytest.fixture
def browser(web):
    return Browser(web.base_url)


def test_signing_up_opens_a_participant_account_signed_in_by_a_httponly_samesite_session_cookie(browser):
    r = browser.sign_up(new_email(), "a long enough password")

    assert r.status == 201 and r.body["roles"] == ["participant"] and r.body["csrf_token"]
    cookie = browser.set_cookies[0]
    assert cookie.startswith("charter_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over plain http here; "auto" adds it over https
    assert browser.who_am_i().body["account_id"] == r.body["account_id"]


def test_a_second_account_with_the_same_e_mail_is_refused_naming_the_field(browser):
    email = new_email()
    browser.sign_up(email, "a long enough password")

    r = Browser(browser.base_url).sign_up(email.upper(), "another long password")

    assert r.status == 409 and "email" in r.body["errors"]
    assert email not in str(r.body)


def test_signing_in_gives_a_new_session_id_and_the_one_held_before_stops_working(browser):
    email = new_email()
    browser.sign_up(email, "a long enough password")
    planted = browser.cookies["charter_session"]

    r = browser.sign_in(email, "a long enough password")

    assert r.status == 200 and browser.cookies["charter_session"] != planted
    stale = Browser(browser.base_url)
    stale.cookies["charter_session"] = planted
    assert stale.who_am_i().status == 401


def test_a_wrong_password_is_refused_without_saying_which_credential_was_wrong(browser):
    email = new_email()
    browser.sign_up(email, "a long enough password")

    wrong = Browser(browser.base_url).sign_in(email, "not the password")
    unknown = Browser(browser.base_url).sign_in(new_email(), "not the password")

    assert wrong.status == unknown.status == 401
    assert wrong.body["message"] == unknown.body["message"]


def test_signing_out_ends_the_session_on_the_server_too(browser):
    browser.sign_up(new_email(), "a long enough password")
    session = browser.cookies["charter_session"]

    r = browser.sign_out()

    assert r.status == 204 and "charter_session" not in browser.cookies
    replay = Browser(browser.base_url)
    replay.cookies["charter_session"] = session
    assert replay.who_am_i().status == 401


def test_a_cookie_authenticated_write_without_the_csrf_token_is_refused_and_with_it_accepted(browser, web):
    account_id = browser.sign_up(new_email(), "a long enough password").body["account_id"]
    admin = WebClient.of(web.base_url, ADMINS[web.base_url])
    assert admin.grant_role(account_id, "steward").status == 200  # creating a charter, the write, is a steward's
    before = web.store_head("pledge")

    refused = browser.create_charter(csrf=False)
    forged = Browser(browser.base_url)
    forged.cookies, forged.csrf_token = dict(browser.cookies), "guessed"
    also_refused = forged.create_charter()

    assert refused.status == also_refused.status == 403 and refused.body["code"] == "csrf_failed"
    assert web.store_head("pledge") == before
    accepted = browser.create_charter()
    assert accepted.status == 201, accepted.body


def test_an_html_form_may_carry_the_csrf_token_as_a_form_field(browser):
    browser.sign_up(new_email(), "a long enough password")

    without = browser.request("POST", "/api/v1/account/password", form={"new_password": "x"}, csrf=False)
    with_field = browser.request("POST", "/api/v1/account/password", csrf=False,
                                 form={"csrf_token": browser.csrf_token, "new_password": "x"})

    assert without.status == 403
    assert with_field.status == 415  # past the CSRF check; this API route then wants JSON


def test_an_api_token_is_shown_once_kept_only_as_a_hash_listed_without_it_and_revocable(web, settings):
    created = web.create_token("council CRM")
    token, token_id = created.body["token"], created.body["token_id"]
    system = WebClient.of(web.base_url, Account(web.actor, "", "", token))

    listed = web.list_tokens().body["items"]
    with psycopg.connect(settings.database_url) as conn:
        row = conn.execute("SELECT * FROM gateway_auth.api_tokens WHERE token_id = %s", [token_id]).fetchone()
    before = system.request("GET", "/api/v1/session")
    revoked = web.revoke_token(token_id)
    after = system.create_charter()

    assert created.status == 201 and token.startswith("ict_")
    assert [t for t in listed if t["token_id"] == token_id][0]["name"] == "council CRM"
    assert token not in str(listed) and token not in str(row) and token.encode() not in b"".join(
        bytes(v) for v in row if isinstance(v, bytes | memoryview))
    assert before.status == 200 and before.body["account_id"] == web.actor
    assert revoked.status == 204
    assert after.status == 401 and after.body["code"] == "token_revoked" and "revoked" in after.body["message"]


def test_an_unknown_bearer_token_gets_401_even_on_a_read(web):
    r = web.request("GET", "/api/v1/charters", headers={"Authorization": "Bearer ict_not-a-real-token"})

    assert r.status == 401 and r.body["code"] == "invalid_token"
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_an_anonymous_person_reads_but_every_write_gets_401(web):
    anonymous = web.anonymous()

    read = anonymous.request("GET", "/api/v1/charters")
    write = anonymous.create_charter()

    assert read.status == 200
    assert write.status == 401 and write.body["code"] == "unauthenticated" and write.body["message"]


def test_a_participant_without_the_steward_role_cannot_adopt_a_version(web):
    steward, participant = web.as_user("steward"), web.as_user()
    charter_id = steward.create_charter().body["charter_id"]
    draft_id = participant.propose_draft(charter_id, "We will work in the open.").body["draft_id"]

    r = participant.adopt_draft(charter_id, draft_id)

    assert r.status == 403 and r.body["code"] == "forbidden", r.body


def test_any_steward_runs_the_rounds_of_a_charter_another_steward_created(web):
    creator, colleague = web.as_user("steward"), web.as_user("steward")
    charter_id = creator.create_charter().body["charter_id"]
    draft_id = web.propose_draft(charter_id, "We will work in the open.").body["draft_id"]

    adopted = colleague.adopt_draft(charter_id, draft_id)
    reopened = colleague.open_round(charter_id)

    assert adopted.status == 201, adopted.body
    assert reopened.status == 201, reopened.body


def test_only_a_moderator_can_hide_a_page_and_revoking_the_role_takes_effect_at_once(web):
    barrier = web.request("POST", "/api/v1/barriers", {"title": "Photo uploads refused", "description": "In practice.",
                                                       "category": "it_policy_and_tools"}).body["barrier_id"]
    moderator, admin = web.as_user("moderator"), WebClient.of(web.base_url, ADMINS[web.base_url])

    by_participant = web.request("POST", f"/api/v1/barriers/{barrier}/hide", {"reason": "spam"})
    by_moderator = moderator.request("POST", f"/api/v1/barriers/{barrier}/hide", {"reason": "spam"})
    admin.revoke_role(moderator.actor, "moderator")
    after_revocation = moderator.request("POST", f"/api/v1/barriers/{barrier}/unhide", {"reason": "not spam"})

    assert by_participant.status == 403, by_participant.body
    assert by_moderator.status == 200, by_moderator.body
    assert after_revocation.status == 403, after_revocation.body
    history = admin.read_account_roles(moderator.actor).body["role_changes"]
    assert [(c["role"], c["change"], c["changed_by"]) for c in history] == [
        ("moderator", "granted", admin.actor), ("moderator", "revoked", admin.actor)]


def test_a_participant_cannot_grant_roles(web):
    r = web.grant_role(web.as_user().actor, "steward")

    assert r.status == 403 and r.body["code"] == "forbidden"


def test_sign_in_locks_an_e_mail_after_repeated_failures_with_429_and_retry_after(web):
    email = new_email()
    web.anonymous().sign_up(email, "a long enough password")

    failures = [WebClient(web.base_url, client_ip=random_address(), anonymous=True).request(
        "POST", "/api/v1/session", {"email": email, "password": "guess"}).status for _ in range(5)]
    locked = web.anonymous().request("POST", "/api/v1/session", {"email": email, "password": "a long enough password"})

    assert failures == [401] * 5
    assert locked.status == 429 and locked.body["code"] == "rate_limited"
    assert int(locked.headers["Retry-After"]) > 0 and "try again" in locked.body["message"]


def test_sign_in_locks_an_address_that_tries_many_e_mails(web, settings):
    guesser = WebClient(web.base_url, client_ip=random_address(), anonymous=True)
    email = new_email()
    web.anonymous().sign_up(email, "a long enough password")

    for _ in range(settings.signin_ip_max_failures):
        guesser.request("POST", "/api/v1/session", {"email": new_email(), "password": "guess"})
    locked = guesser.request("POST", "/api/v1/session", {"email": email, "password": "a long enough password"})

    assert locked.status == 429 and int(locked.headers["Retry-After"]) > 0
