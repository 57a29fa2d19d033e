"""The dispatcher's intake: each event, once and in stream order, becomes a delivery for every matching subscription.

It runs as a Projection into `gateway_hooks` (see shared/projection.py), so a Kafka record delivered
twice is skipped by its (stream_id, version) checkpoint, and the unique (subscription, event_id)
is a second guard: a delivery that succeeded is never queued again. Offsets are only a shortcut.
"""

from __future__ import annotations

from typing import Any

import psycopg

from shared.config import TOPICS
from shared.kafka import encode
from shared.projection import Handler
from shared.upcasting import as_stored

from ..filters import all_types, organisations_named
from .schema import REGISTRATION_LOCK

REMEMBER_ORGANISATIONS = """
INSERT INTO gateway_hooks.stream_organisations (stream_id, organisations) VALUES (%s, %s) ON CONFLICT DO NOTHING
"""
# Subscriptions registered after this event's position was reached see it as history, not news.
ENQUEUE = """
INSERT INTO gateway_hooks.deliveries (subscription_id, event_id, type, stream_id, version, body)
SELECT s.subscription_id, %(event_id)s, %(type)s, %(stream_id)s, %(version)s, %(body)s
FROM gateway_hooks.subscriptions s
WHERE (cardinality(s.topics) = 0 OR %(topic)s = ANY(s.topics))
  AND (cardinality(s.types) = 0 OR %(type)s = ANY(s.types))
  AND (s.organisation IS NULL OR s.organisation = ANY(%(named)s::text[] || coalesce(
       (SELECT o.organisations FROM gateway_hooks.stream_organisations o WHERE o.stream_id = %(stream_id)s), '{}')))
  AND %(position)s > coalesce((s.start_positions ->> %(producer)s)::bigint, 0)
ON CONFLICT (subscription_id, event_id) DO NOTHING
"""


def enqueue(conn: psycopg.Connection, env: dict[str, Any]) -> None:
    """Queue the event for every subscription whose filter it matches, as stored (never an upcast copy)."""
    env = as_stored(env)
    conn.execute("SELECT pg_advisory_xact_lock_shared(%s)", [REGISTRATION_LOCK])
    named = organisations_named(env["data"])
    if env["version"] == 1 and named:
        conn.execute(REMEMBER_ORGANISATIONS, [env["stream_id"], named])
    conn.execute(ENQUEUE, {
        "event_id": env["event_id"], "type": env["type"], "stream_id": env["stream_id"], "version": env["version"],
        "body": encode(env).decode(), "topic": TOPICS[env["producer"]], "named": named,
        "position": env["position"], "producer": env["producer"],
    })


def handlers() -> dict[str, Handler]:
    """The intake for every published event type."""
    return {type_name: enqueue for type_name in all_types()}
