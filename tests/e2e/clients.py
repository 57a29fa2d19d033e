"""The system's users, as the end-to-end tests drive them: helpers named after what people do."""

from __future__ import annotations

import json
import re
import secrets
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import psycopg
import urllib3
from psycopg import sql


@dataclass
class Response:
    status: int
    body: Any
    headers: dict


@dataclass
class Account:
    """A real account of the gateway, as a test person holds it."""

    account_id: str
    email: str
    password: str
    token: str


# The first admin of each running gateway (by base URL), made by the `stack` fixture through the real
# command-line step; WebClients ask it to grant the roles they were created with.
ADMINS: dict[str, Account] = {}
# Where each gateway's system keeps its event stores: the tests look there to check that nothing was written.
DATABASES: dict[str, str] = {}


def a_display_name(label: str = "") -> str:
    """A public name for a test account: the label's first word when it is a word, and a number."""
    word = label.split("-")[0]
    return f"{word.capitalize() if word.isalpha() else 'Tester'} {secrets.randbelow(9000) + 1000}"


def register_admin(base_url: str, account: Account, database_url: str = "") -> None:
    """Remember the gateway's first admin (so any WebClient of that gateway can be given roles) and its database."""
    ADMINS[base_url] = account
    if database_url:
        DATABASES[base_url] = database_url


class Browser:
    """A person in a web browser: keeps the session cookie, and sends the CSRF token with writes unless told not to."""

    def __init__(self, base_url: str, http: urllib3.PoolManager | None = None) -> None:
        self.base_url, self.http = base_url, http or urllib3.PoolManager()
        self.cookies: dict[str, str] = {}
        self.csrf_token: str | None = None
        self.set_cookies: list[str] = []  # the Set-Cookie headers of the last response

    def request(self, method: str, path: str, body: Any = None, *, csrf: bool = True,
                form: dict[str, str] | None = None) -> Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if csrf and self.csrf_token and method != "GET":
            headers["X-CSRF-Token"] = self.csrf_token
        kwargs: dict[str, Any] = {"body": json.dumps(body).encode() if body is not None else None}
        if form is not None:  # a form is sent url-encoded in the body, as a browser's form post is
            kwargs = {"fields": form, "encode_multipart": False} if method != "GET" else {"fields": form}
        if body is not None:
            headers["Content-Type"] = "application/json"
        r = self.http.request(method, self.base_url + path, headers=headers, timeout=15, **kwargs)
        self.set_cookies = r.headers.getlist("Set-Cookie")
        for line in self.set_cookies:
            for name, morsel in SimpleCookie(line).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        parsed = json.loads(r.data) if r.data else None
        if isinstance(parsed, dict) and parsed.get("csrf_token"):
            self.csrf_token = parsed["csrf_token"]
        return Response(r.status, parsed, dict(r.headers))

    def sign_up(self, email: str, password: str, display_name: str | None = None):
        body = {"email": email, "password": password, "display_name": display_name or a_display_name()}
        return self.request("POST", "/api/v1/accounts", body)

    def sign_in(self, email: str, password: str):
        return self.request("POST", "/api/v1/session", {"email": email, "password": password})

    def sign_out(self, csrf: bool = True):
        return self.request("DELETE", "/api/v1/session", csrf=csrf)

    def who_am_i(self):
        return self.request("GET", "/api/v1/session")

    def create_charter(self, title: str = "Interactive Charter", *, csrf: bool = True):
        return self.request("POST", "/api/v1/charters", {"title": title, "purpose": "Make government interactive"},
                            csrf=csrf)


