"""The web app: server-rendered pages over the gateway's read models, with forms that send commands on."""

from __future__ import annotations

from flask import Blueprint, Response, g, redirect, request, url_for
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from shared.config import Settings
from shared.http import RequestRefused
from shared.projection import Projection

from ..auth import current_principal
from ..consistency import wait_for_request_token
from ..identity.store import Identity
from ..services import Services
from . import accounts, drafting, home, knowledge, knowledge_forms, moderation, pilots, signing, stewardship
from .charts import line_chart
from .web import NOTICE_COOKIE, SignInNeeded, Ui, has_role, page

NOTICES = {
    "signed_up": "Welcome! Your account is ready and you are signed in.",
    "signed_in": "You are signed in.",
    "signed_out": "You are signed out.",
    "draft_proposed": "Your draft is proposed.",
    "rated": "Thank you: your rating is recorded.",
    "commented": "Your comment is posted.",
    "signature_requested": "Thank you: check your e-mail for the link that confirms your signature.",
    "signature_verified": "Your signature is confirmed: it now counts.",
    "signature_withdrawn": "Your signature is withdrawn.",
    "page_proposed": "Thank you: the page is in the knowledge base.",
    "page_edited": "Your edit is saved as a new revision.",
    "flagged": "Thank you: a moderator will look at your flag.",
    "endorsed": "Your endorsement is recorded.",
    "photo_attached": "The photo is attached.",
    "pilot_proposed": "Your pilot is proposed; a steward will review it.",
    "pilot_changed": "The pilot is updated.",
    "progress_reported": "Your progress report is published.",
    "charter_changed": "The charter is updated.",
    "moderated": "Your moderation decision is recorded and public in the moderation log.",
}
PLURALS = {"council": "Councils", "department": "Departments", "agency": "Agencies", "other": "Other organisations"}
SECURITY_HEADERS = {
    # Scripts and styles only from this origin: even if some text slipped through unescaped, it could not run.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self';"
                               " object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "private, no-cache",
}


def paragraphs(text: str | None) -> Markup:
    """User text as HTML: escaped first, then its line breaks kept (no Markdown, no markup of theirs)."""
    return Markup("<br>\n").join(escape(line) for line in (text or "").splitlines())


def person(actor: str | None) -> str:
    """An account as pages name it: accounts have no public names, so a short, stable handle of the id."""
    if not actor:
        return "someone"
    return f"participant {actor[:8]}" if len(actor) > 12 else actor


def humanise(name: str | None) -> str:
    """A code word as people read it: `it_policy_and_tools` → "It policy and tools"."""
    return (name or "").replace("_", " ").capitalize()


def _sets_cookie(response: Response, name: str) -> bool:
    return any(h.startswith(f"{name}=") for h in response.headers.getlist("Set-Cookie"))


def blueprint(projection: Projection, services: Services, identity: Identity, settings: Settings) -> Blueprint:
    """Every page of the web app, on one blueprint with its templates and static files."""
    bp = Blueprint("ui", __name__, template_folder="templates", static_folder="static", static_url_path="/ui-static")
    ui = Ui(projection.pool, services, identity, settings)
    for area in (home, accounts, drafting, signing, knowledge, knowledge_forms, pilots, stewardship, moderation):
        area.register(bp, ui)
    bp.add_app_template_filter(paragraphs, "paragraphs")
    bp.add_app_template_filter(person, "person")
    bp.add_app_template_global(humanise, "humanise")
    bp.add_app_template_global(has_role, "has_role")
    bp.add_app_template_global(PLURALS, "plurals")
    bp.add_app_template_global(accounts.form_token, "csrf_token")
    bp.add_app_template_global(line_chart, "line_chart")

    @bp.context_processor
    def _page_context() -> dict:
        return {"principal": current_principal(), "dev_mode": settings.dev_mode, "notice": g.get("notice")}

    @bp.before_request
    def _before() -> None:
        g.notice = NOTICES.get(request.cookies.get(NOTICE_COOKIE, ""))
        wait_for_request_token(projection, settings.consistency_timeout_s)

    @bp.after_request
    def _after(response: Response) -> Response:
        if g.get("notice") and not _sets_cookie(response, NOTICE_COOKIE):
            response.delete_cookie(NOTICE_COOKIE, path="/", httponly=True, samesite="Lax")
        accounts.keep_form_token(response)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @bp.errorhandler(SignInNeeded)
    def _sign_in(exc: SignInNeeded):
        return redirect(url_for("ui.sign_in", next=exc.next_url), code=303)

    @bp.errorhandler(RequestRefused)
    def _refused(exc: RequestRefused):
        return page("error.html", exc.status, status=exc.status, message=exc.message, errors=exc.errors or {})

    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return page("error.html", exc.code or 500, status=exc.code, message=exc.description, errors={})

    if settings.dev_mode:
        signing.register_dev(bp, ui)
    return bp
