"""HTTP routes of the knowledge service."""

from __future__ import annotations

from flask import Blueprint

from shared.config import Settings
from shared.eventstore import EventStore


def blueprint(store: EventStore, settings: Settings) -> Blueprint:
    """The knowledge service's command routes, bound to its event store."""
    return Blueprint("knowledge", __name__)
