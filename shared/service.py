"""What every domain service is besides its commands: the app shape, health, and its schema."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from flask import Blueprint, Flask, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from psycopg import sql
from psycopg_pool import PoolTimeout

from . import http, idempotency, metrics, openapi, parking
from .config import Settings
from .db import connect_pool, deadlines, one
from .eventstore import ConcurrencyConflict, EventStore
from .health import Bounded, Probe, broker_ok, schema_report
from .logging import configure
from .signing import Signer

Setup = Callable[[Flask, EventStore, Settings], None]


def service_app(name: str, settings: Settings, routes: Sequence[Blueprint], setup: Setup | None = None) -> Flask:
    """A domain service: its event store, its command routes, `/healthz`, `/metrics`, and the shared HTTP edge.

    `routes` are the service's module-level blueprints (those of the API document are `shared.openapi.Blueprint`s,
    served in `/openapi.json`); their views reach the store and settings through
    `current_store()` and `current_settings()`. `setup(app, store, settings)` builds what else the service's
    routes need once, keeping it in `app.extensions`. The shared edge answers every domain refusal
    (shared.errors) and a stale append (ConcurrencyConflict).
    """
    configure(name, settings.log_level)
    app = Flask(name)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    store = EventStore(connect_pool(settings.database_url, name=name, **deadlines(settings)), name,
                       signer=Signer.from_file(name, settings.signing_key_file))
    app.extensions["event_store"], app.extensions["settings"] = store, settings
    document = openapi.api(app, f"Interactive Charter: {name} service", f"Commands of the {name} service.")
    for routes_bp in routes:
        if isinstance(routes_bp, openapi.Blueprint):
            document.register_blueprint(routes_bp)
        else:
            app.register_blueprint(routes_bp)
    if setup is not None:
        setup(app, store, settings)
    app.register_blueprint(health_blueprint(store, settings))
    app.register_blueprint(log_blueprint(store))
    app.register_blueprint(parked_blueprint(store))
    app.register_blueprint(metrics.blueprint())
    http.install(app, (ConcurrencyConflict,), settings.internal_token, settings.retry_after_s)
    metrics.count_commands(app)
    idempotency.install_service(app, store, settings.idempotency_ttl_s)
    return app


def current_store() -> EventStore:
    """The event store of the service answering this request."""
    return current_app.extensions["event_store"]


def current_settings() -> Settings:
    """The settings of the service answering this request."""
    return current_app.extensions["settings"]


def health_blueprint(store: EventStore, settings: Settings) -> Blueprint:
    """`GET /healthz` (liveness: this process answers) and `GET /readyz` (readiness, with what it measured).

    Readiness is 200 when the database and the broker are reachable and the relay is not halted on a
    broken chain, else 503. Its body also carries what the gateway's status needs from this service's
    own schema: the head and published positions, the heartbeats of the processes working in it (the
    relay, subscriptions, mail delivery), their parked events and how far they have applied each topic.
    """
    bp = Blueprint("health", __name__)
    bounded = Bounded(1.5)
    probe = Probe(lambda: readiness(store, settings, bounded), settings.heartbeat_s, settings.heartbeat_stale_s)

    @bp.get("/healthz")
    def healthz() -> ResponseReturnValue:
        return jsonify({"service": store.schema, "status": "ok"})

    @bp.get("/readyz")
    def readyz() -> ResponseReturnValue:
        body = {"service": store.schema} | probe.latest()
        return jsonify(body), 200 if body["status"] == "ok" else 503

    return bp


def readiness(store: EventStore, settings: Settings, bounded: Bounded) -> dict[str, Any]:
    """One measurement of this service's readiness (run by the probe, never on a request's thread)."""
    broker = broker_ok(settings.kafka_bootstrap_servers)

    def measured() -> dict[str, Any]:
        with store.pool.connection(timeout=1) as conn:
            return positions(conn, store.schema) | schema_report(conn, store.schema)

    try:
        body = bounded(measured)
    except (psycopg.Error, PoolTimeout, TimeoutError) as exc:
        return {"status": "degraded", "database": False, "broker": broker, "error": type(exc).__name__}
    ok = broker and body["relay_halted_at"] is None
    return {"status": "ok" if ok else "degraded", "database": True, "broker": broker} | body


def log_blueprint(store: EventStore) -> Blueprint:
    """`GET /events?after=&limit=` (or `?stream_id=`): the store's envelopes, for the gateway's auditors only."""
    bp = Blueprint("log", __name__)

    @bp.get("/events")
    def events() -> ResponseReturnValue:
        if stream_id := request.args.get("stream_id"):
            return jsonify({"events": store.read_stream(stream_id)})
        after, limit = request.args.get("after", "0"), request.args.get("limit", "1000")
        if not (after.isdigit() and limit.isdigit() and 1 <= int(limit) <= 5000):
            return http.error(400, "invalid_query", "after must be an integer >= 0 and limit from 1 to 5000",
                              {"after" if not after.isdigit() else "limit": ["out of range"]})
        return jsonify({"events": store.read_all(int(after), int(limit))})

    return bp


def parked_blueprint(store: EventStore) -> Blueprint:
    """`/parked`: the events this service's consumers parked, and operators' retry and skip, for the gateway only."""
    bp = Blueprint("parked", __name__)

    @bp.get("/parked")
    def listed() -> ResponseReturnValue:
        with store.pool.connection() as conn:
            return jsonify({"parked": parking.listing(conn, store.schema, request.args.get("all") == "true")})

    @bp.post("/parked/<int:parked_id>/<any(retry, skip):action>")
    def requested(parked_id: int, action: str) -> ResponseReturnValue:
        body = http.json_body()
        try:
            with store.pool.connection() as conn:
                parking.request(conn, store.schema, parked_id, action, by=str(body.get("by", "")),
                                reason=str(body.get("reason", "")))
        except parking.ParkedRequestRefused as exc:
            return http.error(exc.status, exc.code, exc.message, {"reason": [exc.message]}
                              if exc.code == "reason_required" else None)
        return jsonify({"parked_id": parked_id, "status": action}), 202

    return bp


def positions(conn: psycopg.Connection, schema: str) -> dict[str, Any]:
    """The store's head position, how far its relay has published, and where it halted on a broken chain."""
    row = one(conn.execute(sql.SQL(
        "SELECT h.position, coalesce(max(c.position), 0), min(c.halted_at), min(c.halted_reason)"
        " FROM {s}.head h LEFT JOIN {s}.relay_checkpoint c ON true GROUP BY h.position"
    ).format(s=sql.Identifier(schema))))
    return {"head_position": row[0], "relayed_position": row[1], "relay_halted_at": row[2],
            "relay_halted_reason": row[3]}
