"""Marshmallow schemas for the knowledge service's command bodies: the edge's validation."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

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


class ProposeBarrierBody(Schema):
    title = fields.String(required=True, validate=TITLE)
    description = fields.String(required=True, validate=LONG_TEXT)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    tags = tags()
    summary = fields.String(load_default="", validate=SUMMARY)


class EditBarrierBody(ProposeBarrierBody):
    based_on_revision = revision_number(required=True)


class ProposeSolutionBody(Schema):
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
    based_on_revision = revision_number(required=True)


class RestoreRevisionBody(Schema):
    revision = revision_number(required=True)
    based_on_revision = revision_number(required=True)
    summary = fields.String(load_default="", validate=SUMMARY)


class RevertEditsBody(Schema):
    author = fields.String(required=True, validate=validate.Length(min=1, max=200))
    reason = fields.String(required=True, validate=REASON)


class OrganisationBody(Schema):
    organisation = fields.String(required=True, validate=ORGANISATION)


class ReasonBody(Schema):
    reason = fields.String(required=True, validate=REASON)


class RevisionReasonBody(ReasonBody):
    """A reason, and optionally the one revision it concerns (else the whole page)."""

    revision = revision_number(load_default=None, allow_none=True)


class ProtectPageBody(ReasonBody):
    until = fields.AwareDateTime(required=True)


class PostCommentBody(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=10_000))
    reply_to = fields.UUID(load_default=None, allow_none=True)