class WebClient:
    """A person (or system) talking JSON to the gateway only, as a real account with an API token.

    The account is opened on first use (a random e-mail), then an admin grants it `roles` through the
    API. `actor` is the account id: the id that appears as `actor` (and `author`...) in events.
    """

    def __init__(self, base_url: str, actor: str | None = None, roles: tuple[str, ...] = (),
                 http: urllib3.PoolManager | None = None, client_ip: str | None = None, *,
                 anonymous: bool = False, account: list[Account] | None = None) -> None:
        self.base_url, self.roles, self.client_ip, self.is_anonymous = base_url, tuple(roles), client_ip, anonymous
        self.label = actor or f"user-{uuid.uuid4().hex[:8]}"  # only a readable part of the e-mail now
        self.http = http or urllib3.PoolManager()
        self._account = account if account is not None else []  # shared with from_address(): one person
        self._memberships: set[str] = set()  # organisations join() made this person a member of

    @property
    def account(self) -> Account:
        """This person's account, opened (and given its roles) on first use."""
        if not self._account:
            self._account.append(self._open_account())
        return self._account[0]

    @property
    def actor(self) -> str:
        """The account id: what events record as `actor`."""
        return self.account.account_id

    def _open_account(self) -> Account:
        email, password = f"{self.label}-{uuid.uuid4().hex[:8]}@example.test", uuid.uuid4().hex
        anonymous = self.anonymous()
        opened = anonymous.sign_up(email, password, a_display_name(self.label))
        assert opened.status == 201, opened.body
        token = anonymous.request("POST", "/api/v1/tokens", {"name": "e2e", "email": email, "password": password})
        assert token.status == 201, token.body
        account = Account(opened.body["account_id"], email, password, token.body["token"])
        if self.roles:
            admin = WebClient.of(self.base_url, ADMINS[self.base_url], http=self.http)
            for role in self.roles:
                granted = admin.grant_role(account.account_id, role)
                assert granted.status == 200, granted.body
        return account

    @classmethod
    def of(cls, base_url: str, account: Account, http: urllib3.PoolManager | None = None) -> WebClient:
        """A client acting as an existing account."""
        return cls(base_url, http=http, account=[account])

    def request(self, method: str, path: str, body: Any = None, *, raw: bytes | None = None,
                content_type: str = "application/json", headers: dict[str, str] | None = None,
                **params: str) -> Response:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        headers = dict(headers or {})
        if not self.is_anonymous and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.account.token}"
        if self.client_ip:
            headers["X-Forwarded-For"] = self.client_ip
        if data is not None:
            headers["Content-Type"] = content_type
        r = self.http.request(method, self.base_url + path, body=data, headers=headers, fields=params or None,
                              timeout=15)
        try:
            parsed = json.loads(r.data) if r.data else None
        except ValueError:
            parsed = r.data.decode(errors="replace")
        return Response(r.status, parsed, dict(r.headers))

    def display_name(self) -> str:
        """The public name this person's pages and replies show."""
        return self.request("GET", "/api/v1/session").body["display_name"]

    def as_user(self, *roles: str) -> WebClient:
        """Another person using the same gateway, with the given roles (granted by the admin)."""
        return WebClient(self.base_url, roles=roles, http=self.http)

    def store_head(self, service: str) -> int:
        """The last position written to a service's event store, read from the store itself."""
        with psycopg.connect(DATABASES[self.base_url]) as conn:
            return conn.execute(sql.SQL("SELECT position FROM {}.head").format(sql.Identifier(service))).fetchone()[0]

    def anonymous(self) -> WebClient:
        """Someone who has not signed in: every request goes without credentials."""
        return WebClient(self.base_url, http=self.http, client_ip=self.client_ip, anonymous=True)

    # Accounts, sessions and API tokens.

    def sign_up(self, email: str, password: str, display_name: str | None = None):
        body = {"email": email, "password": password, "display_name": display_name or a_display_name()}
        return self.request("POST", "/api/v1/accounts", body)

    def create_token(self, name: str = "a system", **credentials: str):
        return self.request("POST", "/api/v1/tokens", {"name": name} | credentials)

    def list_tokens(self):
        return self.request("GET", "/api/v1/tokens")

    def revoke_token(self, token_id: str):
        return self.request("DELETE", f"/api/v1/tokens/{token_id}")

    def grant_role(self, account_id: str, role: str):
        return self.request("POST", f"/api/v1/admin/accounts/{account_id}/roles", {"role": role})

    def revoke_role(self, account_id: str, role: str):
        return self.request("DELETE", f"/api/v1/admin/accounts/{account_id}/roles/{role}")

    def read_account_roles(self, account_id: str):
        return self.request("GET", f"/api/v1/admin/accounts/{account_id}")

    def create_charter(self, title: str = "Interactive Charter", purpose: str = "Make government interactive"):
        return self.request("POST", "/api/v1/charters", {"title": title, "purpose": purpose})

    def propose_draft(self, charter_id: str, text: str, title: str = "A draft", parents: tuple[str, ...] = ()):
        return self.request("POST", f"/api/v1/charters/{charter_id}/drafts",
                            {"title": title, "text": text, "change_summary": "first go", "parents": list(parents)})

    def read_charter(self, charter_id: str, token: str | None = None):
        params = {"consistency_token": token} if token else {}
        return self.request("GET", f"/api/v1/charters/{charter_id}", **params)

    # The pledge cycle: drafting rounds, remixes, ratings, comments, adoption, signing.

    def from_address(self, ip: str) -> WebClient:
        """The same person, connecting from another network address."""
        return WebClient(self.base_url, roles=self.roles, http=self.http, client_ip=ip, account=self._account)

    def wait_until_read(self, *tokens: str) -> None:
        """Wait until the read models include every write the tokens name."""
        for token in tokens:
            r = self.request("GET", "/api/v1/charters", limit="1", consistency_token=token)
            assert r.status == 200, r.body

    def open_round(self, charter_id: str, closes_at: str | None = None):
        return self.request("POST", f"/api/v1/charters/{charter_id}/rounds", {"closes_at": closes_at})

    def close_round(self, charter_id: str):
        return self.request("POST", f"/api/v1/charters/{charter_id}/rounds/close", {})

    def adopt_draft(self, charter_id: str, draft_id: str):
        return self.request("POST", f"/api/v1/charters/{charter_id}/versions", {"draft_id": draft_id})

    def remix_drafts(self, charter_id: str, parents: tuple[str, ...], text: str, title: str = "A remix"):
        return self.request("POST", f"/api/v1/charters/{charter_id}/drafts",
                            {"title": title, "text": text, "change_summary": "remixed", "parents": list(parents)})

    def rate_draft(self, draft_id: str, stars: Any):
        return self.request("PUT", f"/api/v1/drafts/{draft_id}/rating", {"stars": stars})

    def retract_rating(self, draft_id: str):
        return self.request("DELETE", f"/api/v1/drafts/{draft_id}/rating")

    def withdraw_draft(self, draft_id: str):
        return self.request("POST", f"/api/v1/drafts/{draft_id}/withdrawal", {})

    def comment_on_draft(self, draft_id: str, body: str, reply_to: str | None = None):
        return self.request("POST", f"/api/v1/drafts/{draft_id}/comments", {"body": body, "reply_to": reply_to})

    def comment_on_passage(self, draft_id: str, draft_text: str, quote: str, body: str):
        start = draft_text.index(quote)
        return self.request("POST", f"/api/v1/drafts/{draft_id}/comments", {
            "body": body, "quote": quote, "passage_start": start, "passage_end": start + len(quote)})

    def sign_charter(self, charter_id: str, version: int, organisation: str, email: str, *,
                     organisation_type: str = "council", signatory: str = "Sam Signer",
                     role: str = "chief executive", statement: str | None = None, area: str | None = None):
        return self.request("POST", f"/api/v1/charters/{charter_id}/signatures", {
            "version": version, "organisation_name": organisation, "organisation_type": organisation_type,
            "signatory_name": signatory, "signatory_role": role, "email": email, "statement": statement,
            "area": area})

    def read_verification_link(self, signature_id: str):
        """What the signatory would find in their inbox (dev mode only)."""
        return self.request("GET", f"/dev/verification-links/{signature_id}")

    def verify_signature(self, signature_id: str, token: str):
        return self.request("POST", f"/api/v1/signatures/{signature_id}/verification", {"token": token})

    def follow_verification_link(self, signature_id: str):
        """Open the e-mailed link: its token verifies the signature."""
        link = self.read_verification_link(signature_id).body["link"]
        return self.verify_signature(signature_id, parse_qs(urlsplit(link).query)["token"][0])

    def withdraw_signature(self, signature_id: str, reason: str | None = None):
        return self.request("POST", f"/api/v1/signatures/{signature_id}/withdrawal", {"reason": reason})

    def withdraw_signature_by_link(self, signature_id: str, token: str, reason: str | None = None):
        """Withdraw with the token of the mailed withdrawal link; no account needed."""
        return self.request("POST", f"/api/v1/signatures/{signature_id}/withdrawal", {"token": token, "reason": reason})

    def follow_withdrawal_link(self, signature_id: str, reason: str | None = None):
        """Open the e-mailed withdrawal link: its token withdraws the signature."""
        link = self.read_verification_link(signature_id).body["withdrawal_link"]
        return self.withdraw_signature_by_link(signature_id, parse_qs(urlsplit(link).query)["token"][0], reason)

    def ask_for_new_signature_links(self, signature_id: str, email: str):
        """Ask for fresh links, mailed to the address the signature was made with; the old ones stop working."""
        return self.request("POST", f"/api/v1/signatures/{signature_id}/links", {"email": email})

    def read_draft(self, draft_id: str, token: str | None = None):
        params = {"consistency_token": token} if token else {}
        return self.request("GET", f"/api/v1/drafts/{draft_id}", **params)

    def read_leaderboard(self, charter_id: str, **params: str):
        return self.request("GET", f"/api/v1/charters/{charter_id}/drafts/ranked", **params)

    def compare_drafts(self, draft_id: str, other_id: str):
        return self.request("GET", f"/api/v1/drafts/{draft_id}/diff/{other_id}")

    def read_credits(self, draft_id: str):
        return self.request("GET", f"/api/v1/drafts/{draft_id}/credits")

    def read_adopted_version(self, charter_id: str, version: int):
        return self.request("GET", f"/api/v1/charters/{charter_id}/versions/{version}")

    def read_signatories(self, charter_id: str, **params: str):
        return self.request("GET", f"/api/v1/charters/{charter_id}/signatories", **params)

    def read_signatory_counts(self, charter_id: str, **params: str):
        return self.request("GET", f"/api/v1/charters/{charter_id}/signatories/counts", **params)

    def read_signing_timeline(self, charter_id: str, **params: str):
        return self.request("GET", f"/api/v1/charters/{charter_id}/signatories/timeline", **params)

    def read_my_drafts(self, **params: str):
        return self.request("GET", f"/api/v1/participants/{self.actor}/drafts", **params)

    def read_my_ratings(self, **params: str):
        return self.request("GET", f"/api/v1/participants/{self.actor}/ratings", **params)

    # Pilots: proposing, running and reporting on a pilot, and reading the dashboards.

    def propose_pilot(self, organisation: str, *, title: str = "Open collaboration", leads: tuple[str, ...] = (),
                      start_date: str = "2025-01-06", planned_end_date: str = "2026-12-31", member: bool = True,
                      **overrides: Any):
        """Propose a pilot for the organisation, as its member unless `member` is False (a lead acts only for theirs).

        Membership reaches the pilots service from the log a moment later: callers retry, as they do for the
        organisation's signature (`pilot_steps.eventually`).
        """
        if member:
            self.join(organisation)
        return self.request("POST", "/api/v1/pilots", {
            "organisation_id": organisation, "title": title, "aims": "Staff use shared tools",
            "sponsor_name": "Tom Riordan", "sponsor_role": "Chief Executive", "leads": list(leads or (self.actor,)),
            "start_date": start_date, "planned_end_date": planned_end_date} | overrides)

    def join(self, organisation: str) -> None:
        """Become a member of the organisation (recorded first if it has no record), confirmed by a steward."""
        if organisation in self._memberships:
            return
        recorded = self.request("POST", "/api/v1/organisations", {"name": organisation, "organisation_type": "council"})
        assert recorded.status in (201, 409), recorded.body
        granted = self.as_user("steward").request("POST", f"/api/v1/organisations/{quote(organisation)}/members",
                                                  {"account_id": self.actor, "evidence": "known to the test"})
        assert granted.status == 201, granted.body
        self._memberships.add(organisation)

    def approve_pilot(self, pilot_id: str):
        return self.request("POST", f"/api/v1/pilots/{pilot_id}/approval", {})

    def start_pilot(self, pilot_id: str):
        return self.request("POST", f"/api/v1/pilots/{pilot_id}/start", {})

    def complete_pilot(self, pilot_id: str):
        return self.request("POST", f"/api/v1/pilots/{pilot_id}/completion", {})

    def stop_pilot(self, pilot_id: str, reason: str):
        return self.request("POST", f"/api/v1/pilots/{pilot_id}/stop", {"reason": reason})

    def target_barrier(self, pilot_id: str, barrier_id: str, notes: str = ""):
        return self.request("POST", f"/api/v1/pilots/{pilot_id}/barriers", {"barrier_id": barrier_id, "notes": notes})

    def move_barrier(self, pilot_id: str, barrier_id: str, status: str, notes: str = "", **solution: str):
        return self.request("POST", f"/api/v1/pilots/{pilot_id}/barriers/{barrier_id}/status",
                            {"status": status, "notes": notes} | solution)

    def add_milestone(self, pilot_id: str, title: str, due_date: str):
        return self.request("POST", f"/api/v1/pilots/{pilot_id}/milestones", {"title": title, "due_date": due_date})

    def mark_milestone_done(self, pilot_id: str, milestone_id: str, done_date: str | None = None):
        return self.request("POST", f"/api/v1/pilots/{pilot_id}/milestones/{milestone_id}/done",
                            {"done_date": done_date})

    def report_progress(self, pilot_id: str, text: str, metrics: list[dict] = (), reported_on: str | None = None):
        """File a progress report for the day `reported_on` names (today when it names none)."""
        dated = {"reported_on": reported_on} if reported_on else {}
        return self.request("POST", f"/api/v1/pilots/{pilot_id}/reports",
                            {"text": text, "metrics": list(metrics)} | dated)

    def record_outcome(self, pilot_id: str, completion: str = "substantial"):
        return self.request("POST", f"/api/v1/pilots/{pilot_id}/outcome", {
            "what_worked": "Sponsorship", "what_did_not": "Procurement", "lessons": "Start small",
            "completion": completion})

    def verify_outcome(self, pilot_id: str, comment: str = ""):
        return self.request("POST", f"/api/v1/pilots/{pilot_id}/outcome/verification", {"comment": comment})

    def upload_pilot_csv(self, pilot_id: str, kind: str, text: str):
        """Upload milestones or progress metrics (`kind`) as a CSV file."""
        return self.request("POST", f"/api/v1/pilots/{pilot_id}/{kind}/import", raw=text.encode(),
                            content_type="text/csv")

    def download_pilot_csv(self, pilot_id: str, kind: str):
        return self.request("GET", f"/api/v1/pilots/{pilot_id}/{kind}.csv")

    def read_pilot(self, pilot_id: str, token: str | None = None):
        params = {"consistency_token": token} if token else {}
        return self.request("GET", f"/api/v1/pilots/{pilot_id}", **params)

    def read_pilots_dashboard(self, **params: str):
        return self.request("GET", "/api/v1/pilots", **params)

    def read_pilot_metrics(self, pilot_id: str, **params: str):
        return self.request("GET", f"/api/v1/pilots/{pilot_id}/metrics", **params)

    def read_pilot_figures(self, **params: str):
        return self.request("GET", "/api/v1/pilots/figures", **params)

    def read_organisation(self, organisation: str, **params: str):
        return self.request("GET", f"/api/v1/organisations/{quote(organisation)}", **params)

    # The knowledge base: barriers, solutions, revisions, endorsements, photos, moderation, following.
    # A `page` is "barriers/<id>" or "solutions/<id>".

    def propose_barrier(self, title: str, description: str, category: str = "it_policy_and_tools",
                        tags: tuple[str, ...] = (), summary: str = ""):
        return self.request("POST", "/api/v1/barriers", {"title": title, "description": description,
                                                         "category": category, "tags": list(tags), "summary": summary})

    def edit_barrier(self, barrier_id: str, based_on: int, *, title: str, description: str,
                     category: str = "it_policy_and_tools", tags: tuple[str, ...] = (), summary: str = ""):
        return self.request("POST", f"/api/v1/barriers/{barrier_id}/edits", {
            "based_on_revision": based_on, "title": title, "description": description, "category": category,
            "tags": list(tags), "summary": summary})

    def propose_solution(self, title: str, body: str, barrier_ids: tuple[str, ...], *, steps: tuple[str, ...] = (),
                         organisations: tuple[str, ...] = (), tags: tuple[str, ...] = ()):
        return self.request("POST", "/api/v1/solutions", {
            "title": title, "body": body, "barrier_ids": list(barrier_ids), "steps": list(steps),
            "organisations": list(organisations), "tags": list(tags)})

    def restore_revision(self, page: str, revision: int, based_on: int, summary: str = ""):
        return self.request("POST", f"/api/v1/{page}/restorations",
                            {"revision": revision, "based_on_revision": based_on, "summary": summary})

    def revert_edits(self, page: str, author: str, reason: str):
        return self.request("POST", f"/api/v1/{page}/reverts", {"author": author, "reason": reason})

    def endorse(self, page: str, organisation: str):
        return self.request("POST", f"/api/v1/{page}/endorsements", {"organisation": organisation})

    def withdraw_endorsement(self, page: str, organisation: str):
        return self.request("POST", f"/api/v1/{page}/endorsements/withdraw", {"organisation": organisation})

    def flag(self, page: str, reason: str, revision: int | None = None):
        return self.request("POST", f"/api/v1/{page}/flags", {"reason": reason, "revision": revision})

    def hide(self, page: str, reason: str, revision: int | None = None):
        return self.request("POST", f"/api/v1/{page}/hide", {"reason": reason, "revision": revision})

    def dismiss_flag(self, page: str, flag_id: str, reason: str):
        return self.request("POST", f"/api/v1/{page}/flags/{flag_id}/dismiss", {"reason": reason})

    def read_flags(self, **params: str):
        return self.request("GET", "/api/v1/flags", **params)

    def protect_page(self, page: str, reason: str, until: str):
        return self.request("POST", f"/api/v1/{page}/protect", {"reason": reason, "until": until})

    def comment_on_page(self, page: str, body: str, reply_to: str | None = None):
        return self.request("POST", f"/api/v1/{page}/comments", {"body": body, "reply_to": reply_to})

    def hide_comment(self, page: str, comment_id: str, reason: str):
        return self.request("POST", f"/api/v1/{page}/comments/{comment_id}/hide", {"reason": reason})

    def attach_photo(self, page: str, image: bytes, alt_text: str, content_type: str = "image/jpeg"):
        return self.request("POST", f"/api/v1/{page}/photos?alt_text={quote(alt_text)}", raw=image,
                            content_type=content_type)

    def watch_page(self, page: str, token: str | None = None):
        """Watch a page; `token`, of the write that made or changed it, lets the check see that write."""
        return self.request("POST", f"/api/v1/{page}/watch", {},
                            headers={"X-Consistency-Token": token} if token else None)

    def unwatch_page(self, page: str):
        return self.request("POST", f"/api/v1/{page}/unwatch", {})

    def read_page(self, page: str, token: str | None = None):
        params = {"consistency_token": token} if token else {}
        return self.request("GET", f"/api/v1/{page}", **params)

    def read_history(self, page: str, **params: str):
        return self.request("GET", f"/api/v1/{page}/history", **params)

    def read_revision(self, page: str, revision: int):
        return self.request("GET", f"/api/v1/{page}/revisions/{revision}")

    def compare_revisions(self, page: str, older: int, newer: int, **params: str):
        return self.request("GET", f"/api/v1/{page}/diff", **{"from": str(older), "to": str(newer)}, **params)

    def read_audit_view(self, page: str, **params: str):
        return self.request("GET", f"/api/v1/{page}/audit", **params)

    def read_moderation_log(self, **params: str):
        return self.request("GET", "/api/v1/moderation-log", **params)

    def read_recent_changes(self, **params: str):
        return self.request("GET", "/api/v1/recent-changes", **params)

    def read_watchlist(self, user: str | None = None, **params: str):
        """Read a watch list: this person's own unless `user` names another account."""
        return self.request("GET", f"/api/v1/watchlists/{quote(user or self.actor, safe='')}", **params)

    def read_watchlist_feed(self, user: str, **params: str) -> Response:
        """Fetch a watch list's Atom feed as a feed reader does (pass its `key`)."""
        return self.download(f"/api/v1/watchlists/{quote(user, safe='')}/feed", **params)

    def search_knowledge(self, q: str, **filters: str):
        return self.request("GET", "/api/v1/search", q=q, **filters)

    def download(self, path: str, **params: str) -> Response:
        """GET something that is not JSON (a photo, an Atom feed): the body stays bytes."""
        headers = {} if self.is_anonymous else {"Authorization": f"Bearer {self.account.token}"}
        r = self.http.request("GET", self.base_url + path, headers=headers, fields=params or None, timeout=15)
        return Response(r.status, r.data, dict(r.headers))

    # Council systems: webhook subscriptions and their delivery logs.

    def register_webhook(self, url: str, topics: tuple[str, ...] = (), types: tuple[str, ...] = (),
                         organisation: str | None = None):
        return self.request("POST", "/api/v1/webhooks", {"url": url, "topics": list(topics), "types": list(types),
                                                         "organisation": organisation})

    def read_webhooks(self, **params: str):
        return self.request("GET", "/api/v1/webhooks", **params)

    def pause_webhook(self, webhook_id: str):
        return self.request("POST", f"/api/v1/webhooks/{webhook_id}/pause")

    def resume_webhook(self, webhook_id: str):
        return self.request("POST", f"/api/v1/webhooks/{webhook_id}/resume")

    def read_webhook_deliveries(self, webhook_id: str, **params: str):
        return self.request("GET", f"/api/v1/webhooks/{webhook_id}/deliveries", **params)

    def read_dead_letters(self, webhook_id: str, **params: str):
        return self.request("GET", f"/api/v1/webhooks/{webhook_id}/dead-letters", **params)

    def redeliver_dead_letter(self, webhook_id: str, delivery_id: int):
        return self.request("POST", f"/api/v1/webhooks/{webhook_id}/dead-letters/{delivery_id}/redeliver")

    def rotate_webhook_secret(self, webhook_id: str, previous_valid_for_s: object = 3600):
        return self.request("POST", f"/api/v1/webhooks/{webhook_id}/secret",
                            {"previous_valid_for_s": previous_valid_for_s})


