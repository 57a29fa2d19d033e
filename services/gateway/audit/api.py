"""The auditor's API: verification, the full log and per-item history, hidden content included."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import psycopg
from flask import Blueprint, Response, jsonify, request
from marshmallow import Schema, ValidationError, fields, validates

from shared.config import DOMAIN_SERVICES, TOPICS, Settings
from shared.contract.vocabulary import AUDITOR
from shared.http import error, validated
from shared.signing import Keyring

from ..edge.auth import current_roles
from ..readmodels import snapshots as built
from . import snapshots
from .log import keyring_line, stored_events, stream_events, topic_events
from .verify import verify


class SnapshotBody(Schema):
    as_of = fields.AwareDateTime(required=True)

    @validates("as_of")
    def _not_in_the_future(self, value: datetime, **_) -> None:
        if value > datetime.now(UTC):
            raise ValidationError("is in the future")


def blueprint(settings: Settings) -> Blueprint:
    """Routes under /api/v1/audit, for the auditor role only."""
    bp = Blueprint("audit", __name__, url_prefix="/api/v1/audit")

    @bp.before_request
    def _auditors_only():
        if AUDITOR not in current_roles().split(","):
            return error(403, "forbidden", "only auditors may read the audit log")
        return None

    @bp.get("/verify")
    def verify_log():
        reports, keyring = [], Keyring.load(settings.trusted_keys_file)
        for service in DOMAIN_SERVICES:
            stored = list(stored_events(settings, service))
            published = topic_events(settings.kafka_bootstrap_servers, TOPICS[service], len(stored), timeout_s=10)
            reports.append(verify(service, stored, published, keyring).to_dict())
        return jsonify({"ok": all(r["ok"] for r in reports), "services": reports})

    @bp.get("/export")
    def export():
        def lines():
            yield keyring_line(settings)
            for service in DOMAIN_SERVICES:
                for env in stored_events(settings, service):
                    yield json.dumps(env, ensure_ascii=False, separators=(",", ":")) + "\n"

        return Response(lines(), mimetype="application/x-ndjson",
                        headers={"Content-Disposition": "attachment; filename=charter-log.jsonl"})

    @bp.post("/snapshots")
    @validated(SnapshotBody())
    def build_snapshot(body):
        """Rebuild the read models as they were at `as_of`; reads name it with `?as_of=` (reused if built)."""
        snapshot = snapshots.build(settings, body["as_of"].astimezone(UTC))
        return jsonify(snapshot.to_dict()), 201

    @bp.get("/snapshots")
    def list_snapshots():
        """Every snapshot built so far, oldest moment first."""
        with psycopg.connect(settings.database_url) as conn:
            return jsonify({"items": [s.to_dict() for s in built.built(conn)]})

    @bp.get("/history/<stream_id>")
    def history(stream_id: str):
        service = request.args.get("service")
        services = [service] if service else DOMAIN_SERVICES
        if service and service not in DOMAIN_SERVICES:
            return error(400, "invalid_query", f"unknown service {service!r}", {"service": ["unknown service"]})
        events = [
            {k: e[k] for k in ("position", "producer", "type", "version", "occurred_at", "actor", "data", "hash")}
            for s in services for e in stream_events(settings, s, stream_id)
        ]
        if not events:
            return error(404, "not_found", "no events for this stream", {"stream_id": ["unknown stream"]})
        return jsonify({"stream_id": stream_id, "events": events})

    return bp
