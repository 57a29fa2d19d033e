"""Marshmallow schemas for the pilots service's command bodies: the edge's validation."""

from __future__ import annotations

import math

from marshmallow import Schema, ValidationError, fields, validate

from .domain.state import COMPLETION_SCALE, BarrierStatus

TITLE = validate.Length(min=1, max=200)
NAME = validate.Length(min=1, max=200)
TEXT = validate.Length(max=10_000)
NOTES = validate.Length(max=5_000)
CSV_MAX_CHARS = 512 * 1024


class Number(fields.Field):
    """A JSON number, kept as int or float as sent (140 stays 140 in the CSV export); never a boolean."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValidationError("Not a valid number.")
        return value


class EmptyBody(Schema):
    """A command that needs nothing but its path and actor (unknown fields are still refused)."""


class ProposePilotBody(Schema):
    organisation_id = fields.String(required=True, validate=NAME)
    title = fields.String(required=True, validate=TITLE)
    aims = fields.String(required=True, validate=validate.Length(min=1, max=10_000))
    sponsor_name = fields.String(required=True, validate=NAME)
    sponsor_role = fields.String(required=True, validate=NAME)
    leads = fields.List(fields.String(validate=NAME), required=True, validate=validate.Length(min=1, max=20))
    start_date = fields.Date(required=True)
    planned_end_date = fields.Date(required=True)


class StopPilotBody(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2_000))


class TargetBarrierBody(Schema):
    barrier_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    notes = fields.String(load_default="", validate=NOTES)


class ChangeBarrierStatusBody(Schema):
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in BarrierStatus]))
    notes = fields.String(load_default="", validate=NOTES)
    solution_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    solution_title = fields.String(load_default=None, allow_none=True, validate=TITLE)


class AddMilestoneBody(Schema):
    title = fields.String(required=True, validate=TITLE)
    due_date = fields.Date(required=True)


class MarkMilestoneDoneBody(Schema):
    done_date = fields.Date(load_default=None, allow_none=True)


class MetricBody(Schema):
    name = fields.String(required=True, validate=NAME)
    value = Number(required=True)
    unit = fields.String(required=True, validate=validate.Length(min=1, max=50))


class ReportProgressBody(Schema):
    text = fields.String(load_default="", validate=TEXT)
    metrics = fields.List(fields.Nested(MetricBody), load_default=list, validate=validate.Length(max=50))


class RecordOutcomeBody(Schema):
    what_worked = fields.String(required=True, validate=TEXT)
    what_did_not = fields.String(required=True, validate=TEXT)
    lessons = fields.String(required=True, validate=TEXT)
    completion = fields.String(required=True, validate=validate.OneOf(COMPLETION_SCALE))


class VerifyOutcomeBody(Schema):
    comment = fields.String(load_default="", validate=validate.Length(max=2_000))