class PageReader:
    """A person using the web pages over plain HTTP (no script): keeps cookies, follows no redirects, and posts
    forms with the CSRF token of the last page opened (unless told not to)."""

    TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')

    def __init__(self, base_url: str, http: urllib3.PoolManager | None = None) -> None:
        self.base_url, self.http = base_url, http or urllib3.PoolManager()
        self.cookies: dict[str, str] = {}
        self.form_token: str | None = None

    def open(self, path: str) -> Response:
        """GET a page; its body is the HTML text."""
        page = self._send("GET", path)
        found = self.TOKEN.search(page.body)
        self.form_token = found.group(1) if found else self.form_token
        return page

    def submit(self, path: str, fields: dict[str, str], *, csrf: bool = True) -> Response:
        """POST a form, as a browser sends it."""
        token = {"csrf_token": self.form_token} if csrf and self.form_token else {}
        return self._send("POST", path, fields | token)

    def sign_up(self, email: str, password: str, display_name: str | None = None) -> Response:
        self.open("/sign-up")
        return self.submit("/sign-up", {"email": email, "password": password,
                                        "display_name": display_name or a_display_name()})

    def sign_in(self, email: str, password: str) -> Response:
        self.open("/sign-in")
        return self.submit("/sign-in", {"email": email, "password": password})

    @classmethod
    def signed_in(cls, person: WebClient) -> PageReader:
        """The person's web browser, signed in with their account."""
        browser = cls(person.base_url)
        assert browser.sign_in(person.account.email, person.account.password).status == 303
        return browser

    def follow(self, response: Response) -> Response:
        """Open the page a form's redirect leads to (it carries the write's consistency token)."""
        assert response.status == 303, response.body
        target = urlsplit(response.headers["Location"])
        return self.open(f"{target.path}?{target.query}" if target.query else target.path)

    def upload(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> Response:
        """POST a form with files (`name: (filename, data, type)`) as multipart/form-data, as a browser uploads."""
        token = {"csrf_token": self.form_token} if self.form_token else {}
        return self._send("POST", path, fields | token | files, multipart=True)

    def _send(self, method: str, path: str, fields: dict[str, Any] | None = None, multipart: bool = False) -> Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        form = {"fields": fields, "encode_multipart": multipart} if fields is not None else {}
        r = self.http.request(method, self.base_url + path, headers=headers, redirect=False, timeout=15, **form)
        for line in r.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(line).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Response(r.status, r.data.decode(errors="replace"), dict(r.headers))
