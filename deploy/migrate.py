"""Create every service's schema and tables, idempotently: `python -m deploy.migrate`."""

from __future__ import annotations

import psycopg
from psycopg import sql

from services.gateway import projections
from services.gateway.projector import SCHEMA as GATEWAY
from shared import outbox
from shared.config import DOMAIN_SERVICES, Settings
from shared.eventstore import EventStore
from shared.projection import Projection


def migrate(database_url: str, gateway_schema: str = GATEWAY) -> None:
    """Each domain service's event store and relay checkpoint, and the gateway's read models."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        # Processes may migrate at the same moment (tests, restarts): one at a time.
        conn.execute("SELECT pg_advisory_lock(7242001)")
        for service in DOMAIN_SERVICES:
            EventStore(None, service).migrate(conn)
            outbox.migrate(conn, service)
        Projection(None, gateway_schema, {}).migrate(conn)
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(gateway_schema)))
        conn.execute(projections.ddl())
        conn.execute("SELECT pg_advisory_unlock(7242001)")


if __name__ == "__main__":
    migrate(Settings.from_env().database_url)
