"""`GET /healthz` of the whole system: every service, and how far the projector lags behind each."""

from __future__ import annotations

from flask import Blueprint, jsonify

from shared.health import database_ok
from shared.projection import Projection

from .services import Services


def health_blueprint(projection: Projection, services: Services) -> Blueprint:
    """200 when the gateway's database and every service are healthy, else 503, with the details."""
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz():
        report = services.health()
        db = database_ok(projection.pool)
        applied = {}
        if db:
            with projection.pool.connection() as conn:
                applied = projection.producer_positions(conn)
        for name, service in report.items():
            if "head_position" in service:
                service["projector_lag"] = max(service["head_position"] - applied.get(name, 0), 0)
        healthy = db and all(s.get("status") == "ok" for s in report.values())
        return jsonify({"status": "ok" if healthy else "degraded", "database": db, "services": report}), (
            200 if healthy else 503)

    return bp
