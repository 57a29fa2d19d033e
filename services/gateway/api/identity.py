"""Sign up, sign in, sign out, change password, and API tokens: `/api/v1/accounts`, `/session`, `/tokens`."""

from __future__ import annotations

from flask import Blueprint, jsonify, make_response

from shared.config import Settings
from shared.http import RequestRefused, error, validated
from shared.openapi_legacy import documented

from ..edge import csrf
from ..edge import identity_schemas as s
from ..edge.auth import Principal, Refused, client_ip, current_principal, require_principal
from ..edge.cookies import end_session, set_session_cookie, start_session
from ..identity.accounts import EmailTaken
from ..identity.signin import TooManyAttempts, WrongCredentials, sign_in
from ..identity.store import Identity


def blueprint(identity: Identity, settings: Settings) -> Blueprint:
    """The identity routes, bound to the gateway's identity store."""
    bp = Blueprint("identity", __name__, url_prefix="/api/v1")

    def signed_in(account_id: str, status: int):
        session_id, principal = start_session(identity, account_id)
        reply = session_reply(principal, identity.accounts.names([account_id]))
        return set_session_cookie(settings, make_response(jsonify(reply), status), session_id)

    def checked_sign_in(email: str, password: str) -> str:
        try:
            return sign_in(identity, email, password, client_ip(settings))
        except TooManyAttempts as exc:
            raise Refused(429, "rate_limited", str(exc), {"Retry-After": str(exc.retry_after)}) from None
        except WrongCredentials:
            raise Refused(401, "invalid_credentials", "the e-mail or the password is wrong", {}) from None

    @bp.post("/accounts")
    @documented(response=s.SessionReply, status=201, tag="identity")
    @validated(s.SignUpBody())
    def sign_up(body):
        """Open an account with its public display name (every account is a participant) and sign it in with a
        session cookie."""
        try:
            account_id = identity.accounts.create(body["email"], body["password"], body["display_name"])
        except EmailTaken:
            return error(409, "email_taken", "an account with this e-mail already exists",
                         {"email": ["an account with this e-mail already exists"]})
        return signed_in(account_id, 201)

    @bp.post("/session", endpoint="sign_in")
    @documented(response=s.SessionReply, status=200, tag="identity")
    @validated(s.SignInBody())
    def sign_in_route(body):
        """Sign in with e-mail and password: a new session cookie (any earlier session ends)."""
        return signed_in(checked_sign_in(body["email"], body["password"]), 200)

    @bp.get("/session")
    @documented(response=s.SessionReply, tag="identity", authenticated=True)
    def who_am_i():
        """The signed-in account, its roles and (with a session) the CSRF token writes must carry."""
        principal = require_principal()
        return jsonify(session_reply(principal, identity.accounts.names([principal.account_id])))

    @bp.put("/account/display-name")
    @documented(response=s.SessionReply, status=200, tag="identity")
    @validated(s.DisplayNameBody())
    def change_display_name(body):
        """Change the signed-in account's public display name (1–60 characters, never an e-mail address)."""
        principal = require_principal()
        name = identity.accounts.rename(principal.account_id, body["display_name"])
        return jsonify(session_reply(principal, {principal.account_id: name or ""}))

    @bp.delete("/session")
    @documented(response=None, status=204, tag="identity")
    def sign_out():
        """Sign out: the session ends and its cookie is dropped."""
        return end_session(identity, settings, make_response("", 204))

    @bp.post("/account/password")
    @documented(response=None, status=204, tag="identity")
    @validated(s.ChangePasswordBody())
    def change_password(body):
        """Change the signed-in account's password; its other sessions are signed out."""
        principal = require_principal()
        if not identity.change_password(principal.account_id, body["current_password"], body["new_password"],
                                        principal.session_id):
            return error(403, "invalid_credentials", "the current password is wrong",
                         {"current_password": ["wrong password"]})
        return "", 204

    @bp.post("/tokens")
    @documented(response=s.TokenCreated, status=201, tag="identity")
    @validated(s.CreateTokenBody())
    def create_token(body):
        """Create an API token (shown once): with the account's e-mail and password in the body, or signed in."""
        principal = current_principal()
        if body.get("password") or principal is None:
            account_id = checked_sign_in(*credentials(body))  # the password proves it, cookie or no cookie
        else:
            if principal.session_id:  # the session's cookie is what proves it: a forged request must not
                csrf.require(principal.csrf_token or "")
            account_id = principal.account_id
        token_id, secret = identity.tokens.create(account_id, body["name"])
        return jsonify({"token_id": token_id, "name": body["name"], "token": secret}), 201

    @bp.get("/tokens")
    @documented(response=s.TokenList, tag="identity", authenticated=True)
    def list_tokens():
        """The signed-in account's API tokens, without their secrets."""
        return jsonify({"items": identity.tokens.list(require_principal().account_id)})

    @bp.delete("/tokens/<uuid:token_id>")
    @documented(response=None, status=204, tag="identity")
    def revoke_token(token_id):
        """Revoke one of the signed-in account's API tokens; using it afterwards gets 401."""
        if not identity.tokens.revoke(require_principal().account_id, str(token_id)):
            return error(404, "not_found", "you have no API token with this id", {"token_id": ["unknown token"]})
        return "", 204

    return bp


def credentials(body: dict) -> tuple[str, str]:
    """The e-mail and password of an unauthenticated token request, or a 401 naming what is missing."""
    missing = {f: ["required when not signed in"] for f in ("email", "password") if not body.get(f)}
    if missing:
        raise RequestRefused(401, "unauthenticated", "sign in, or give the account's e-mail and password", missing)
    return body["email"], body["password"]


def session_reply(principal: Principal, names: dict[str, str]) -> dict:
    """The body describing who is signed in, with their display name."""
    return {"account_id": principal.account_id, "display_name": names.get(principal.account_id, ""),
            "roles": sorted(principal.roles),
            "authenticated_by": "session" if principal.session_id is not None else "token",
            "csrf_token": principal.csrf_token}
