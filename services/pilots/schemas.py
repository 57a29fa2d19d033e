"""The pilots service's command bodies: each validates a body and builds its command (shared.http.CommandBody)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from shared.contract.organisations import canonical_organisation
from shared.contract.vocabulary import ERASURE_RULES
from shared.http import CommandBody

from .domain import barriers, erasures, milestones, outcomes, pilots, progress
from .domain.state import COMPLETION_SCALE, BarrierStatus, Metric

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


class EmptyBody(CommandBody):
    """A command that needs nothing but its path and actor (unknown fields are still refused)."""


class ProposePilotBody(CommandBody):
    command, fresh_ids = pilots.ProposePilot, ("pilot_id",)
    organisation_id = fields.String(required=True, validate=NAME)
    title = fields.String(required=True, validate=TITLE)
    aims = fields.String(required=True, validate=validate.Length(min=1, max=10_000))
    sponsor_name = fields.String(required=True, validate=NAME)
    sponsor_role = fields.String(required=True, validate=NAME)
    leads = fields.List(fields.String(validate=NAME), required=True, validate=validate.Length(min=1, max=20))
    start_date = fields.Date(required=True)
    planned_end_date = fields.Date(required=True)

    @post_load
    def make_command(self, body: dict[str, Any], **kwargs: Any) -> pilots.ProposePilot:
        """The proposal, naming the organisation by its id: its canonical name, as the pledge gives it."""
        return super().make_command(body | {"organisation_id": canonical_organisation(body["organisation_id"])})


class EraseSponsorBody(CommandBody):
    command, fresh_ids = erasures.EraseSponsor, ("erasure_id",)
    rule = fields.String(required=True, validate=validate.OneOf(ERASURE_RULES),
                         metadata={"description": "the UK GDPR Article 17(1) ground the erasure is made under"})


class StopPilotBody(CommandBody):
    command = pilots.StopPilot
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2_000))


class TargetBarrierBody(CommandBody):
    command = barriers.TargetBarrier
    barrier_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    notes = fields.String(load_default="", validate=NOTES)


class ChangeBarrierStatusBody(CommandBody):
    command = barriers.ChangeBarrierStatus
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in BarrierStatus]))
    notes = fields.String(load_default="", validate=NOTES)
    solution_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    solution_title = fields.String(load_default=None, allow_none=True, validate=TITLE)


class AddMilestoneBody(CommandBody):
    command, fresh_ids = milestones.AddMilestone, ("milestone_id",)
    title = fields.String(required=True, validate=TITLE)
    due_date = fields.Date(required=True)


class MarkMilestoneDoneBody(CommandBody):
    command = milestones.MarkMilestoneDone
    done_date = fields.Date(load_default=None, allow_none=True)

    @post_load
    def make_command(self, body: dict[str, Any], **kwargs: Any) -> milestones.MarkMilestoneDone:
        """Done today (UTC) unless the body names the day."""
        return super().make_command({"done_date": body["done_date"] or datetime.now(UTC).date()})


class MetricBody(Schema):
    name = fields.String(required=True, validate=NAME)
    value = Number(required=True)
    unit = fields.String(required=True, validate=validate.Length(min=1, max=50))

    @post_load
    def make_metric(self, body: dict[str, Any], **kwargs: Any) -> Metric:
        return Metric(**body)


class ReportProgressBody(CommandBody):
    command, fresh_ids = progress.ReportProgress, ("report_id",)
    reported_on = fields.Date(load_default=None, allow_none=True)  # the day it reports on; today when absent
    text = fields.String(load_default="", validate=TEXT)
    metrics = fields.List(fields.Nested(MetricBody), load_default=list, validate=validate.Length(max=50))


class RecordOutcomeBody(CommandBody):
    command = outcomes.RecordOutcome
    what_worked = fields.String(required=True, validate=TEXT)
    what_did_not = fields.String(required=True, validate=TEXT)
    lessons = fields.String(required=True, validate=TEXT)
    completion = fields.String(required=True, validate=validate.OneOf(COMPLETION_SCALE))


class VerifyOutcomeBody(CommandBody):
    command = outcomes.VerifyOutcome
    comment = fields.String(load_default="", validate=validate.Length(max=2_000))
