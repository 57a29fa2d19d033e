"""Routes every page takes, barrier or solution: restore, revert, endorse, moderate, discuss."""

from __future__ import annotations

import uuid

from flask import Blueprint

from shared.eventstore import EventStore
from shared.http import actor_roles, command_meta, validated

from . import handlers, schemas
from .domain import discussion, endorsements, moderation, photos, protection, revisions
from .domain.model import BARRIER, SOLUTION
from .edge import accepted, actor

PAGE = "/<any(barriers, solutions):kinds>/<uuid:item_id>"
KIND = {"barriers": BARRIER, "solutions": SOLUTION}


def register(bp: Blueprint, store: EventStore) -> None:
    """Add the shared page routes to the knowledge blueprint."""
    def act(kinds: str, item_id, decide, command, **ids: str):
        kind = KIND[kinds]
        result = handlers.act_on_page(store, kind, str(item_id), decide, command, command_meta(), **ids)
        return accepted(result, **{f"{kind}_id": str(item_id)}, **ids)

    def revise(kinds: str, item_id, decide, command):
        kind = KIND[kinds]
        result, revision = handlers.revise_page(store, kind, str(item_id), decide, command, command_meta())
        return accepted(result, **{f"{kind}_id": str(item_id)}, revision=revision)

    @bp.post(f"{PAGE}/restorations")
    @validated(schemas.RestoreRevisionBody())
    def restore_revision(body, kinds, item_id):
        """Restore an older revision of the page as a new revision."""
        command = revisions.RestoreRevision(actor(), **body, actor_roles=actor_roles())
        return revise(kinds, item_id, revisions.decide_restore_revision, command)

    @bp.post(f"{PAGE}/reverts")
    @validated(schemas.RevertEditsBody())
    def revert_edits(body, kinds, item_id):
        """Revert the latest run of edits by one author in one action (moderators)."""
        command = revisions.RevertEdits(actor(), **body, actor_roles=actor_roles())
        return revise(kinds, item_id, revisions.decide_revert_edits, command)

    @bp.post(f"{PAGE}/endorsements")
    @validated(schemas.OrganisationBody())
    def endorse(body, kinds, item_id):
        """Endorse the page for an organisation: we faced this barrier, or this solution worked for us."""
        return act(kinds, item_id, endorsements.decide_endorse, endorsements.EndorseItem(actor(), **body))

    @bp.post(f"{PAGE}/endorsements/withdraw")
    @validated(schemas.OrganisationBody())
    def withdraw_endorsement(body, kinds, item_id):
        """Withdraw an endorsement you gave."""
        command = endorsements.WithdrawEndorsement(actor(), **body)
        return act(kinds, item_id, endorsements.decide_withdraw_endorsement, command)

    @bp.post(f"{PAGE}/flags")
    @validated(schemas.RevisionReasonBody())
    def flag(body, kinds, item_id):
        """Flag the page, or one revision of it, for a moderator, saying why."""
        command = moderation.FlagItem(actor(), **body)
        return act(kinds, item_id, moderation.decide_flag_item, command, flag_id=str(uuid.uuid4()))

    @bp.post(f"{PAGE}/hide")
    @validated(schemas.RevisionReasonBody())
    def hide(body, kinds, item_id):
        """Hide the page, or one revision, from public reads, saying why (moderators)."""
        command = moderation.ModerateItem(actor(), **body, actor_roles=actor_roles())
        return act(kinds, item_id, moderation.decide_hide, command)

    @bp.post(f"{PAGE}/unhide")
    @validated(schemas.RevisionReasonBody())
    def unhide(body, kinds, item_id):
        """Bring a hidden page or revision back, saying why (moderators)."""
        command = moderation.ModerateItem(actor(), **body, actor_roles=actor_roles())
        return act(kinds, item_id, moderation.decide_unhide, command)

    @bp.post(f"{PAGE}/flags/<uuid:flag_id>/dismiss")
    @validated(schemas.ReasonBody())
    def dismiss_flag(body, kinds, item_id, flag_id):
        """Dismiss an open flag, leaving the content as it is, saying why (moderators)."""
        command = moderation.DismissFlag(actor(), str(flag_id), body["reason"], actor_roles())
        return act(kinds, item_id, moderation.decide_dismiss_flag, command)

    @bp.post(f"{PAGE}/protect")
    @validated(schemas.ProtectPageBody())
    def protect(body, kinds, item_id):
        """Protect the page from edits until a time, saying why (moderators)."""
        command = protection.ProtectPage(actor(), **body, actor_roles=actor_roles())
        return act(kinds, item_id, protection.decide_protect_page, command)

    @bp.post(f"{PAGE}/unprotect")
    @validated(schemas.ReasonBody())
    def unprotect(body, kinds, item_id):
        """Lift the page's protection, saying why (moderators)."""
        command = protection.UnprotectPage(actor(), **body, actor_roles=actor_roles())
        return act(kinds, item_id, protection.decide_unprotect_page, command)

    @bp.post(f"{PAGE}/comments")
    @validated(schemas.PostCommentBody())
    def post_comment(body, kinds, item_id):
        """Post a comment, or a reply, in the page's discussion."""
        reply_to = str(body["reply_to"]) if body["reply_to"] else None
        command = discussion.PostComment(actor(), body["body"], reply_to)
        return act(kinds, item_id, discussion.decide_post_comment, command, comment_id=str(uuid.uuid4()))

    @bp.post(f"{PAGE}/comments/<uuid:comment_id>/hide")
    @validated(schemas.ReasonBody())
    def hide_comment(body, kinds, item_id, comment_id):
        """Hide a comment from the discussion, saying why (moderators)."""
        command = discussion.HideComment(actor(), str(comment_id), body["reason"], actor_roles())
        return act(kinds, item_id, discussion.decide_hide_comment, command)

    @bp.post(f"{PAGE}/photos/<string(length=64):sha256>/remove")
    @validated(schemas.ReasonBody())
    def remove_photo(body, kinds, item_id, sha256):
        """Remove a photo from the page (who attached it, or a moderator)."""
        command = photos.RemovePhoto(actor(), sha256, body["reason"], actor_roles())
        return act(kinds, item_id, photos.decide_remove_photo, command)
