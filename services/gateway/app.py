"""The gateway's app factory: the one door for web clients."""

from __future__ import annotations

from flask import Flask

from shared import http
from shared.config import Settings
from shared.db import connect_pool

from .api import commands, queries
from .audit import api as audit_api
from .health import health_blueprint
from .projector import SCHEMA, build_projection
from .services import Services


def create_app(settings: Settings | None = None) -> Flask:
    """Build the gateway: command forwarding, read-model queries and health."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    projection = build_projection(connect_pool(settings.database_url, max_size=16, name="gateway", search_path=SCHEMA))
    services = Services(settings)
    app.register_blueprint(commands.blueprint(services))
    app.register_blueprint(queries.blueprint(projection, settings.consistency_timeout_s))
    app.register_blueprint(health_blueprint(projection, services))
    app.register_blueprint(audit_api.blueprint(settings))
    http.install(app)
    return app
