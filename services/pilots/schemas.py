"""The pilots service's command bodies: each validates a body and builds its command (shared.http.CommandBody).

Also the two CSV formats as the API document describes them (the upload bodies and the downloads).
"""

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
ACCOUNT_ID = "3f0c9a52-6a7e-4d8e-9a41-0b6f2c1d7e55"
BARRIER_ID = "9b2e7c14-5d3a-4f61-8e0b-7a9c2d4e6f10"


class Number(fields.Number):
    """A JSON number, kept as int or float as sent (140 stays 140 in the CSV export); never a boolean."""

    num_type = float  # only for apispec's sake ("type": "number"): loading keeps the number as sent

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValidationError("Not a valid number.")
        return value


class EmptyBody(CommandBody):
    """Nothing: send `{}` (the pilot is in the path, the actor is who is signed in; unknown fields are refused)."""


class ProposePilotBody(CommandBody):
    """A pilot's proposal: the organisation running it, what it aims at, its sponsor, leads and dates."""

    command, fresh_ids = pilots.ProposePilot, ("pilot_id",)
    organisation_id = fields.String(required=True, validate=NAME, metadata={
        "description": "the organisation's id: its name, in any spelling (case, spacing) of a signatory's",
        "example": "Leeds City Council"})
    title = fields.String(required=True, validate=TITLE, metadata={"example": "Open by default"})
    aims = fields.String(required=True, validate=validate.Length(min=1, max=10_000),
                         metadata={"example": "Staff use shared tools to publish what they make"})
    sponsor_name = fields.String(required=True, validate=NAME, metadata={
        "description": "the senior sponsor's name, as shown on the pilot (erasable on request)",
        "example": "Tom Riordan"})
    sponsor_role = fields.String(required=True, validate=NAME, metadata={"example": "Chief Executive"})
    leads = fields.List(fields.String(validate=NAME), required=True, validate=validate.Length(min=1, max=20),
                        metadata={"description": "the account ids of the pilot's leads", "example": [ACCOUNT_ID]})
    start_date = fields.Date(required=True, metadata={"example": "2025-01-06"})
    planned_end_date = fields.Date(required=True, metadata={"description": "no earlier than `start_date`",
                                                            "example": "2026-12-31"})

    @post_load
    def make_command(self, body: dict[str, Any], **kwargs: Any) -> pilots.ProposePilot:
        """The proposal, naming the organisation by its id: its canonical name, as the pledge gives it."""
        return super().make_command(body | {"organisation_id": canonical_organisation(body["organisation_id"])})


class EraseSponsorBody(CommandBody):
    """The legal ground of a sponsor's erasure."""

    command, fresh_ids = erasures.EraseSponsor, ("erasure_id",)
    rule = fields.String(required=True, validate=validate.OneOf(ERASURE_RULES), metadata={
        "description": "the UK GDPR Article 17(1) ground the erasure is made under", "example": ERASURE_RULES[0]})


class StopPilotBody(CommandBody):
    """Why the pilot stops."""

    command = pilots.StopPilot
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2_000),
                           metadata={"example": "The service it improved was decommissioned"})


class TargetBarrierBody(CommandBody):
    """The barrier of the knowledge base to target, and a first note on it."""

    command = barriers.TargetBarrier
    barrier_id = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={
        "description": "a barrier's id in the knowledge base", "example": BARRIER_ID})
    notes = fields.String(load_default="", validate=NOTES,
                          metadata={"example": "Procurement rules forbid sharing code"})


class ChangeBarrierStatusBody(CommandBody):
    """A targeted barrier's next status; `removed` names the solution that removed it."""

    command = barriers.ChangeBarrierStatus
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in BarrierStatus]), metadata={
        "description": "the next step: from encountered to in_progress, from in_progress to removed or"
                       " not_removed", "example": "in_progress"})
    notes = fields.String(load_default="", validate=NOTES, metadata={"example": "Legal agreed a licence"})
    solution_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100),
                                metadata={"description": "the knowledge base's solution that removed the barrier;"
                                                         " required with `removed`"})
    solution_title = fields.String(load_default=None, allow_none=True, validate=TITLE, metadata={
        "description": "the solution's title, for a solution the pilots service has not seen yet"})


class AddMilestoneBody(CommandBody):
    """A milestone to plan."""

    command, fresh_ids = milestones.AddMilestone, ("milestone_id",)
    title = fields.String(required=True, validate=TITLE, metadata={"example": "First team publishes its code"})
    due_date = fields.Date(required=True, metadata={"description": "no earlier than the pilot's start date",
                                                    "example": "2025-03-31"})


class MarkMilestoneDoneBody(CommandBody):
    """The day a milestone was done."""

    command = milestones.MarkMilestoneDone
    done_date = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "the day it was done, not in the future; today (UTC) when absent or null",
        "example": "2025-03-28"})

    @post_load
    def make_command(self, body: dict[str, Any], **kwargs: Any) -> milestones.MarkMilestoneDone:
        """Done today (UTC) unless the body names the day."""
        return super().make_command({"done_date": body["done_date"] or datetime.now(UTC).date()})


class MetricBody(Schema):
    """One metric's reading: its name, a number and the unit it is measured in."""

    name = fields.String(required=True, validate=NAME, metadata={"example": "teams publishing"})
    value = Number(required=True, metadata={"description": "a finite number, kept as sent", "example": 4})
    unit = fields.String(required=True, validate=validate.Length(min=1, max=50), metadata={
        "description": "the metric's unit: the one of its first reading", "example": "teams"})

    @post_load
    def make_metric(self, body: dict[str, Any], **kwargs: Any) -> Metric:
        return Metric(**body)


class ReportProgressBody(CommandBody):
    """A progress report: text, metrics, or both, for one day."""

    command, fresh_ids = progress.ReportProgress, ("report_id",)
    reported_on = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "the day it reports on, within the pilot's dates; today (UTC) when absent or null",
        "example": "2025-03-28"})
    text = fields.String(load_default="", validate=TEXT,
                         metadata={"example": "Two more teams publish their code in the open."})
    metrics = fields.List(fields.Nested(MetricBody), load_default=list, validate=validate.Length(max=50),
                          metadata={"description": "at most one reading per metric"})


class RecordOutcomeBody(CommandBody):
    """A finished pilot's outcome: what worked, what did not, the lessons, and how far it got."""

    command = outcomes.RecordOutcome
    what_worked = fields.String(required=True, validate=TEXT, metadata={"example": "Publishing by default"})
    what_did_not = fields.String(required=True, validate=TEXT, metadata={"example": "Shared hosting"})
    lessons = fields.String(required=True, validate=TEXT, metadata={"example": "Start with one keen team"})
    completion = fields.String(required=True, validate=validate.OneOf(COMPLETION_SCALE), metadata={
        "description": "where the pilot got to, on the OGP completion scale", "example": "substantial"})


class VerifyOutcomeBody(CommandBody):
    """A steward's verification of a pilot's outcome, with an optional comment."""

    command = outcomes.VerifyOutcome
    comment = fields.String(load_default="", validate=validate.Length(max=2_000),
                            metadata={"example": "Checked against the council's published repositories"})
