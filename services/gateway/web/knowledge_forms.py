"""Writing the knowledge base: propose and edit pages (showing what changed since, on a conflict), flag, endorse
and withdraw, attach photos, discuss, watch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, request

from shared.contract.vocabulary import CATEGORIES
from shared.http import RequestRefused

from ..edge.forwarding import FORM_OVERHEAD
from ..readmodels import watching
from ..readmodels.knowledge_reads import KINDS, carried, require_page
from .knowledge import PAGE_PATH, category_name, knowledge_page
from .moderation import MODERATOR
from .web import Form, Outcome, Ui, done, form_values, has_role, optional, page, require_account

FIELDS = {"barrier": ("title", "description", "category", "tags", "summary"),
          "solution": ("title", "body", "barrier_ids", "steps", "organisations", "tags", "summary")}
# How error messages name the edit form's fields, in its labels' words.
LABELS = {"title": "the title", "description": "the description", "category": "the category", "tags": "the tags",
          "summary": "the summary of your change", "body": "how it works", "barrier_ids": "the barriers it solves",
          "steps": "the steps", "organisations": "the organisations where it worked"}
# How error messages name the page's forms' fields, by form.
PAGE_FORMS = {"flag": {"reason": "what is wrong with this page"}, "endorse": {"organisation": "your organisation"},
              "comment": {"body": "what you add to the discussion"}}
LISTS = {"tags": ",", "barrier_ids": "\n", "steps": "\n", "organisations": "\n"}


def as_lists(values: dict[str, str]) -> dict[str, Any]:
    """The form's text as a command body: comma- or line-separated fields become lists."""
    return {name: [v.strip() for v in value.split(LISTS[name]) if v.strip()] if name in LISTS else value
            for name, value in values.items()}


