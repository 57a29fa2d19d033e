"""The `gateway_hooks` schema: subscriptions, the deliveries owed to each, and every attempt made."""

from __future__ import annotations

import psycopg

from shared.projection import Projection

SCHEMA = "gateway_hooks"
# Taken shared by the dispatcher while it enqueues, exclusively by a registration (see store.create).
REGISTRATION_LOCK = 7242107

DDL = """
CREATE SCHEMA IF NOT EXISTS gateway_hooks;
CREATE TABLE IF NOT EXISTS gateway_hooks.subscriptions (
    subscription_id text PRIMARY KEY,
    owner           text NOT NULL,
    url             text NOT NULL,
    secret          text NOT NULL,
    topics          text[] NOT NULL,
    types           text[] NOT NULL,
    organisation    text,
    start_positions jsonb NOT NULL,
    paused          boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS subscriptions_by_owner ON gateway_hooks.subscriptions (owner, created_at);
-- A rotated secret's predecessor still signs deliveries (beside the new one) until previous_secret_until.
ALTER TABLE gateway_hooks.subscriptions ADD COLUMN IF NOT EXISTS previous_secret text;
ALTER TABLE gateway_hooks.subscriptions ADD COLUMN IF NOT EXISTS previous_secret_until timestamptz;
CREATE TABLE IF NOT EXISTS gateway_hooks.stream_organisations (
    stream_id     text PRIMARY KEY,
    organisations text[] NOT NULL
);
CREATE TABLE IF NOT EXISTS gateway_hooks.deliveries (
    delivery_id     bigserial PRIMARY KEY,
    subscription_id text NOT NULL REFERENCES gateway_hooks.subscriptions ON DELETE CASCADE,
    event_id        text NOT NULL,
    type            text NOT NULL,
    stream_id       text NOT NULL,
    version         integer NOT NULL,
    body            text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    round_start     integer NOT NULL DEFAULT 0,  -- attempts made before the last redelivery
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until    timestamptz,
    last_response   integer,
    last_error      text,
    delivered_at    timestamptz,
    dead_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON gateway_hooks.deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_pending_by_stream
    ON gateway_hooks.deliveries (subscription_id, stream_id, version) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_by_subscription ON gateway_hooks.deliveries (subscription_id, delivery_id);
CREATE TABLE IF NOT EXISTS gateway_hooks.attempts (
    delivery_id   bigint NOT NULL REFERENCES gateway_hooks.deliveries ON DELETE CASCADE,
    attempt       integer NOT NULL,
    attempted_at  timestamptz NOT NULL,
    response_code integer,
    error         text,
    duration_ms   integer NOT NULL,
    retry_in_ms   integer,
    PRIMARY KEY (delivery_id, attempt)
);
"""


def migrate(conn: psycopg.Connection) -> None:
    """Create the schema, its tables and the dispatcher's checkpoints if missing."""
    conn.execute(DDL)
    Projection(None, SCHEMA, {}).migrate(conn)
