"""The moderators' screen: open flags, hidden pages, recent decisions; hide, restore, protect and unprotect pages,
revert a run of edits, and dismiss a flag on content that is fine."""

from __future__ import annotations

from flask import Blueprint, request

from shared.contract.vocabulary import MODERATOR

from ..readmodels.knowledge_reads import DECISIONS
from .knowledge import PAGE_PATH, knowledge_page
from .stewardship import end_of_day
from .web import Form, Ui, done, form_values, page, require_role

OPEN_FLAGS = ("SELECT f.flag_id, f.item_id, f.kind, f.revision, f.reason, f.flagged_by, f.at, p.title FROM kb_flags f"
              " JOIN kb_pages p USING (item_id) WHERE f.status = 'open' ORDER BY f.at, f.flag_id LIMIT 100")
# What each decision in the public log did, in words (the log keeps the event's name).
ACTIONS = {
    "ItemHidden": "Hid the page",
    "ItemRestored": "Restored the page",
    "RevisionHidden": "Hid a revision",
    "RevisionReinstated": "Reinstated a revision",
    "PageProtected": "Protected the page",
    "PageUnprotected": "Unprotected the page",
    "EditsReverted": "Reverted edits",
    "CommentHidden": "Hid a comment",
    "FlagDismissed": "Dismissed a flag",
    "PhotoRemoved": "Removed a photo",
}
HIDDEN = ("SELECT item_id, kind, title, updated_at FROM kb_pages WHERE hidden ORDER BY updated_at DESC, item_id"
          " LIMIT 100")


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the moderation screen and its forms."""

    def screen(status: int = 200, **forms: Form):
        require_role(MODERATOR, back="/moderation")
        with ui.cursor() as cur:
            flags = cur.execute(OPEN_FLAGS).fetchall()
            hidden = cur.execute(HIDDEN).fetchall()
            decisions = cur.execute(DECISIONS + " ORDER BY d.at DESC, d.item_id, d.version DESC LIMIT 30").fetchall()
        return page("moderation.html", status, flags=flags, hidden=hidden, decisions=decisions, actions=ACTIONS,
                    forms=forms, blank=Form())

    @bp.get("/moderation")
    def moderation():
        return screen()

    def decide(kinds: str, item_id, action: str, body: dict, on_page: bool, form_name: str = "moderate"):
        require_role(MODERATOR, back="/moderation")
        outcome = ui.command("POST", f"/{kinds}/{item_id}/{action}", body)
        if not outcome.ok:
            typed = {k: v for k, v in request.form.items() if k not in ("csrf_token", "from")}
            form = Form(typed).refused(outcome)
            if on_page:
                return knowledge_page(ui, kinds, str(item_id), outcome.status, **{form_name: form})
            return screen(outcome.status, **{f"{action}-{item_id}": form})
        if action == "hide":  # a hidden page cannot be shown: back to the screen that lists it
            return done("ui.moderation", "moderated", outcome)
        return done("ui.knowledge_item", "moderated", outcome, kinds=kinds, item_id=item_id)

    def on_page() -> bool:
        return request.form.get("from") == "page"

    @bp.post(f"/moderation{PAGE_PATH}/hide")
    def hide_page(kinds, item_id):
        revision = request.form.get("revision", "")
        body = {"reason": request.form.get("reason", ""), "revision": int(revision) if revision.isdigit() else None}
        return decide(kinds, item_id, "hide", body, on_page())

    @bp.post(f"/moderation{PAGE_PATH}/restore")
    def restore_page(kinds, item_id):
        return decide(kinds, item_id, "unhide", {"reason": request.form.get("reason", ""), "revision": None},
                      on_page())

    @bp.post(f"/moderation{PAGE_PATH}/protect")
    def protect_page(kinds, item_id):
        body = {"reason": request.form.get("reason", ""), "until": end_of_day(request.form.get("until", "")) or ""}
        return decide(kinds, item_id, "protect", body, on_page(), "protect")

    @bp.post(f"/moderation{PAGE_PATH}/unprotect")
    def unprotect_page(kinds, item_id):
        return decide(kinds, item_id, "unprotect", {"reason": request.form.get("reason", "")}, True, "unprotect")

    @bp.post(f"/moderation{PAGE_PATH}/revert")
    def revert_edits(kinds, item_id):
        body = {"author": request.form.get("author", ""), "reason": request.form.get("reason", "")}
        return decide(kinds, item_id, "reverts", body, True, "revert")

    @bp.post(f"/moderation{PAGE_PATH}/flags/<uuid:flag_id>/dismiss")
    def dismiss_flag(kinds, item_id, flag_id):
        require_role(MODERATOR, back="/moderation")
        typed = form_values("reason")
        outcome = ui.command("POST", f"/{kinds}/{item_id}/flags/{flag_id}/dismiss", typed)
        if not outcome.ok:  # a bad reason shows at the flag's form; a flag no longer open is no longer listed
            key = f"dismiss-{flag_id}" if outcome.status == 422 else "dismiss"
            return screen(outcome.status, **{key: Form(typed).refused(outcome)})
        return done("ui.moderation", "flag_dismissed", outcome)
