"""The knowledge service's command bodies: each validates a body and builds its command (shared.http.CommandBody).

The page a command acts on (and the id of a new page, flag or comment) is not part of the command:
the route passes it to the handler beside the command.
"""

from __future__ import annotations

from marshmallow import fields, validate

from shared.http import CommandBody

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
                       validate=validate.Length(max=20))


def revision_number(**kwargs) -> fields.Integer:
    """A revision number: a whole number from 1."""
    return fields.Integer(strict=True, validate=REVISION, **kwargs)


class ProposeBarrierBody(CommandBody):
    command: type = barriers.ProposeBarrier
    title = fields.String(required=True, validate=TITLE)
    description = fields.String(required=True, validate=LONG_TEXT)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    tags = tags()
    summary = fields.String(load_default="", validate=SUMMARY)


class EditBarrierBody(ProposeBarrierBody):
    command = barriers.EditBarrier
    based_on_revision = revision_number(required=True)


class ProposeSolutionBody(CommandBody):
    command: type = solutions.ProposeSolution
    title = fields.String(required=True, validate=TITLE)
    body = fields.String(required=True, validate=LONG_TEXT)
    barrier_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=50))
    steps = fields.List(fields.String(validate=validate.Length(min=1, max=2000)), load_default=list,
                        validate=validate.Length(max=50))
    organisations = fields.List(fields.String(validate=ORGANISATION), load_default=list,
                                validate=validate.Length(max=200))
    tags = tags()
    summary = fields.String(load_default="", validate=SUMMARY)


class EditSolutionBody(ProposeSolutionBody):
    command = solutions.EditSolution
    based_on_revision = revision_number(required=True)


class RestoreRevisionBody(CommandBody):
    command = revisions.RestoreRevision
    revision = revision_number(required=True)
    based_on_revision = revision_number(required=True)
    summary = fields.String(load_default="", validate=SUMMARY)


class RevertEditsBody(CommandBody):
    command = revisions.RevertEdits
    author = fields.String(required=True, validate=validate.Length(min=1, max=200))
    reason = fields.String(required=True, validate=REASON)


class OrganisationBody(CommandBody):
    organisation = fields.String(required=True, validate=ORGANISATION)


class ReasonBody(CommandBody):
    reason = fields.String(required=True, validate=REASON)


class RevisionReasonBody(ReasonBody):
    """A reason, and optionally the one revision it concerns (else the whole page)."""

    revision = revision_number(load_default=None, allow_none=True)


class ProtectPageBody(ReasonBody):
    command = protection.ProtectPage
    until = fields.AwareDateTime(required=True)


class PostCommentBody(CommandBody):
    command = discussion.PostComment
    body = fields.String(required=True, validate=validate.Length(min=1, max=10_000))
    reply_to = fields.UUID(load_default=None, allow_none=True)
