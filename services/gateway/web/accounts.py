"""Sign up, sign in and sign out pages, on the same identity code as the API.

Every form carries a CSRF token. Signed in, it is the session's (checked by `auth.install`); before
signing in there is no session yet, so the sign-in and sign-up forms echo a random pre-session cookie
instead — otherwise another site could sign a visitor into the attacker's account (login CSRF).
"""

from __future__ import annotations

from flask import Blueprint, g, make_response, request
from werkzeug.wrappers import Response

from shared.http import RequestRefused

from ..edge.auth import client_ip, current_principal
from ..edge.cookies import end_session, set_session_cookie, start_session
from ..edge.identity_schemas import SignUpBody
from ..identity.accounts import EmailTaken
from ..identity.credentials import new_secret, same
from ..identity.signin import TooManyAttempts, WrongCredentials, sign_in
from .web import Form, Ui, done, form_values, page, require_account, safe_next

FORM_COOKIE = "charter_form"
SIGN_UP = {"display_name": "your name", "email": "your e-mail address", "password": "password"}


def form_token() -> str:
    """The token this reader's forms carry: the session's CSRF token, or else the pre-session one."""
    principal = current_principal()
    if principal is not None and principal.csrf_token:
        return principal.csrf_token
    token = request.cookies.get(FORM_COOKIE) or g.get("new_form_token")
    if not token:
        token = g.new_form_token = new_secret()
    return token


def keep_form_token(response: Response) -> None:
    """Give the browser the pre-session token a page's form was just rendered with."""
    if g.get("new_form_token"):
        response.set_cookie(FORM_COOKIE, g.new_form_token, path="/", httponly=True, samesite="Strict",
                            secure=request.is_secure)


def check_form_token() -> None:
    """Refuse an anonymous form whose token is not the browser's pre-session cookie."""
    if current_principal() is not None:
        return  # the session's token was already checked
    cookie = request.cookies.get(FORM_COOKIE, "")
    if not cookie or not same(request.form.get("csrf_token", ""), cookie):
        raise RequestRefused(403, "csrf_failed", "This form has expired or did not come from this site."
                             " Reload the page and try again.")


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the account pages."""

    def signed_in(account_id: str, notice: str) -> Response:
        session_id, _ = start_session(ui.identity, account_id)
        response = done("ui.home", notice)
        response.headers["Location"] = safe_next(request.form.get("next"))
        return set_session_cookie(ui.settings, response, session_id)

    @bp.route("/sign-up", methods=["GET", "POST"])
    def sign_up():
        form = Form(form_values("display_name", "email", "next") if request.method == "POST"
                    else {"next": request.args.get("next")}, labels=SIGN_UP)
        if request.method == "GET":
            return page("accounts/sign_up.html", form=form)
        check_form_token()
        credentials = {"email": form.values["email"].strip(), "password": request.form.get("password", ""),
                       "display_name": form.values["display_name"]}
        form.invalid(SignUpBody().validate(credentials), typed=credentials)
        if form.errors:
            return page("accounts/sign_up.html", 422, form=form)
        try:
            account_id = ui.identity.accounts.create(credentials["email"], credentials["password"],
                                                     credentials["display_name"])
        except EmailTaken:
            return page("accounts/sign_up.html", 409, form=form.add("email", "An account with this e-mail exists:"
                                                                     " sign in instead."))
        return signed_in(account_id, "signed_up")

    @bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
    def sign_in_page():
        form = Form(form_values("display_name", "email", "next") if request.method == "POST"
                    else {"next": request.args.get("next")})
        if request.method == "GET":
            return page("accounts/sign_in.html", form=form)
        check_form_token()
        try:
            account_id = sign_in(ui.identity, form.values["email"], request.form.get("password", ""),
                                 client_ip(ui.settings))
        except TooManyAttempts as exc:
            return page("accounts/sign_in.html", 429, form=form.add("_form", str(exc).capitalize() + "."))
        except WrongCredentials:
            return page("accounts/sign_in.html", 401, form=form.add("_form", "The e-mail or the password is wrong."))
        return signed_in(account_id, "signed_in")

    @bp.post("/sign-out")
    def sign_out():
        require_account()
        return end_session(ui.identity, ui.settings, make_response(done("ui.home", "signed_out")))
