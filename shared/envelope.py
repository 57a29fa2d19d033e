"""The one JSON envelope every event travels in, on every topic (the public contract)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .events import Event

CONTRACT_FIELDS = (
    "event_id", "type", "schema_version", "stream_type", "stream_id", "version", "position",
    "occurred_at", "producer", "actor", "correlation_id", "causation_id", "data", "prev_hash", "hash",
)


@dataclass(frozen=True)
class IdempotencyClaim:
    """A command's `Idempotency-Key`: recorded with its append, so a repeat of the request writes nothing new.

    `request_hash` tells a true repeat from another request under the same key; `attempt` tells this
    request's own appends from another attempt's.
    """

    key: str
    request_hash: str
    attempt: str


@dataclass(frozen=True)
class CommandMeta:
    """Who caused a write and in answer to what: carried into every envelope it produces."""

    actor: str
    correlation_id: str
    causation_id: str
    idempotency: IdempotencyClaim | None = None


def rfc3339(moment: datetime) -> str:
    """UTC timestamp as RFC 3339 with microseconds and a `Z`."""
    # isoformat, not strftime: `%Y` leaves a year before 1000 unpadded on glibc ("265-01-27"), not RFC 3339.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def past_moment(text: str) -> datetime:
    """An RFC 3339 moment with a time zone that has already come, in UTC; ValueError saying what is wrong."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("not an RFC 3339 timestamp with a time zone, e.g. 2026-03-01T00:00:00Z") from None
    if moment.tzinfo is None:
        raise ValueError("not an RFC 3339 timestamp with a time zone, e.g. 2026-03-01T00:00:00Z")
    if moment > datetime.now(UTC):
        raise ValueError("is in the future")
    return moment.astimezone(UTC)


def new_envelope(
    event: Event, *, stream_type: str, stream_id: str, version: int, position: int,
    occurred_at: datetime, producer: str, meta: CommandMeta, prev_hash: str,
) -> dict[str, Any]:
    """An envelope for a new event, complete but for its `hash`."""
    return {
        "event_id": str(uuid.uuid4()),
        "type": event.type_name(),
        "schema_version": event.SCHEMA_VERSION,
        "stream_type": stream_type,
        "stream_id": stream_id,
        "version": version,
        "position": position,
        "occurred_at": rfc3339(occurred_at),
        "producer": producer,
        "actor": meta.actor,
        "correlation_id": meta.correlation_id,
        "causation_id": meta.causation_id,
        "data": event.to_data(),
        "prev_hash": prev_hash,
    }
