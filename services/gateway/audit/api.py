"""The auditor's API: verification, the full log and per-item history, hidden content included."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import psycopg
from flask import Response, jsonify
from marshmallow import Schema, ValidationError, fields, validate, validates

from shared.config import DOMAIN_SERVICES, TOPICS, Settings
from shared.contract.vocabulary import AUDITOR
from shared.http import error
from shared.openapi import Blueprint
from shared.signing import Keyring

from ..edge.auth import require_role
from ..readmodels import snapshots as built
from . import snapshots
from .log import LogUnavailable, keyring_line, stored_events, stream_events, topic_events
from .verify import verify


class SnapshotBody(Schema):
    """The moment to rebuild the read models at."""

    as_of = fields.AwareDateTime(required=True, metadata={"description": "RFC 3339 with a time zone, not in the"
                                                          " future", "example": "2026-03-01T00:00:00Z"})

    @validates("as_of")
    def _not_in_the_future(self, value: datetime, **_) -> None:
        if value > datetime.now(UTC):
            raise ValidationError("is in the future")


class Snapshot(Schema):
    """A built snapshot of the read models: the moment it shows, how many events it applied, when it was built."""

    as_of = fields.DateTime(required=True, metadata={"description": "name it in reads as `?as_of=`"})
    events = fields.Integer(required=True)
    built_at = fields.DateTime(required=True)


class SnapshotList(Schema):
    """Every snapshot built so far, oldest moment first."""

    items = fields.List(fields.Nested(Snapshot), required=True)


class BadlySigned(Schema):
    """An event that is not genuinely its producer's."""

    where = fields.String(required=True, validate=validate.OneOf(("store", "topic")))
    position = fields.Integer(required=True, allow_none=True)
    event_id = fields.String(required=True, allow_none=True)
    problem = fields.String(required=True)


class ServiceReport(Schema):
    """What the verification found in one service's log; `ok` only when nothing is wrong."""

    service = fields.String(required=True, validate=validate.OneOf(DOMAIN_SERVICES))
    ok = fields.Boolean(required=True)
    stored = fields.Integer(required=True, metadata={"description": "events in the store"})
    published = fields.Integer(required=True, metadata={"description": "distinct events on the topic"})
    first_broken_link = fields.Integer(required=True, allow_none=True, metadata={
        "description": "the first position whose hash chain breaks; null: the chain holds"})
    missing_on_topic = fields.List(fields.Integer(), required=True, metadata={"description": "positions, at most 20"})
    differing_on_topic = fields.List(fields.Integer(), required=True, metadata={"description": "positions, at most 20"})
    not_in_store = fields.List(fields.Integer(), required=True, metadata={"description": "positions, at most 20"})
    duplicates_on_topic = fields.Integer(required=True, metadata={"description": "normal: delivery is at least once"})
    badly_signed = fields.List(fields.Nested(BadlySigned), required=True, metadata={"description": "at most 20"})


class Verification(Schema):
    """The verification of every service's log: its hash chain, its signatures and its topic."""

    ok = fields.Boolean(required=True)
    services = fields.List(fields.Nested(ServiceReport), required=True)


class HistoryQuery(Schema):
    """Which service's store to read."""

    service = fields.String(validate=validate.OneOf(DOMAIN_SERVICES),
                            metadata={"description": "only this service's store (default: every one)"})


class HistoryEvent(Schema):
    """One event of the stream, as stored (hidden content included)."""

    position = fields.Integer(required=True)
    producer = fields.String(required=True)
    type = fields.String(required=True)
    version = fields.Integer(required=True)
    occurred_at = fields.DateTime(required=True)
    actor = fields.String(required=True)
    data = fields.Dict(required=True)
    hash = fields.String(required=True)


class History(Schema):
    """Every event of one stream, in version order."""

    stream_id = fields.String(required=True)
    events = fields.List(fields.Nested(HistoryEvent), required=True)


