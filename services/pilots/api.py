"""HTTP routes of the pilots service."""

from __future__ import annotations

from flask import Blueprint

from shared.config import Settings
from shared.eventstore import EventStore


def blueprint(store: EventStore, settings: Settings) -> Blueprint:
    """The pilots service's command routes, bound to its event store."""
    return Blueprint("pilots", __name__)
