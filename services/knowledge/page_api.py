"""Routes every page takes, barrier or solution: restore, revert, endorse, moderate, discuss.

Each path starts with `PAGE`, `/{kinds}/{item_id}` where `kinds` is `barriers` or `solutions`; the
gateway's document spells each route out once per kind.
"""

from __future__ import annotations

import uuid

from shared.contract.vocabulary import MODERATOR
from shared.http import command_meta
from shared.openapi import ACCOUNT
from shared.service import current_store

from . import handlers, schemas
from .domain import discussion, endorsements, moderation, photos, protection
from .edge import EDITS_REFUSED, PAGE, bp, changed, on_page, page

# A moderator's decision on a page: no such page (or revision, flag, comment), not a moderator, nothing to
# change (already hidden, not protected...), or another write to the page came first.
DECISION_REFUSED = ("not_found", "forbidden", "conflict", "concurrency_conflict")


@bp.post(f"{PAGE}/restorations")
@bp.arguments(schemas.RestoreRevisionBody())
@bp.response(201, schemas.PageRevised, description="the older revision's content is the page's new revision")
@bp.refuses(*EDITS_REFUSED)
@bp.requires(ACCOUNT)
def restore_revision(command, kinds, item_id):
    """Restore an older revision

    Makes an older, visible revision's content the page's next revision (history is never rewritten).
    Send `based_on_revision` as for an edit: 409 `stale_revision` if the page moved on. A hidden
    revision, or one that already says what the page says, is refused with 409 `conflict`. Needs an account.
    """
    kind, item_id = page(kinds, item_id)
    result, revision = handlers.restore_revision(current_store(), kind, item_id, command, command_meta())
    return on_page(result, kind, item_id, revision=revision)


@bp.post(f"{PAGE}/reverts")
@bp.arguments(schemas.RevertEditsBody())
@bp.response(201, schemas.PageRevised, description="the page's new revision is the one before the author's edits")
@bp.refuses(*DECISION_REFUSED)
@bp.requires(MODERATOR)
def revert_edits(command, kinds, item_id):
    """Revert an author's latest edits

    Reverts the latest run of edits by one `author` in one action, as a new revision, saying why.
    409 `conflict` when the latest revision is not theirs or nothing earlier is visible. Needs the
    moderator role.
    """
    kind, item_id = page(kinds, item_id)
    result, revision = handlers.revert_edits(current_store(), kind, item_id, command, command_meta())
    return on_page(result, kind, item_id, revision=revision)


@bp.post(f"{PAGE}/endorsements")
@bp.arguments(schemas.OrganisationBody(endorsements.EndorseItem))
@bp.response(201, schemas.PageChanged, description="the organisation endorses the page")
@bp.refuses("not_found", "conflict", "concurrency_conflict")
@bp.requires(ACCOUNT)
def endorse(command, kinds, item_id):
    """Endorse a page

    For an organisation: "we faced this barrier", or "this solution worked for us". An organisation
    endorses a page once (409 `conflict` again, or on a hidden page). Needs an account.
    """
    kind, item_id = page(kinds, item_id)
    return on_page(handlers.endorse(current_store(), kind, item_id, command, command_meta()), kind, item_id)


@bp.post(f"{PAGE}/endorsements/withdraw")
@bp.arguments(schemas.OrganisationBody(endorsements.WithdrawEndorsement))
@bp.response(200, schemas.PageChanged, description="the endorsement is withdrawn")
@bp.refuses("not_found", "forbidden", "concurrency_conflict")
@bp.requires(ACCOUNT)
def withdraw_endorsement(command, kinds, item_id):
    """Withdraw an endorsement

    Takes back the endorsement given for `organisation` (404 `not_found` naming it if there is none).
    Only the person who gave it may withdraw it (403 `forbidden`). Needs an account.
    """
    kind, item_id = page(kinds, item_id)
    return changed(handlers.withdraw_endorsement(current_store(), kind, item_id, command, command_meta()),
                   kind, item_id)


@bp.post(f"{PAGE}/flags")
@bp.arguments(schemas.RevisionReasonBody(moderation.FlagItem))
@bp.response(201, schemas.PageFlagged, description="the flag is open for the moderators")
@bp.refuses("not_found", "concurrency_conflict")
@bp.requires(ACCOUNT)
def flag(command, kinds, item_id):
    """Flag a page for a moderator

    Flags the whole page, or with `revision` one revision of it, saying why; moderators see open
    flags at GET /flags. Needs an account. The reply names the new `flag_id`.
    """
    kind, item_id = page(kinds, item_id)
    flag_id = str(uuid.uuid4())
    result = handlers.flag(current_store(), kind, item_id, flag_id, command, command_meta())
    return on_page(result, kind, item_id, flag_id=flag_id)


@bp.post(f"{PAGE}/hide")
@bp.arguments(schemas.RevisionReasonBody(moderation.ModerateItem))
@bp.response(200, schemas.PageChanged, description="the page, or the revision, is hidden")
@bp.refuses(*DECISION_REFUSED)
@bp.requires(MODERATOR)
def hide(command, kinds, item_id):
    """Hide a page or a revision

    Hides the page, or with `revision` one revision, from public reads, saying why; it stays in the
    log and the audit view. 409 `conflict` if already hidden. Needs the moderator role.
    """
    kind, item_id = page(kinds, item_id)
    return changed(handlers.hide(current_store(), kind, item_id, command, command_meta()), kind, item_id)


