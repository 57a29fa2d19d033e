"""Sign up, sign in, sign out, change password, and API tokens: `/api/v1/accounts`, `/session`, `/tokens`."""

from __future__ import annotations

from flask import Response, jsonify, make_response

from shared.config import Settings
from shared.http import RequestRefused, error
from shared.openapi import ACCOUNT, ANYONE, Blueprint

from ..edge import csrf
from ..edge import identity_schemas as s
from ..edge.auth import Principal, Refused, client_ip, current_principal, require_principal
from ..edge.cookies import end_session, set_session_cookie, start_session
from ..identity.accounts import EmailTaken
from ..identity.signin import TooManyAttempts, WrongCredentials, sign_in
from ..identity.store import Identity


def blueprint(identity: Identity, settings: Settings) -> Blueprint:
    """The identity routes, bound to the gateway's identity store."""
    bp = Blueprint("identity", __name__, url_prefix="/api/v1", area="Accounts")

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
    @bp.arguments(s.SignUpBody)
    @bp.response(201, s.SessionReply, description="The account is open and signed in: the reply sets the session"
                 " cookie `charter_session`.")
    @bp.refuses("email_taken")
    @bp.requires(ANYONE)
    def sign_up(body):
        """Open an account

        Opens an account with its e-mail, a new password and its public display name (every account
        is a participant), and signs it in with a session cookie. Anyone may call it; no CSRF token is needed.
        """
        try:
            account_id = identity.accounts.create(body["email"], body["password"], body["display_name"])
        except EmailTaken:
            return error(409, "email_taken", "an account with this e-mail already exists",
                         {"email": ["an account with this e-mail already exists"]})
        return signed_in(account_id, 201)

    @bp.post("/session", endpoint="sign_in")
    @bp.arguments(s.SignInBody)
    @bp.response(200, s.SessionReply, description="Signed in: the reply sets the session cookie `charter_session`.")
    @bp.refuses("invalid_credentials:401")
    @bp.requires(ANYONE)
    def sign_in_route(body):
        """Sign in

        Signs in with e-mail and password and sets a new session cookie (any earlier session of this browser
        ends). Anyone may call it; repeated wrong passwords are refused with 429 for a while.
        """
        return signed_in(checked_sign_in(body["email"], body["password"]), 200)

    @bp.get("/session")
    @bp.response(200, s.SessionReply, description="Who is signed in.")
    @bp.requires(ACCOUNT)
    def who_am_i():
        """Read who is signed in

        The signed-in account (by session cookie or API token), its display name, its roles and, with a session,
        the CSRF token that cookie-authenticated writes must carry in `X-CSRF-Token`. Needs an account.
        """
        principal = require_principal()
        return jsonify(session_reply(principal, identity.accounts.names([principal.account_id])))

    @bp.put("/account/display-name")
    @bp.arguments(s.DisplayNameBody)
    @bp.response(200, s.SessionReply, description="The account with its new display name.")
    @bp.requires(ACCOUNT)
    def change_display_name(body):
        """Change your display name

        Changes the signed-in account's public display name (1–60 characters once trimmed, never an e-mail
        address). Needs an account.
        """
        principal = require_principal()
        name = identity.accounts.rename(principal.account_id, body["display_name"])
        return jsonify(session_reply(principal, {principal.account_id: name or ""}))

    @bp.delete("/session")
    @bp.response(204, description="Signed out: the session ended and its cookie is dropped.")
    @bp.requires(ACCOUNT)
    def sign_out():
        """Sign out

        Ends the session and drops its cookie. Needs an account (the session being ended).
        """
        return end_session(identity, settings, make_response("", 204))

    @bp.post("/account/password")
    @bp.arguments(s.ChangePasswordBody)
    @bp.response(204, description="The password is changed; the account's other sessions are signed out.")
    @bp.refuses("invalid_credentials:403")
    @bp.requires(ACCOUNT)
    def change_password(body):
        """Change your password

        Changes the signed-in account's password, given the current one (a wrong one is 403
        `invalid_credentials`); its other sessions are signed out. Needs an account.
        """
        principal = require_principal()
        if not identity.change_password(principal.account_id, body["current_password"], body["new_password"],
                                        principal.session_id):
            return error(403, "invalid_credentials", "the current password is wrong",
                         {"current_password": ["wrong password"]})
        return Response(status=204)

    @bp.post("/tokens")
    @bp.arguments(s.CreateTokenBody)
    @bp.response(201, s.TokenCreated, description="The new API token; its secret `token` is shown this once.")
    @bp.refuses("invalid_credentials:401")
    @bp.requires(ANYONE)
    def create_token(body):
        """Create an API token

        Creates an API token for `Authorization: Bearer <token>`. Anyone may call it with the account's e-mail and
        password in the body (a session cookie sent along does not matter); signed in, the name alone will do.
        The token's secret is shown this once.
        """
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
    @bp.response(200, s.TokenList, description="The account's API tokens, oldest first.")
    @bp.requires(ACCOUNT)
    def list_tokens():
        """List your API tokens

        The signed-in account's API tokens, revoked ones included, without their secrets. Needs an account.
        """
        return jsonify({"items": identity.tokens.list(require_principal().account_id)})

    @bp.delete("/tokens/<uuid:token_id>")
    @bp.response(204, description="The token is revoked.")
    @bp.refuses("not_found")
    @bp.requires(ACCOUNT)
    def revoke_token(token_id):
        """Revoke an API token

        Revokes one of the signed-in account's API tokens; a request using it afterwards gets 401
        `token_revoked`. Revoking a revoked token changes nothing. Needs an account.
        """
        if not identity.tokens.revoke(require_principal().account_id, str(token_id)):
            return error(404, "not_found", "you have no API token with this id", {"token_id": ["unknown token"]})
        return Response(status=204)

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
