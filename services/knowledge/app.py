"""The knowledge service's app factory."""

from __future__ import annotations

from flask import Flask

from shared.config import Settings
from shared.service import service_app

from . import api


def create_app(settings: Settings | None = None) -> Flask:
    """Build the knowledge service: its event store, command routes and health check."""
    return service_app("knowledge", settings or Settings.from_env(), [api.bp])
