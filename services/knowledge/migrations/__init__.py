"""The knowledge schema's numbered migrations: the shared store, relay and consumer bookkeeping (its
subscription to the pilots topic), then the service's own tables (`NNNN_name.sql` beside this module)."""

from __future__ import annotations

from pathlib import Path

import psycopg

from shared import migrations

SCHEMA = "knowledge"
OWN = migrations.Migrations("knowledge", Path(__file__).parent)
COMPONENTS = (migrations.EVENT_STORE, migrations.RELAY, *migrations.CONSUMER, OWN)  # CONSUMER brings the heartbeats


def migrate(conn: psycopg.Connection, schema: str = SCHEMA) -> None:
    """Apply every migration the knowledge schema lacks."""
    migrations.migrate(conn, schema, *COMPONENTS)
