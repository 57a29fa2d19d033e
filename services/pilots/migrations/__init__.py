"""The pilots schema's numbered migrations: the shared store, relay and consumer bookkeeping (its
subscriptions to the pledge and knowledge topics), then its own tables (`NNNN_name.sql` beside this module)."""

from __future__ import annotations

from pathlib import Path

import psycopg

from shared import migrations

SCHEMA = "pilots"
OWN = migrations.Migrations("pilots", Path(__file__).parent)
COMPONENTS = (migrations.EVENT_STORE, migrations.RELAY, *migrations.CONSUMER, OWN)  # CONSUMER brings the heartbeats


def migrate(conn: psycopg.Connection, schema: str = SCHEMA) -> None:
    """Apply every migration the pilots schema lacks."""
    migrations.migrate(conn, schema, *COMPONENTS)
