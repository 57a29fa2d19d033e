"""What every domain service is besides its commands: the app shape, health, and its schema."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask, jsonify, request
from psycopg import sql

from . import http, idempotency, openapi
from .config import Settings
from .db import connect_pool, deadlines
from .eventstore import ConcurrencyConflict, EventStore
from .health import broker_ok, database_ok
from .logging import configure


def service_app(
    name: str, settings: Settings, routes: Callable[[EventStore, Settings], Blueprint],
    domain_errors: tuple[type[Exception], ...],
) -> Flask:
    """A domain service: its event store, its command routes, `/healthz`, and the shared HTTP edge."""
    configure(name, settings.log_level)
    app = Flask(name)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    store = EventStore(connect_pool(settings.database_url, name=name, **deadlines(settings)), name)
    app.register_blueprint(routes(store, settings))
    app.register_blueprint(health_blueprint(store, settings))
    app.register_blueprint(openapi.blueprint(lambda: openapi.service_spec(name)))
    app.register_blueprint(log_blueprint(store))
    http.install(app, (*domain_errors, ConcurrencyConflict), settings.internal_token, settings.retry_after_s)
    idempotency.install_service(app, store, settings.idempotency_ttl_s)
    return app


def health_blueprint(store: EventStore, settings: Settings) -> Blueprint:
    """`GET /healthz`: 200 when the service's database and broker are reachable, else 503."""
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz():
        db, broker = database_ok(store.pool), broker_ok(settings.kafka_bootstrap_servers)
        body = {"service": store.schema, "database": db, "broker": broker, "status": "ok" if db and broker else "down"}
        if db:
            body |= positions(store)
        return jsonify(body), 200 if db and broker else 503

    return bp


def log_blueprint(store: EventStore) -> Blueprint:
    """`GET /events?after=&limit=` (or `?stream_id=`): the store's envelopes, for the gateway's auditors only."""
    bp = Blueprint("log", __name__)

    @bp.get("/events")
    def events():
        if stream_id := request.args.get("stream_id"):
            return jsonify({"events": store.read_stream(stream_id)})
        after, limit = request.args.get("after", "0"), request.args.get("limit", "1000")
        if not (after.isdigit() and limit.isdigit() and 1 <= int(limit) <= 5000):
            return http.error(400, "invalid_query", "after must be an integer >= 0 and limit from 1 to 5000",
                              {"after" if not after.isdigit() else "limit": ["out of range"]})
        return jsonify({"events": store.read_all(int(after), int(limit))})

    return bp


def positions(store: EventStore) -> dict[str, int]:
    """The store's head position and how far its relay has published."""
    with store.pool.connection() as conn:
        row = conn.execute(sql.SQL(
            "SELECT h.position, coalesce((SELECT max(position) FROM {s}.relay_checkpoint), 0) FROM {s}.head h"
        ).format(s=sql.Identifier(store.schema))).fetchone()
    return {"head_position": row[0], "relayed_position": row[1]}
