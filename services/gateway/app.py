"""The gateway's app factory: the one door for web clients."""

from __future__ import annotations

from flask import Flask

from shared import http, openapi
from shared.config import Settings
from shared.db import connect_pool, deadlines
from shared.logging import configure

from .api import (
    account_signatures,
    admin,
    commands,
    dev,
    docs,
    erasures,
    knowledge,
    knowledge_feeds,
    knowledge_history,
    photos,
    pilot_files,
    pilots,
    pledge,
    queries,
    signatories,
    watching,
)
from .api import identity as identity_api
from .api import parked as parked_api
from .api import people as people_api
from .api.apidocs.build import DESCRIPTION, ApiDocument
from .audit import api as audit_api
from .audit import proofs as audit_proofs
from .delivery.sse import blueprint as sse_blueprint
from .delivery.webhooks import api as webhooks_api
from .edge import auth, etags, people
from .edge.forwarding import Forwarder
from .edge.services import Services
from .identity.store import build as build_identity
from .ops import metrics
from .ops.health import SystemHealth, health_blueprint, status_blueprint
from .ops.operations import ParkedEvents
from .projector import SCHEMA, build_projection
from .readmodels.asof import ReadPool
from .web import blueprint as web_pages
from .web import install_error_pages


def create_app(settings: Settings | None = None) -> Flask:
    """Build the gateway: command forwarding, read-model queries and health."""
    settings = settings or Settings.from_env()
    configure("gateway", settings.log_level)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    reads = ReadPool(connect_pool(settings.database_url, max_size=16, name="gateway", search_path=SCHEMA,
                                 **deadlines(settings)))
    projection = build_projection(reads)
    services = Services(settings)
    identity = build_identity(settings)
    forwarder = Forwarder(services, identity.idempotency, identity.accounts)
    document = openapi.api(app, "Interactive Charter API", DESCRIPTION, served_at=None)

    def register(bp) -> None:
        """A blueprint of the API document through flask-smorest, any other straight on the app."""
        (document if isinstance(bp, openapi.Blueprint) else app).register_blueprint(bp)

    register(commands.blueprint(forwarder))
    register(pilot_files.blueprint(forwarder))
    register(queries.blueprint(projection, settings.consistency_timeout_s))
    register(pledge.blueprint(projection, settings.consistency_timeout_s))
    register(signatories.blueprint(projection, settings.consistency_timeout_s))
    register(account_signatures.blueprint(projection, settings.consistency_timeout_s))
    register(erasures.blueprint(projection, settings.consistency_timeout_s))
    register(pilots.blueprint(projection, settings.consistency_timeout_s))
    if settings.dev_mode:
        register(dev.blueprint(services))
    register(photos.blueprint(forwarder, settings))
    for knowledge_reads in (knowledge, knowledge_history):
        register(knowledge_reads.blueprint(projection, settings.consistency_timeout_s))
    health = SystemHealth(reads, services, settings)
    register(health_blueprint(health))
    register(status_blueprint(health))
    register(metrics.blueprint(health))
    register(audit_api.blueprint(settings))
    register(audit_proofs.blueprint(settings))
    # Webhook subscriptions (gateway_hooks) and the live stream (the feed): their own pool, never as_of.
    hooks = connect_pool(settings.database_url, max_size=settings.sse_max_streams + 4, name="gateway-hooks",
                         search_path=SCHEMA, **deadlines(settings))
    register(webhooks_api.blueprint(hooks, settings, SCHEMA))
    register(sse_blueprint(hooks, settings))
    register(knowledge_feeds.blueprint(projection, settings.consistency_timeout_s, identity.feed_keys,
                                                     identity.accounts.names))
    register(watching.blueprint(projection, settings.consistency_timeout_s, identity.watchlists))
    register(identity_api.blueprint(identity, settings))
    register(admin.blueprint(identity))
    register(people_api.blueprint(projection, identity))
    parked = ParkedEvents(reads, services)
    register(parked_api.blueprint(parked))
    register(web_pages(projection, services, identity, settings, health, parked))
    register(docs.blueprint(ApiDocument(app, document, services.openapi, commands.OWNERS), settings))
    http.install(app, retry_after_s=settings.retry_after_s)
    commands.install_not_found(app)
    install_error_pages(app)
    auth.install(app, identity, settings)
    etags.install(app)
    people.install(app, identity.accounts.names)  # after the ETag's hook, so it runs before it
    return app
