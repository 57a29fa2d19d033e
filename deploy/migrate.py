"""Create every service's schema and tables, idempotently: `python -m deploy.migrate`."""

from __future__ import annotations

import psycopg
from psycopg import sql

from services.gateway import projections
from services.gateway.identity import schema as gateway_auth
from services.gateway.projector import SCHEMA as GATEWAY
from services.gateway.webhooks import schema as gateway_hooks
from services.knowledge import photostore
from services.pilots import views as pilots_views
from services.pledge import migrations as pledge
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
        photostore.migrate(conn, "knowledge")
        pledge.migrate(conn)
        # The subscriptions' bookkeeping: pilots' views of pledge and knowledge, knowledge's of pilots.
        for schema in ("pilots", "knowledge"):
            Projection(None, schema, {}).migrate(conn)
        pilots_views.migrate(conn)
        Projection(None, gateway_schema, {}).migrate(conn)
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(gateway_schema)))
        conn.execute(projections.ddl())
        # Accounts live beside the read models, never in a schema rebuilt from the log; an older deployment's
        # watch lists move from the read models (`kb_watches`) into the accounts' own state here.
        gateway_auth.migrate(conn, read_models=gateway_schema)
        gateway_hooks.migrate(conn)  # webhook subscriptions and deliveries: the gateway's own state, too
        conn.execute("SELECT pg_advisory_unlock(7242001)")


if __name__ == "__main__":
    migrate(Settings.from_env().database_url)
