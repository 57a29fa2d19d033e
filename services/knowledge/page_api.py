"""Routes every page takes, barrier or solution: restore, revert, endorse, moderate, discuss."""

from __future__ import annotations

import uuid

from shared.http import command_meta
from shared.service import current_store

from . import handlers, schemas
from .domain import discussion, endorsements, moderation, photos, protection
from .edge import PAGE, bp, on_page, page


@bp.post(f"{PAGE}/restorations")
@bp.arguments(schemas.RestoreRevisionBody())
def restore_revision(command, kinds, item_id):
    """Restore an older revision of the page as a new revision."""
    kind, item_id = page(kinds, item_id)
    result, revision = handlers.restore_revision(current_store(), kind, item_id, command, command_meta())
    return on_page(result, kind, item_id, revision=revision)


@bp.post(f"{PAGE}/reverts")
@bp.arguments(schemas.RevertEditsBody())
def revert_edits(command, kinds, item_id):
    """Revert the latest run of edits by one author in one action (moderators)."""
    kind, item_id = page(kinds, item_id)
    result, revision = handlers.revert_edits(current_store(), kind, item_id, command, command_meta())
    return on_page(result, kind, item_id, revision=revision)


@bp.post(f"{PAGE}/endorsements")
@bp.arguments(schemas.OrganisationBody(endorsements.EndorseItem))
def endorse(command, kinds, item_id):
    """Endorse the page for an organisation: we faced this barrier, or this solution worked for us."""
    kind, item_id = page(kinds, item_id)
    return on_page(handlers.endorse(current_store(), kind, item_id, command, command_meta()), kind, item_id)


@bp.post(f"{PAGE}/endorsements/withdraw")
@bp.arguments(schemas.OrganisationBody(endorsements.WithdrawEndorsement))
def withdraw_endorsement(command, kinds, item_id):
    """Withdraw an endorsement you gave."""
    kind, item_id = page(kinds, item_id)
    result = handlers.withdraw_endorsement(current_store(), kind, item_id, command, command_meta())
    return on_page(result, kind, item_id)


@bp.post(f"{PAGE}/flags")
@bp.arguments(schemas.RevisionReasonBody(moderation.FlagItem))
def flag(command, kinds, item_id):
    """Flag the page, or one revision of it, for a moderator, saying why."""
    kind, item_id = page(kinds, item_id)
    flag_id = str(uuid.uuid4())
    result = handlers.flag(current_store(), kind, item_id, flag_id, command, command_meta())
    return on_page(result, kind, item_id, flag_id=flag_id)


@bp.post(f"{PAGE}/hide")
@bp.arguments(schemas.RevisionReasonBody(moderation.ModerateItem))
def hide(command, kinds, item_id):
    """Hide the page, or one revision, from public reads, saying why (moderators)."""
    kind, item_id = page(kinds, item_id)
    return on_page(handlers.hide(current_store(), kind, item_id, command, command_meta()), kind, item_id)


@bp.post(f"{PAGE}/unhide")
@bp.arguments(schemas.RevisionReasonBody(moderation.ModerateItem))
def unhide(command, kinds, item_id):
    """Bring a hidden page or revision back, saying why (moderators)."""
    kind, item_id = page(kinds, item_id)
    return on_page(handlers.unhide(current_store(), kind, item_id, command, command_meta()), kind, item_id)


@bp.post(f"{PAGE}/flags/<uuid:flag_id>/dismiss")
@bp.arguments(schemas.ReasonBody(moderation.DismissFlag))
def dismiss_flag(command, kinds, item_id, flag_id):
    """Dismiss an open flag, leaving the content as it is, saying why (moderators)."""
    kind, item_id = page(kinds, item_id)
    return on_page(handlers.dismiss_flag(current_store(), kind, item_id, command, command_meta()), kind, item_id)


@bp.post(f"{PAGE}/protect")
@bp.arguments(schemas.ProtectPageBody())
def protect(command, kinds, item_id):
    """Protect the page from edits until a time, saying why (moderators)."""
    kind, item_id = page(kinds, item_id)
    return on_page(handlers.protect(current_store(), kind, item_id, command, command_meta()), kind, item_id)


@bp.post(f"{PAGE}/unprotect")
@bp.arguments(schemas.ReasonBody(protection.UnprotectPage))
def unprotect(command, kinds, item_id):
    """Lift the page's protection, saying why (moderators)."""
    kind, item_id = page(kinds, item_id)
    return on_page(handlers.unprotect(current_store(), kind, item_id, command, command_meta()), kind, item_id)


@bp.post(f"{PAGE}/comments")
@bp.arguments(schemas.PostCommentBody())
def post_comment(command, kinds, item_id):
    """Post a comment, or a reply, in the page's discussion."""
    kind, item_id = page(kinds, item_id)
    comment_id = str(uuid.uuid4())
    result = handlers.post_comment(current_store(), kind, item_id, comment_id, command, command_meta())
    return on_page(result, kind, item_id, comment_id=comment_id)


@bp.post(f"{PAGE}/comments/<uuid:comment_id>/hide")
@bp.arguments(schemas.ReasonBody(discussion.HideComment))
def hide_comment(command, kinds, item_id, comment_id):
    """Hide a comment from the discussion, saying why (moderators)."""
    kind, item_id = page(kinds, item_id)
    return on_page(handlers.hide_comment(current_store(), kind, item_id, command, command_meta()), kind, item_id)


@bp.post(f"{PAGE}/photos/<string(length=64):sha256>/remove")
@bp.arguments(schemas.ReasonBody(photos.RemovePhoto))
def remove_photo(command, kinds, item_id, sha256):
    """Remove a photo from the page (who attached it, or a moderator)."""
    kind, item_id = page(kinds, item_id)
    return on_page(handlers.remove_photo(current_store(), kind, item_id, command, command_meta()), kind, item_id)
