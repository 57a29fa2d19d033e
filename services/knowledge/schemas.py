"""The knowledge service's command bodies and replies: each body validates and builds its command (CommandBody).

The page a command acts on (and the id of a new page, flag or comment) is not part of the command:
the route passes it to the handler beside the command. The replies say where the command's events
landed (shared.openapi.CommandAccepted) and name the ids it made.
"""

from __future__ import annotations

from marshmallow import fields, validate

from shared.http import CommandBody
from shared.openapi import CommandAccepted

from .domain import barriers, discussion, protection, revisions, solutions
from .domain.barriers import CATEGORIES

TITLE = validate.Length(min=1, max=200)
LONG_TEXT = validate.Length(min=1, max=50_000)
SUMMARY = validate.Length(max=500)
REASON = validate.Length(min=1, max=1000)
ORGANISATION = validate.Length(min=1, max=200)
REVISION = validate.Range(min=1)


def tags() -> fields.List:
    """Up to 20 tags of at most 50 characters."""
    return fields.List(fields.String(validate=validate.Length(min=1, max=50)), load_default=list,
                       validate=validate.Length(max=20), metadata={
                           "description": "free tags, lower-cased and deduplicated", "example": ["email", "consent"]})


def summary() -> fields.String:
    """An optional edit summary, shown in the page's history."""
    return fields.String(load_default="", validate=SUMMARY, metadata={
        "description": "a line for the page's history saying what changed", "example": "First version"})


def revision_number(description: str, **kwargs) -> fields.Integer:
    """A revision number: a whole number from 1."""
    return fields.Integer(strict=True, validate=REVISION, metadata={"description": description, "example": 1},
                          **kwargs)


BASED_ON = "the revision the editor saw: an edit based on an older one is refused with `stale_revision`"
REASON_TEXT = "why: moderation decisions and flags must say why"


class ProposeBarrierBody(CommandBody):
    """A barrier's page: what stands in the way of interactive working, and its category."""

    command: type = barriers.ProposeBarrier
    title = fields.String(required=True, validate=TITLE, metadata={"example": "No budget line for live captioning"})
    description = fields.String(required=True, validate=LONG_TEXT, metadata={
        "description": "the page's text", "example": "Meetings cannot be captioned live because no budget covers it."})
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES),
                             metadata={"example": "culture_and_leadership"})
    tags = tags()
    summary = summary()


class EditBarrierBody(ProposeBarrierBody):
    """A barrier's page as the editor wants it, and the revision the edit is based on."""

    command = barriers.EditBarrier
    based_on_revision = revision_number(BASED_ON, required=True)


class ProposeSolutionBody(CommandBody):
    """A solution's page: what worked, the steps, who did it, and the barriers it solves."""

    command: type = solutions.ProposeSolution
    title = fields.String(required=True, validate=TITLE, metadata={"example": "Caption with volunteers first"})
    body = fields.String(required=True, validate=LONG_TEXT, metadata={
        "description": "the page's text", "example": "We trained two volunteers per meeting to caption live."})
    barrier_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=50), metadata={
        "description": "the barriers it solves: each must exist and be visible",
        "example": ["6f1c2d9e-8a51-4a8e-9a43-3b7c2b1f0e11"]})
    steps = fields.List(fields.String(validate=validate.Length(min=1, max=2000)), load_default=list,
                        validate=validate.Length(max=50), metadata={
                            "description": "the steps to follow, in order", "example": ["Ask for volunteers"]})
    organisations = fields.List(fields.String(validate=ORGANISATION), load_default=list,
                                validate=validate.Length(max=200), metadata={
                                    "description": "organisations that used it", "example": ["Leeds City Council"]})
    tags = tags()
    summary = summary()


class EditSolutionBody(ProposeSolutionBody):
    """A solution's page as the editor wants it, and the revision the edit is based on."""

    command = solutions.EditSolution
    based_on_revision = revision_number(BASED_ON, required=True)


class RestoreRevisionBody(CommandBody):
    """Which older revision to make the page's next one, and the revision the editor saw."""

    command = revisions.RestoreRevision
    revision = revision_number("the older revision to restore", required=True)
    based_on_revision = revision_number(BASED_ON, required=True)
    summary = summary()


class RevertEditsBody(CommandBody):
    """Whose latest run of edits to revert, and why."""

    command = revisions.RevertEdits
    author = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "the account id of the author whose edits to revert"})
    reason = fields.String(required=True, validate=REASON, metadata={"description": REASON_TEXT})


class OrganisationBody(CommandBody):
    """The organisation an endorsement is given, or was given, for."""

    organisation = fields.String(required=True, validate=ORGANISATION, metadata={
        "description": "the organisation's name", "example": "Leeds City Council"})


class ReasonBody(CommandBody):
    """Why: every moderation decision says why, and the page's moderation log shows it."""

    reason = fields.String(required=True, validate=REASON, metadata={
        "description": REASON_TEXT, "example": "Off-topic advertising"})


class RevisionReasonBody(ReasonBody):
    """A reason, and optionally the one revision it concerns (else the whole page)."""

    revision = revision_number("the one revision concerned; none or null: the whole page",
                               load_default=None, allow_none=True)


class ProtectPageBody(ReasonBody):
    """Until when the page is protected from edits by non-moderators, and why."""

    command = protection.ProtectPage
    until = fields.AwareDateTime(required=True, metadata={
        "description": "when the protection ends: a future time with its offset", "example": "2030-01-31T18:00:00Z"})


class PostCommentBody(CommandBody):
    """A comment for the page's discussion, or with `reply_to` a reply to one of its comments."""

    command = discussion.PostComment
    body = fields.String(required=True, validate=validate.Length(min=1, max=10_000),
                         metadata={"example": "We hit this in 2024 too; the volunteers approach worked."})
    reply_to = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "the comment this replies to (on the same page)"})


class BarrierRevised(CommandAccepted):
    """The reply to a barrier's proposal or edit: its id and the revision it is at now."""

    barrier_id = fields.String(required=True, metadata={"description": "the barrier's id"})
    revision = fields.Integer(required=True, metadata={"description": "the barrier's current revision"})


class SolutionRevised(CommandAccepted):
    """The reply to a solution's proposal or edit: its id and the revision it is at now."""

    solution_id = fields.String(required=True, metadata={"description": "the solution's id"})
    revision = fields.Integer(required=True, metadata={"description": "the solution's current revision"})


class PageChanged(CommandAccepted):
    """The reply to a command on a page: the page's id under its kind's name, and where its events landed."""

    barrier_id = fields.String(metadata={"description": "the barrier's id (on a barrier's page)"})
    solution_id = fields.String(metadata={"description": "the solution's id (on a solution's page)"})


class PageRevised(PageChanged):
    """The reply to a restore or revert: the page and the revision it is at now."""

    revision = fields.Integer(required=True, metadata={"description": "the page's current revision"})


class PageFlagged(PageChanged):
    """The reply to a flag: the page and the new flag's id."""

    flag_id = fields.String(required=True, metadata={"description": "the flag's id"})


class CommentPosted(PageChanged):
    """The reply to a comment: the page and the new comment's id."""

    comment_id = fields.String(required=True, metadata={"description": "the comment's id"})


class PhotoAttached(PageChanged):
    """The reply to a photo upload: the page and the stored photo, named by the SHA-256 of its cleaned bytes."""

    sha256 = fields.String(required=True, metadata={"description": "the photo's SHA-256: GET /photos/{sha256}"})
    media_type = fields.String(required=True, metadata={"example": "image/jpeg"})
    size = fields.Integer(required=True, metadata={"description": "bytes, once metadata was stripped"})

