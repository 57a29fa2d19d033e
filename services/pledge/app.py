"""The pledge service's app factory."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from shared.config import Settings
from shared.eventstore import EventStore
from shared.service import service_app

from . import api, handlers
from .mailer import Mailer
from .ratelimit import SigningGuard
from .subjects import Subjects


def create_app(settings: Settings | None = None) -> Flask:
    """Build the pledge service: its event store, command routes and health check."""
    return service_app("pledge", settings or Settings.from_env(), api.BLUEPRINTS, setup)


def setup(app: Flask, store: EventStore, settings: Settings) -> None:
    """What signing needs besides the store (the mailer, the attempt guard), and the development routes."""
    mailer = Mailer(store.schema, settings.public_url or settings.service_url("gateway"), settings.dev_mode)
    app.extensions["signing"] = handlers.Signing(settings.email_salt, timedelta(seconds=settings.signature_token_ttl_s),
                                                 SigningGuard(store.schema, settings.email_salt), mailer,
                                                 Subjects(store.schema))
    if settings.dev_mode:
        app.register_blueprint(api.dev, name_prefix="pledge")