def as_text(content: dict[str, Any]) -> dict[str, str]:
    """A page's content as the edit form shows it."""
    return {name: (", " if LISTS[name] == "," else "\n").join(value) if name in LISTS else value
            for name, value in content.items() if name in LISTS or isinstance(value, str)}


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the knowledge base's forms."""

    @bp.before_app_request
    def _room_for_an_image() -> None:
        # Runs before auth's CSRF check parses the form: an image may be larger than a JSON body.
        if request.endpoint == "ui.attach_photo":
            request.max_content_length = ui.settings.max_image_bytes + FORM_OVERHEAD

    def edit_page(kinds: str, form: Form, status: int = 200, conflict: dict | None = None,
                  protection: dict | None = None):
        return page("knowledge/edit.html", status, kind=KINDS[kinds], kinds=kinds, form=form, conflict=conflict,
                    protection=protection, categories=CATEGORIES, category_name=category_name)

    @bp.route("/<any(barriers, solutions):kinds>/new", methods=["GET", "POST"])
    def propose_page(kinds):
        require_account(back=f"/{kinds}/new")
        fields = FIELDS[KINDS[kinds]]
        if request.method == "GET":
            return edit_page(kinds, Form({"barrier_ids": request.args.get("barrier", ""), "category": "other"}))
        form = Form(form_values(*fields), labels=LABELS)
        outcome = ui.command("POST", f"/{kinds}", as_lists(form.values))
        if not outcome.ok:
            return edit_page(kinds, form.refused(outcome), outcome.status)
        return done("ui.knowledge_item", "page_proposed", outcome, kinds=kinds,
                    item_id=outcome.body[f"{KINDS[kinds]}_id"])

    @bp.route(f"{PAGE_PATH}/edit", methods=["GET", "POST"])
    def edit_knowledge(kinds, item_id):
        require_account(back=f"/{kinds}/{item_id}/edit")
        kind = KINDS[kinds]
        if request.method == "GET":
            with ui.cursor() as cur:
                row = require_page(cur, kind, str(item_id))
                # Only moderators edit a protected page: say so now, not after the person has written their edit.
                protection = None if has_role(MODERATOR) else carried(cur, str(item_id))["protection"]
            values = as_text(row["content"]) | {"based_on_revision": str(row["revision"]), "summary": ""}
            return edit_page(kinds, Form(values | {"item_id": str(item_id)}), 403 if protection else 200,
                             protection=protection)
        form = Form(form_values(*FIELDS[kind], "based_on_revision") | {"item_id": str(item_id)}, labels=LABELS)
        based_on = form.values["based_on_revision"]
        body = as_lists({k: form.values[k] for k in FIELDS[kind]}) | {
            "based_on_revision": int(based_on) if based_on.isdigit() else based_on}
        outcome = ui.command("POST", f"/{kinds}/{item_id}/edits", body)
        if outcome.status == 409 and outcome.body.get("code") == "stale_revision":
            # Keep what they wrote, show what others changed meanwhile, and base the next save on the latest.
            form.values["based_on_revision"] = str(outcome.body["latest_revision"])
            return edit_page(kinds, form.refused(outcome), 409, conflict=outcome.body)
        if not outcome.ok:
            return edit_page(kinds, form.refused(outcome), outcome.status)
        return done("ui.knowledge_item", "page_edited", outcome, kinds=kinds, item_id=item_id)

    def act(kinds: str, item_id, action: str, body: dict, form_name: str, notice: str):
        require_account(back=f"/{kinds}/{item_id}")
        outcome = ui.command("POST", f"/{kinds}/{item_id}/{action}", body)
        if not outcome.ok:
            form = Form({k: v for k, v in body.items() if isinstance(v, str)},
                        labels=PAGE_FORMS.get(form_name, {})).refused(outcome)
            return knowledge_page(ui, kinds, str(item_id), outcome.status, **{form_name: form})
        return done("ui.knowledge_item", notice, outcome, kinds=kinds, item_id=item_id)

    @bp.post(f"{PAGE_PATH}/flag")
    def flag(kinds, item_id):
        return act(kinds, item_id, "flags", {"reason": request.form.get("reason", "")}, "flag", "flagged")

    @bp.post(f"{PAGE_PATH}/endorse")
    def endorse(kinds, item_id):
        body = {"organisation": request.form.get("organisation", "").strip()}
        return act(kinds, item_id, "endorsements", body, "endorse", "endorsed")

    @bp.post(f"{PAGE_PATH}/endorse/withdraw")
    def withdraw_endorsement(kinds, item_id):
        body = {"organisation": request.form.get("organisation", "")}
        return act(kinds, item_id, "endorsements/withdraw", body, "withdraw", "endorsement_withdrawn")

    @bp.post(f"{PAGE_PATH}/comments")
    def comment_on_page(kinds, item_id):
        body = {"body": request.form.get("body", ""), "reply_to": request.form.get("reply_to") or None}
        return act(kinds, item_id, "comments", body, "comment", "commented")

    def change_watch(kinds: str, item_id, notice: str, change: Callable[[str], object]):
        # No command to a service: the watch list is the account's own state, so the page shows the change at once.
        account_id = require_account(back=f"/{kinds}/{item_id}").account_id
        try:
            change(account_id)
        except RequestRefused as exc:
            refusal = Outcome(exc.status, {"message": exc.message, "errors": exc.errors or {}})
            return knowledge_page(ui, kinds, str(item_id), exc.status, watch=Form().refused(refusal))
        return done("ui.knowledge_item", notice, kinds=kinds, item_id=item_id)

    @bp.post(f"{PAGE_PATH}/watch")
    def watch_page(kinds, item_id):
        def watch(account_id: str) -> None:
            with ui.cursor() as cur:
                watching.watch(cur, ui.identity.watchlists, account_id, kinds, str(item_id))

        return change_watch(kinds, item_id, "watching", watch)

    @bp.post(f"{PAGE_PATH}/unwatch")
    def unwatch_page(kinds, item_id):
        return change_watch(kinds, item_id, "unwatched",
                            lambda account_id: watching.unwatch(ui.identity.watchlists, account_id, str(item_id)))

    @bp.post(f"{PAGE_PATH}/photos")
    def attach_photo(kinds, item_id):
        """Forward the multipart form as it came: the knowledge service reads `image` and `alt_text`."""
        require_account(back=f"/{kinds}/{item_id}")
        outcome = ui.upload(f"/{kinds}/{item_id}/photos", request.get_data(), request.content_type or "")
        if not outcome.ok:
            form = Form({"alt_text": optional(request.form.get("alt_text", "")) or ""}).refused(outcome)
            return knowledge_page(ui, kinds, str(item_id), outcome.status, photo=form)
        return done("ui.knowledge_item", "photo_attached", outcome, kinds=kinds, item_id=item_id)
