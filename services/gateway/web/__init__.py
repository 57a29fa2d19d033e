"""The web app: server-rendered pages over the gateway's read models, with forms that send commands on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, g, redirect, request, url_for
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from shared.config import Settings
from shared.http import RequestRefused
from shared.projection import Projection

from ..edge.auth import current_principal
from ..edge.consistency import wait_for_request_token
from ..edge.services import Services
from ..identity.names import FORMER, is_account_id, shown
from ..identity.store import Identity
from . import (
    account,
    accounts,
    admin,
    drafting,
    erasures,
    errors,
    home,
    knowledge,
    knowledge_following,
    knowledge_forms,
    knowledge_revisions,
    moderation,
    my_signatures,
    organisations,
    people,
    pilot_forms,
    pilots,
    signing,
    stewardship,
    system,
)
from .charts import line_chart
from .web import NOTICE_COOKIE, SignInNeeded, Ui, has_role, new_form_key

NOTICES = {
    "signed_up": "Welcome! Your account is ready and you are signed in.",
    "signed_in": "You are signed in.",
    "signed_out": "You are signed out.",
    "draft_proposed": "Your draft is proposed.",
    "rated": "Thank you: your rating is recorded.",
    "commented": "Your comment is posted.",
    "signature_requested": "Thank you. We e-mailed a link to the address you gave: your signature counts only once"
                           " you follow that link.",
    "signature_verified": "Your signature is confirmed: it now counts.",
    "signature_withdrawn": "Your signature is withdrawn.",
    "signature_links_sent": "We e-mailed you fresh links; the links sent before them no longer work.",
    "page_proposed": "Thank you: the page is in the knowledge base.",
    "page_edited": "Your edit is saved as a new revision.",
    "flagged": "Thank you: a moderator will look at your flag.",
    "endorsed": "Your endorsement is recorded.",
    "photo_attached": "The photo is attached.",
    "pilot_proposed": "Your pilot is proposed; a steward will review it.",
    "organisation_recorded": "The organisation has a record.",
    "domain_verified": "The domain is verified: signatures confirmed from addresses there are domain verified.",
    "domain_removed": "The domain is removed: addresses there no longer verify a signature.",
    "signature_vouched": "The signature is recorded as checked by a steward.",
    "membership_claimed": "We e-mailed a link to the address you gave: open it while signed in to confirm.",
    "membership_confirmed": "You belong to the organisation now: you may act for it here.",
    "membership_ended": "You no longer belong to the organisation.",
    "pilot_changed": "The pilot is updated.",
    "progress_reported": "Your progress report is published.",
    "barrier_targeted": "The pilot now targets the barrier.",
    "barrier_moved": "The barrier's status in the pilot is updated.",
    "milestone_added": "The milestone is planned.",
    "milestone_done": "The milestone is marked done.",
    "csv_imported": "The CSV file is imported.",
    "outcome_recorded": "The pilot's outcome is recorded; it shows as self-reported until a steward verifies it.",
    "pilot_stopped": "The pilot is stopped.",
    "outcome_verified": "You verified the pilot's outcome.",
    "charter_changed": "The charter is updated.",
    "moderated": "Your moderation decision is recorded and public in the moderation log.",
    "flag_dismissed": "The flag is dismissed; your decision is public in the moderation log.",
    "endorsement_withdrawn": "The endorsement is withdrawn.",
    "watching": "The page is on your watch list.",
    "unwatched": "The page is off your watch list.",
    "feed_key_reset": "Your watch list feed has a new address: the old one no longer works.",
    "revision_restored": "The revision is restored as a new revision.",
    "password_changed": "Your password is changed.",
    "name_changed": "Your name is changed: it shows beside everything you wrote.",
    "name_reset": "The name is reset to a neutral one; the reset is recorded with your reason.",
    "token_revoked": "The API token is revoked: requests that send it are refused from now on.",
    "parked_retry": "The retry is asked for: the consumer applies the event again within seconds.",
    "parked_skip": "The skip is asked for: the consumer passes over the event within seconds, recording why.",
    "role_granted": "The role is granted; the change is recorded in the account's role history.",
    "role_revoked": "The role is revoked; the change is recorded in the account's role history.",
    "erased": "Their personal data is erased: their name and role show as “erased” everywhere, and the erasure is"
              " in the log below.",
    "sponsor_erased": "The sponsor's name and role are erased: they show as “erased” everywhere, and the erasure is"
                      " in the log below.",
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


def people_filters(identity: Identity) -> tuple[Callable[[str | None], str], Callable[[str | None], Markup]]:
    """The `person` filter (a person's display name, from the gateway's accounts as the page is made; "a former
    participant" once the account is gone) and `person_link` (the same name, linked to their profile page)."""

    def person(actor: str | None) -> str:
        names: dict[str, str] = g.setdefault("people_names", {})
        if actor and actor not in names and is_account_id(actor):
            names.update(identity.accounts.names([actor]))
        return shown(actor, names)

    def person_link(actor: str | None) -> Markup:
        name = person(actor)
        if not actor or not is_account_id(actor) or name == FORMER:
            return escape(name)
        return Markup('<a href="{}" class="person">{}</a>').format(url_for("ui.person", account_id=actor), name)

    return person, person_link


def humanise(name: str | None) -> str:
    """A code word as people read it: `it_policy_and_tools` → "It policy and tools"."""
    return (name or "").replace("_", " ").capitalize()


def _sets_cookie(response: Response, name: str) -> bool:
    return any(h.startswith(f"{name}=") for h in response.headers.getlist("Set-Cookie"))


def blueprint(projection: Projection, services: Services, identity: Identity, settings: Settings,
              health: Any = None, parked: Any = None) -> Blueprint:
    """Every page of the web app, on one blueprint with its templates and static files."""
    bp = Blueprint("ui", __name__, template_folder="templates", static_folder="static", static_url_path="/ui-static")
    ui = Ui(projection.pool, services, identity, settings, health, parked)
    for area in (home, accounts, drafting, signing, knowledge, knowledge_forms, pilots, stewardship, moderation,
                 account, my_signatures, admin, system, pilot_forms, knowledge_following, knowledge_revisions,
                 people, organisations, erasures):
        area.register(bp, ui)
    bp.add_app_template_filter(paragraphs, "paragraphs")
    person, person_link = people_filters(identity)
    bp.add_app_template_filter(person, "person")
    bp.add_app_template_filter(person_link, "person_link")
    bp.add_app_template_global(humanise, "humanise")
    bp.add_app_template_global(has_role, "has_role")
    bp.add_app_template_global(PLURALS, "plurals")  # type: ignore[arg-type]  # a template global may be any value
    bp.add_app_template_global(accounts.form_token, "csrf_token")
    bp.add_app_template_global(new_form_key, "idempotency_key")
    bp.add_app_template_global(line_chart, "line_chart")

    @bp.app_context_processor  # app-wide: an error page for an unknown URL is rendered outside the blueprint
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
        return errors.error_page(exc.status, exc.message, exc.errors)

    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return errors.error_page(exc.code or 500, errors.page_message(exc))

    if settings.dev_mode:
        signing.register_dev(bp, ui)
    return bp


def install_error_pages(app: Flask) -> None:
    """Browsers asking outside the API get error pages; install after the app's JSON error handlers."""
    errors.install(app, SECURITY_HEADERS)
