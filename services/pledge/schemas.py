"""The pledge service's command bodies: each validates a body and builds its command (shared.http.CommandBody)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from shared.http import CommandBody

from .domain import charters, comments, drafts, signatures
from .domain.comments import MAX_COMMENT_CHARS
from .domain.signatures import MAX_NAME_CHARS, MAX_STATEMENT_CHARS, ORGANISATION_TYPES

TITLE = validate.Length(min=1, max=200)
DRAFT_TEXT_MAX = 20_000
NAME = validate.Length(min=1, max=MAX_NAME_CHARS)


class Text(fields.String):
    """A string PostgreSQL can store: NUL characters are refused at the edge instead of failing the append."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("must not contain NUL characters")
        return text


class CreateCharterBody(CommandBody):
    command, fresh_ids = charters.CreateCharter, ("charter_id",)
    title = Text(required=True, validate=TITLE)
    purpose = Text(required=True, validate=validate.Length(min=1, max=5000))


class ProposeDraftBody(CommandBody):
    command, fresh_ids = drafts.ProposeDraft, ("draft_id",)
    title = Text(required=True, validate=TITLE)
    text = Text(required=True, validate=validate.Length(min=1, max=DRAFT_TEXT_MAX))
    change_summary = Text(load_default="", validate=validate.Length(max=1000))
    parents = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=10))


class OpenRoundBody(CommandBody):
    command = charters.OpenRound
    closes_at = fields.DateTime(load_default=None, allow_none=True)


class EmptyBody(CommandBody):
    """A command that needs nothing but its path and actor (unknown fields are still refused)."""


class AdoptVersionBody(CommandBody):
    command = charters.AdoptVersion
    draft_id = fields.UUID(required=True)


class RateDraftBody(CommandBody):
    command = drafts.RateDraft
    stars = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))


class PostCommentBody(CommandBody):
    command, fresh_ids = comments.PostComment, ("comment_id",)
    body = Text(required=True, validate=validate.Length(min=1, max=MAX_COMMENT_CHARS))
    reply_to = fields.UUID(load_default=None, allow_none=True)
    passage_start = fields.Integer(load_default=None, allow_none=True, strict=True)
    passage_end = fields.Integer(load_default=None, allow_none=True, strict=True)
    quote = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=DRAFT_TEXT_MAX))


class RequestSignatureBody(CommandBody):
    command = signatures.RequestSignature
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    organisation_name = Text(required=True, validate=NAME)
    organisation_type = Text(required=True, validate=validate.OneOf(ORGANISATION_TYPES))
    area = Text(load_default=None, allow_none=True, validate=validate.Length(max=MAX_NAME_CHARS))
    signatory_name = Text(required=True, validate=NAME)
    signatory_role = Text(required=True, validate=NAME)
    # RFC 5321 caps a forward path at 254 characters; the domain checks the shape and canonicalises.
    email = Text(required=True, validate=validate.Length(min=1, max=254))
    statement = Text(load_default=None, allow_none=True, validate=validate.Length(max=MAX_STATEMENT_CHARS))


class VerifySignatureBody(CommandBody):
    command = signatures.VerifySignature
    token = Text(required=True, validate=validate.Length(min=1, max=200))


class WithdrawSignatureBody(CommandBody):
    command = signatures.WithdrawSignature
    reason = Text(load_default=None, allow_none=True, validate=validate.Length(max=MAX_STATEMENT_CHARS))
