"""Marshmallow schemas for the pledge service's command bodies: the edge's validation."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

TITLE = validate.Length(min=1, max=200)
DRAFT_TEXT_MAX = 20_000


class CreateCharterBody(Schema):
    title = fields.String(required=True, validate=TITLE)
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class ProposeDraftBody(Schema):
    title = fields.String(required=True, validate=TITLE)
    text = fields.String(required=True, validate=validate.Length(min=1, max=DRAFT_TEXT_MAX))
    change_summary = fields.String(load_default="", validate=validate.Length(max=1000))
    parents = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=10))
