"""The query parameters and replies of the pilots and organisations reads, as the API document gives them.

pilot_reads and organisation_reads build the replies: each field's type and nullability follow their tables.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contract.vocabulary import COMPLETION_SCALE, BarrierStatus, PilotStatus

from ..edge.paging import PageQuery, page_of
from ..edge.people import Person, person

STATUSES = [s.value for s in PilotStatus]
SIGNATURE_STANDINGS = ["signed", "withdrawn", "pending", "none", "unknown"]


def _nullable(field: type[fields.Field], description: str, **kwargs) -> fields.Field:
    return field(required=True, allow_none=True, metadata={"description": description}, **kwargs)


class PilotsQuery(PageQuery):
    """The dashboard's filters and page."""

    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": "only pilots in this status"})
    organisation_id = fields.String(validate=validate.Length(max=200), metadata={
        "description": "only the pilots of this organisation (its name, in any spelling)"})


class OrganisationsQuery(PageQuery):
    """The organisations list's search and page."""

    q = fields.String(validate=validate.Length(max=200), metadata={
        "description": "part of the organisation's name, in any spelling (case, spacing, full-width letters)"})


class PilotOrganisation(Schema):
    """The organisation running a pilot."""

    organisation_id = fields.String(required=True, metadata={"description": "its id: its canonical name"})
    name = fields.String(required=True)
    type = fields.String(required=True, metadata={"description": "the kind of organisation (council, ...)"})


class PilotSponsor(Schema):
    """The pilot's senior sponsor; both read `erased` once the sponsor is erased."""

    name = fields.String(required=True)
    role = fields.String(required=True)


class PilotProgress(Schema):
    """How far the pilot has got: milestones done and barriers removed, of those planned and targeted."""

    milestones_done = fields.Integer(required=True)
    milestones_total = fields.Integer(required=True)
    barriers_removed = fields.Integer(required=True)
    barriers_targeted = fields.Integer(required=True)


class PilotMetricReading(Schema):
    """One metric in a report."""

    name = fields.String(required=True)
    value = fields.Float(required=True, metadata={"description": "a number, as reported (140 or 2.5)"})
    unit = fields.String(required=True)


class PilotReport(Schema):
    """A progress report."""

    report_id = fields.String(required=True)
    reported_on = fields.Date(required=True, metadata={"description": "the day it reports on"})
    text = fields.String(required=True)
    metrics = fields.List(fields.Nested(PilotMetricReading), required=True)
    reported_by = fields.String(required=True, metadata={"description": "the account id of who filed it"})
    reported_by_person = person("reported_by")


class PilotSummary(Schema):
    """A pilot as the dashboard lists it."""

    pilot_id = fields.UUID(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    organisation = fields.Nested(PilotOrganisation, required=True)
    sponsor = fields.Nested(PilotSponsor, required=True)
    start_date = fields.Date(required=True)
    planned_end_date = fields.Date(required=True)
    progress = fields.Nested(PilotProgress, required=True)
    latest_report = fields.Nested(PilotReport, required=True, allow_none=True,
                                  metadata={"description": "the report for the latest day; null before any"})


class PilotBarrier(Schema):
    """A barrier of the knowledge base the pilot targets, and where it stands."""

    barrier_id = fields.String(required=True)
    barrier_title = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in BarrierStatus]))
    notes = fields.List(fields.String(), required=True, metadata={"description": "the notes given, oldest first"})
    solution_id = _nullable(fields.String, "the solution that removed it")
    solution_title = _nullable(fields.String, "that solution's title")
    targeted_on = fields.Date(required=True)
    removed_on = _nullable(fields.Date, "the day it was removed")


class PilotMilestone(Schema):
    """A milestone: `overdue` when open past its due date (UTC)."""

    milestone_id = fields.String(required=True)
    title = fields.String(required=True)
    due_date = fields.Date(required=True)
    done_date = _nullable(fields.Date, "the day it was done")
    status = fields.String(required=True, validate=validate.OneOf(["open", "overdue", "done"]))


class PilotOutcome(Schema):
    """A finished pilot's outcome: self-reported until a steward verifies it."""

    what_worked = fields.String(required=True)
    what_did_not = fields.String(required=True)
    lessons = fields.String(required=True)
    completion = fields.String(required=True, validate=validate.OneOf(COMPLETION_SCALE),
                               metadata={"description": "the OGP completion scale"})
    recorded_by = fields.String(required=True)
    recorded_by_person = person("recorded_by")
    recorded_on = fields.Date(required=True)
    verified_by = _nullable(fields.String, "the verifying steward's account id")
    verified_by_person = person("verified_by")
    verified_on = _nullable(fields.Date, "the day it was verified")
    comment = _nullable(fields.String, "the verifier's comment")
    assessment = fields.String(required=True, validate=validate.OneOf(["self-reported", "verified"]))


class PilotTimelineEntry(Schema):
    """One event of the pilot's log, summarised for people."""

    version = fields.Integer(required=True, metadata={"description": "its place in the pilot's stream, from 1"})
    occurred_at = fields.DateTime(required=True)
    type = fields.String(required=True, metadata={"description": "the event type (see the AsyncAPI document)"})
    actor = fields.String(required=True, metadata={"description": "who did it: an account id"})
    actor_person = person("actor")
    summary = fields.String(required=True)


class PilotWarning(Schema):
    """Something a reader of the pilot should know."""

    code = fields.String(required=True, validate=validate.OneOf(["signature_withdrawn", "milestones_overdue"]))
    message = fields.String(required=True)