@bp.post(f"{PAGE}/unhide")
@bp.arguments(schemas.RevisionReasonBody(moderation.ModerateItem))
@bp.response(200, schemas.PageChanged, description="the page, or the revision, is visible again")
@bp.refuses(*DECISION_REFUSED)
@bp.requires(MODERATOR)
def unhide(command, kinds, item_id):
    """Bring back a hidden page or revision

    Shows the hidden page, or with `revision` the hidden revision, again, saying why. 409 `conflict`
    if it is not hidden. Needs the moderator role.
    """
    kind, item_id = page(kinds, item_id)
    return changed(handlers.unhide(current_store(), kind, item_id, command, command_meta()), kind, item_id)


@bp.post(f"{PAGE}/flags/<uuid:flag_id>/dismiss")
@bp.arguments(schemas.ReasonBody(moderation.DismissFlag))
@bp.response(200, schemas.PageChanged, description="the flag is dismissed")
@bp.refuses(*DECISION_REFUSED)
@bp.requires(MODERATOR)
def dismiss_flag(command, kinds, item_id, flag_id):
    """Dismiss a flag

    Closes an open flag, leaving the content as it is, saying why. 404 `not_found` for a flag the
    page does not have, 409 `conflict` for one already closed. Needs the moderator role.
    """
    kind, item_id = page(kinds, item_id)
    return changed(handlers.dismiss_flag(current_store(), kind, item_id, command, command_meta()), kind, item_id)


@bp.post(f"{PAGE}/protect")
@bp.arguments(schemas.ProtectPageBody())
@bp.response(200, schemas.PageChanged, description="the page is protected until `until`")
@bp.refuses("not_found", "forbidden", "concurrency_conflict")
@bp.requires(MODERATOR)
def protect(command, kinds, item_id):
    """Protect a page from edits

    Until `until` (a future time), only moderators may edit, restore or add photos to the page; others
    get 409 `page_is_protected`. Protecting again replaces the time and reason. Needs the moderator role.
    """
    kind, item_id = page(kinds, item_id)
    return changed(handlers.protect(current_store(), kind, item_id, command, command_meta()), kind, item_id)


@bp.post(f"{PAGE}/unprotect")
@bp.arguments(schemas.ReasonBody(protection.UnprotectPage))
@bp.response(200, schemas.PageChanged, description="the page's protection is lifted")
@bp.refuses(*DECISION_REFUSED)
@bp.requires(MODERATOR)
def unprotect(command, kinds, item_id):
    """Lift a page's protection

    Ends the protection before its time, saying why. 409 `conflict` if the page is not protected.
    Needs the moderator role.
    """
    kind, item_id = page(kinds, item_id)
    return changed(handlers.unprotect(current_store(), kind, item_id, command, command_meta()), kind, item_id)


@bp.post(f"{PAGE}/comments")
@bp.arguments(schemas.PostCommentBody())
@bp.response(201, schemas.CommentPosted, description="the comment is in the page's discussion")
@bp.refuses("not_found", "conflict", "concurrency_conflict")
@bp.requires(ACCOUNT)
def post_comment(command, kinds, item_id):
    """Comment on a page

    Posts a comment in the page's discussion, or with `reply_to` a reply to one of its comments (404
    `not_found` naming `reply_to` if the page has no such comment). A hidden page cannot be discussed
    (409 `conflict`). Needs an account. The reply names the new `comment_id`.
    """
    kind, item_id = page(kinds, item_id)
    comment_id = str(uuid.uuid4())
    result = handlers.post_comment(current_store(), kind, item_id, comment_id, command, command_meta())
    return on_page(result, kind, item_id, comment_id=comment_id)


@bp.post(f"{PAGE}/comments/<uuid:comment_id>/hide")
@bp.arguments(schemas.ReasonBody(discussion.HideComment))
@bp.response(200, schemas.PageChanged, description="the comment is hidden: it keeps its place, not its words")
@bp.refuses(*DECISION_REFUSED)
@bp.requires(MODERATOR)
def hide_comment(command, kinds, item_id, comment_id):
    """Hide a comment

    Hides a comment from the discussion, saying why; its replies stay. 409 `conflict` if already
    hidden. Needs the moderator role.
    """
    kind, item_id = page(kinds, item_id)
    return changed(handlers.hide_comment(current_store(), kind, item_id, command, command_meta()), kind, item_id)


@bp.post(f"{PAGE}/photos/<string(length=64):sha256>/remove")
@bp.arguments(schemas.ReasonBody(photos.RemovePhoto))
@bp.response(200, schemas.PageChanged, description="the photo is off the page")
@bp.refuses("not_found", "forbidden", "concurrency_conflict")
@bp.requires(ACCOUNT)
def remove_photo(command, kinds, item_id, sha256):
    """Remove a photo from a page

    Takes the photo with this SHA-256 off the page, saying why. Only the person who attached it, or a
    moderator, may (403 `forbidden` otherwise). Needs an account.
    """
    kind, item_id = page(kinds, item_id)
    return changed(handlers.remove_photo(current_store(), kind, item_id, command, command_meta()), kind, item_id)
