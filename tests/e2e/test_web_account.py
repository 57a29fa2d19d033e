"""Your account and the admin screen in the web pages: API tokens, the password, roles, and forged forms."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from .clients import PageReader, WebClient

SHOWN_SECRET = re.compile(r'id="new-token-secret" type="text" value="([^"]+)"')



def create_token(browser: PageReader, name: str) -> str:
    """Create an API token on the account page; the secret the resulting page shows."""
    browser.open("/account")
    created = browser.submit("/account/tokens", {"name": name})
    assert created.status == 201, created.body
    return SHOWN_SECRET.search(created.body).group(1)


def token_id(person: WebClient, name: str) -> str:
    return next(t["token_id"] for t in person.list_tokens().body["items"] if t["name"] == name)


def tokens_of(person: WebClient) -> list[tuple[str, str, str | None]]:
    return [(t["token_id"], t["name"], t["revoked_at"]) for t in person.list_tokens().body["items"]]


def who_sends(person: WebClient, secret: str):
    return person.request("GET", "/api/v1/session", headers={"Authorization": f"Bearer {secret}"})


def roles_of(admin: WebClient, account_id: str) -> tuple[list[str], list[dict]]:
    account = admin.read_account_roles(account_id).body
    return account["roles"], account["role_changes"]


def test_a_token_created_on_the_account_page_authenticates_api_requests_as_its_person(web):
    secret = create_token(PageReader.signed_in(web), "intranet sync")

    r = who_sends(web, secret)

    assert r.status == 200 and r.body["account_id"] == web.actor and r.body["authenticated_by"] == "token"


def test_a_tokens_secret_is_shown_once_and_never_again_on_reload(web):
    browser = PageReader.signed_in(web)
    secret = create_token(browser, "shown once")

    reloaded = browser.open("/account")

    assert reloaded.status == 200 and "shown once" in reloaded.body
    assert secret not in reloaded.body and not SHOWN_SECRET.search(reloaded.body)


def test_a_token_revoked_on_the_account_page_is_refused_by_the_api(web):
    browser = PageReader.signed_in(web)
    secret = create_token(browser, "to revoke")

    revoked = browser.submit(f"/account/tokens/{token_id(web, 'to revoke')}/revoke", {})

    assert revoked.status == 303
    assert who_sends(web, secret).status == 401
    assert "revoked" in browser.open("/account").body


def test_a_password_change_with_a_wrong_current_password_is_refused_naming_the_field(web):
    browser = PageReader.signed_in(web)
    browser.open("/account")

    r = browser.submit("/account/password", {"current_password": "not my password",
                                             "new_password": "a brand new password"})

    assert r.status == 403 and 'id="current_password-err"' in r.body
    assert PageReader(web.base_url).sign_in(web.account.email, web.account.password).status == 303
    assert PageReader(web.base_url).sign_in(web.account.email, "a brand new password").status == 401


def test_a_person_changes_their_password_and_signs_in_with_the_new_one(web):
    browser = PageReader.signed_in(web)
    browser.open("/account")

    r = browser.submit("/account/password", {"current_password": web.account.password,
                                             "new_password": "a brand new password"})

    assert r.status == 303
    assert PageReader(web.base_url).sign_in(web.account.email, "a brand new password").status == 303


def test_changing_the_password_signs_out_the_accounts_other_sessions_but_not_this_one(web):
    here, elsewhere = PageReader.signed_in(web), PageReader.signed_in(web)
    here.open("/account")

    changed = here.submit("/account/password", {"current_password": web.account.password,
                                                "new_password": "another new password"})

    assert changed.status == 303
    assert here.open("/account").status == 200
    assert elsewhere.open("/account").status == 303  # sent to sign in


def test_someone_not_signed_in_is_sent_to_sign_in_from_the_account_page(stack, web):
    r = PageReader(web.base_url).open("/account")

    assert r.status == 303 and urlsplit(r.headers["Location"]).path == "/sign-in"


def test_a_participant_is_refused_the_admin_screen_and_its_grant_form_and_nothing_changes(web):
    browser, other, admin = PageReader.signed_in(web), web.as_user(), web.as_user("admin")

    screen = browser.open("/admin")
    grant = browser.submit(f"/admin/accounts/{other.actor}/roles", {"role": "steward"})

    assert screen.status == 403 and grant.status == 403
    assert 'href="/admin"' not in browser.open("/account").body
    assert roles_of(admin, other.actor) == (["participant"], [])


def test_an_admin_grants_steward_on_the_admin_screen_and_the_person_can_then_steward(web):
    admin, newcomer = web.as_user("admin"), PageReader.signed_in(web)
    screen = PageReader.signed_in(admin)
    assert newcomer.open("/stewardship").status == 403
    screen.open("/admin")

    found = screen.submit("/admin", {"email": web.account.email})
    account_page = urlsplit(found.headers["Location"]).path
    screen.open(account_page)
    granted = screen.submit(f"{account_page}/roles", {"role": "steward"})

    assert found.status == 303 and account_page == f"/admin/accounts/{web.actor}"
    assert granted.status == 303 and "Steward" in screen.open(account_page).body
    assert newcomer.open("/stewardship").status == 200
    roles, changes = roles_of(admin, web.actor)
    assert "steward" in roles and (changes[-1]["change"], changes[-1]["changed_by"]) == ("granted", admin.actor)


def test_an_admin_cannot_revoke_their_own_admin_role_on_the_admin_screen(web):
    admin = web.as_user("admin")
    screen = PageReader.signed_in(admin)
    screen.open(f"/admin/accounts/{admin.actor}")

    r = screen.submit(f"/admin/accounts/{admin.actor}/roles/admin/revoke", {})

    assert r.status == 409 and "own admin role" in r.body
    assert "admin" in roles_of(admin, admin.actor)[0]


def test_an_unknown_email_on_the_admin_screen_is_named_as_the_problem(web):
    screen = PageReader.signed_in(web.as_user("admin"))
    screen.open("/admin")

    r = screen.submit("/admin", {"email": f"nobody-{uuid.uuid4().hex[:8]}@example.test"})

    assert r.status == 404 and 'id="email-err"' in r.body


def test_account_and_admin_forms_without_the_csrf_token_are_refused_and_change_nothing(web):
    admin = web.as_user("admin")
    browser, screen = PageReader.signed_in(web), PageReader.signed_in(admin)
    browser.open("/account")
    screen.open(f"/admin/accounts/{web.actor}")
    tokens_before = tokens_of(web)

    forged = [browser.submit("/account/tokens", {"name": "forged"}, csrf=False),
              browser.submit("/account/password", {"current_password": web.account.password,
                                                   "new_password": "a forged new password"}, csrf=False),
              browser.submit(f"/account/tokens/{tokens_before[0][0]}/revoke", {}, csrf=False),
              screen.submit(f"/admin/accounts/{web.actor}/roles", {"role": "steward"}, csrf=False)]

    assert [r.status for r in forged] == [403, 403, 403, 403]
    assert tokens_of(web) == tokens_before
    assert PageReader(web.base_url).sign_in(web.account.email, web.account.password).status == 303
    assert roles_of(admin, web.actor) == (["participant"], [])
