"""The `gateway_hooks` schema: subscriptions, the deliveries owed to each, and every attempt made."""

from __future__ import annotations

import psycopg

from shared import migrations

from ...migrations import WEBHOOKS

SCHEMA = "gateway_hooks"
# Taken shared by the dispatcher while it enqueues, exclusively by a registration (see store.create).
REGISTRATION_LOCK = 7242107

def migrate(conn: psycopg.Connection, schema: str = SCHEMA) -> None:
    """Apply the migrations the schema lacks: the webhooks' tables (services/gateway/migrations/webhooks/) and
    the dispatcher's consumer bookkeeping."""
    migrations.migrate(conn, schema, *migrations.CONSUMER, WEBHOOKS)