def blueprint(settings: Settings) -> Blueprint:
    """Routes under /api/v1/audit, for the auditor role only."""
    bp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", area="Audit")

    @bp.before_request
    def _auditors_only():
        require_role(AUDITOR)  # 401 without an account, 403 without the role

    @bp.errorhandler(LogUnavailable)
    def _log_unavailable(exc: LogUnavailable):
        response, status = error(503, "unavailable", f"a store cannot be read right now: {exc}; try again shortly")
        response.headers["Retry-After"] = str(settings.retry_after_s)
        return response, status

    @bp.get("/verify")
    @bp.response(200, Verification, description="What the verification found, service by service.")
    @bp.refuses("forbidden")
    @bp.requires(AUDITOR)
    def verify_log():
        """Verify the event log

        Checks every service's stored log (its hash chain and every event's signature) and compares it with what
        its topic carries, naming the first problems. Needs the auditor role.
        """
        reports, keyring = [], Keyring.load(settings.trusted_keys_file)
        for service in DOMAIN_SERVICES:
            stored = list(stored_events(settings, service))
            published = topic_events(settings.kafka_bootstrap_servers, TOPICS[service], len(stored), timeout_s=10)
            reports.append(verify(service, stored, published, keyring).to_dict())
        return jsonify({"ok": all(r["ok"] for r in reports), "services": reports})

    @bp.get("/export")
    @bp.response(200, {"type": "string"}, content_type="application/x-ndjson", description=(
        "JSON lines: first the keyring, then every stored event's envelope, service by service in position"
        " order."))
    @bp.refuses("forbidden")
    @bp.requires(AUDITOR)
    def export():
        """Export the whole event log

        Every stored event of every service as JSON lines (`application/x-ndjson`), hidden content included,
        preceded by the keyring that verifies their signatures: what `charter audit verify` checks offline.
        Needs the auditor role.
        """
        def lines():
            yield keyring_line(settings)
            for service in DOMAIN_SERVICES:
                for env in stored_events(settings, service):
                    yield json.dumps(env, ensure_ascii=False, separators=(",", ":")) + "\n"

        return Response(lines(), mimetype="application/x-ndjson",
                        headers={"Content-Disposition": "attachment; filename=charter-log.jsonl"})

    @bp.post("/snapshots")
    @bp.arguments(SnapshotBody)
    @bp.response(201, Snapshot, description="The snapshot, built now or reused as it was built before.")
    @bp.refuses("forbidden")
    @bp.requires(AUDITOR)
    def build_snapshot(body):
        """Build a snapshot of the past

        Rebuilds the read models as they were at `as_of` (a moment already built is reused), so that reads can
        name it with `?as_of=`. Needs the auditor role.
        """
        snapshot = snapshots.build(settings, body["as_of"].astimezone(UTC))
        return jsonify(snapshot.to_dict()), 201

    @bp.get("/snapshots")
    @bp.response(200, SnapshotList, description="The snapshots built so far.")
    @bp.refuses("forbidden")
    @bp.requires(AUDITOR)
    def list_snapshots():
        """List snapshots

        Every snapshot of the past built so far, oldest moment first. Needs the auditor role.
        """
        with psycopg.connect(settings.database_url) as conn:
            return jsonify({"items": [s.to_dict() for s in built.built(conn)]})

    @bp.get("/history/<stream_id>")
    @bp.arguments(HistoryQuery, location="query")
    @bp.response(200, History, description="The stream's events.")
    @bp.refuses("not_found", "forbidden")
    @bp.requires(AUDITOR)
    def history(query, stream_id: str):
        """Read an item's whole history

        Every event of one stream (a charter, a draft, a signature, a page, a pilot…), as stored, hidden content
        included. Needs the auditor role.
        """
        services = [query["service"]] if "service" in query else DOMAIN_SERVICES
        events = [
            {k: e[k] for k in ("position", "producer", "type", "version", "occurred_at", "actor", "data", "hash")}
            for s in services for e in stream_events(settings, s, stream_id)
        ]
        if not events:
            return error(404, "not_found", "no events for this stream", {"stream_id": ["unknown stream"]})
        return jsonify({"stream_id": stream_id, "events": events})

    return bp
