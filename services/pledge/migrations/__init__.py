"""The pledge schema's numbered migrations: the shared store and relay, then the service's own tables.

Its own files sit beside this module (`NNNN_name.sql`, applied by shared/migrations): the mail queue
and the signing counter.
"""

from __future__ import annotations

from pathlib import Path

import psycopg

from shared import migrations

SCHEMA = "pledge"
OWN = migrations.Migrations("pledge", Path(__file__).parent)
COMPONENTS = (migrations.EVENT_STORE, migrations.RELAY, migrations.HEARTBEATS, OWN)


def migrate(conn: psycopg.Connection, schema: str = SCHEMA) -> None:
    """Apply every migration the pledge schema lacks."""
    migrations.migrate(conn, schema, *COMPONENTS)