class PilotPage(PilotSummary):
    """Everything about one pilot: its details, barriers, milestones, reports, outcome, timeline and warnings."""

    aims = fields.String(required=True)
    leads = fields.List(fields.String(), required=True, metadata={"description": "the leads' account ids"})
    leads_people = fields.List(fields.Nested(Person), metadata={"description": "the leads, with their names"})
    proposed_by = fields.String(required=True)
    proposed_by_person = person("proposed_by")
    proposed_at = fields.DateTime(required=True)
    approved_by = _nullable(fields.String, "the approving steward's account id")
    approved_by_person = person("approved_by")
    started_on = _nullable(fields.Date, "the day it started")
    ended_on = _nullable(fields.Date, "the day it completed or stopped")
    stop_reason = _nullable(fields.String, "why it stopped")
    barriers = fields.List(fields.Nested(PilotBarrier), required=True)
    milestones = fields.List(fields.Nested(PilotMilestone), required=True)
    reports = fields.List(fields.Nested(PilotReport), required=True, metadata={"description": "newest day first"})
    outcome = fields.Nested(PilotOutcome, required=True, allow_none=True,
                            metadata={"description": "null until recorded"})
    timeline = fields.List(fields.Nested(PilotTimelineEntry), required=True)
    warnings = fields.List(fields.Nested(PilotWarning), required=True)


class PilotMetricPoint(Schema):
    """One reading of a metric."""

    reported_on = fields.Date(required=True)
    value = fields.Float(required=True)


class PilotMetricSeries(Schema):
    """One metric's readings, oldest first."""

    name = fields.String(required=True)
    unit = fields.String(required=True)
    points = fields.List(fields.Nested(PilotMetricPoint), required=True)


class PilotMetrics(Schema):
    """Each of a pilot's metrics over time: what a chart plots."""

    pilot_id = fields.UUID(required=True)
    metrics = fields.List(fields.Nested(PilotMetricSeries), required=True)


class PilotFigureTotals(Schema):
    """Totals over every pilot."""

    pilots = fields.Integer(required=True)
    organisations_piloting = fields.Integer(required=True)
    barriers_targeted = fields.Integer(required=True)
    barriers_removed = fields.Integer(required=True)
    signatory_organisations = fields.Integer(required=True, metadata={
        "description": "organisations holding a verified signature"})


class PilotFigures(Schema):
    """Overall figures of the pilots."""

    pilots_by_status = fields.Dict(keys=fields.String(validate=validate.OneOf(STATUSES)), values=fields.Integer(),
                                   required=True, metadata={"description": "every status, with 0 for none"})
    pilots_by_organisation_type = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    totals = fields.Nested(PilotFigureTotals, required=True)


class OrganisationSummary(Schema):
    """An organisation with a record or signed for."""

    organisation_id = fields.String(required=True, metadata={"description": "its id: its canonical name"})
    name = fields.String(required=True)
    type = fields.String(required=True)
    recorded = fields.Boolean(required=True, metadata={"description": "whether a steward recorded it"})
    domains = fields.List(fields.String(), required=True, metadata={"description": "its verified e-mail domains"})
    signature = fields.String(required=True, validate=validate.OneOf(SIGNATURE_STANDINGS),
                              metadata={"description": "its signature standing: `signed` while one is verified"})
    pilots = fields.Integer(required=True)
    barriers_removed = fields.Integer(required=True)


class OrganisationSignature(Schema):
    """One of the organisation's signatures of a charter version."""

    charter_id = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True)
    requested_at = fields.DateTime(required=True)
    verified_at = _nullable(fields.DateTime, "when it was verified")
    withdrawn_at = _nullable(fields.DateTime, "when it was withdrawn")
    assurance = _nullable(fields.String, "how its signatory's standing was assured")


class OrganisationRemovedBarrier(Schema):
    """A barrier one of the organisation's pilots removed."""

    barrier_id = fields.String(required=True)
    barrier_title = fields.String(required=True)
    solution_id = _nullable(fields.String, "the solution that removed it")
    solution_title = _nullable(fields.String, "that solution's title")
    removed_on = _nullable(fields.Date, "the day it was removed")
    pilot_id = fields.UUID(required=True)
    pilot_title = fields.String(required=True)


class OrganisationDomainChange(Schema):
    """A verified domain added or removed."""

    domain = fields.String(required=True)
    change = fields.String(required=True)
    note = fields.String(required=True)
    changed_by = fields.String(required=True)
    changed_by_person = person("changed_by")
    changed_at = fields.DateTime(required=True)


class OrganisationMember(Schema):
    """A confirmed member of the organisation."""

    membership_id = fields.String(required=True)
    member = fields.String(required=True, metadata={"description": "the member's account id"})
    member_person = person("member")
    assurance = fields.String(required=True)
    since = fields.DateTime(required=True)


class OrganisationPage(Schema):
    """One organisation: its record, signatures, pilots, the barriers they removed, domains and members."""

    organisation_id = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    recorded = fields.Boolean(required=True)
    domains = fields.List(fields.String(), required=True)
    signature = fields.String(required=True, validate=validate.OneOf(SIGNATURE_STANDINGS))
    pilots = fields.List(fields.Nested(PilotSummary), required=True)
    barriers_removed = fields.List(fields.Nested(OrganisationRemovedBarrier), required=True)
    signatures = fields.List(fields.Nested(OrganisationSignature), required=True)
    domain_changes = fields.List(fields.Nested(OrganisationDomainChange), required=True)
    members = fields.List(fields.Nested(OrganisationMember), required=True)


PilotList = page_of(PilotSummary, "PilotList", "A page of pilots, newest first.")
OrganisationList = page_of(OrganisationSummary, "OrganisationList", "A page of organisations, by name.")
