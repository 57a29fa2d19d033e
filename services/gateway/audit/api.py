"""The auditor's API: verification, the full log and per-item history, hidden content included."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request

from shared.config import DOMAIN_SERVICES, TOPICS, Settings
from shared.contract.vocabulary import AUDITOR
from shared.http import error

from ..edge.auth import current_roles
from .log import stored_events, stream_events, topic_events
from .verify import verify


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
        reports = []
        for service in DOMAIN_SERVICES:
            stored = list(stored_events(settings, service))
            published = topic_events(settings.kafka_bootstrap_servers, TOPICS[service], len(stored), timeout_s=10)
            reports.append(verify(service, stored, published).to_dict())
        return jsonify({"ok": all(r["ok"] for r in reports), "services": reports})

    @bp.get("/export")
    def export():
        def lines():
            for service in DOMAIN_SERVICES:
                for env in stored_events(settings, service):
                    yield json.dumps(env, ensure_ascii=False, separators=(",", ":")) + "\n"

        return Response(lines(), mimetype="application/x-ndjson",
                        headers={"Content-Disposition": "attachment; filename=charter-log.jsonl"})

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
