"""Create every service's schema and tables, idempotently: `python -m deploy.migrate`."""

from __future__ import annotations

import psycopg

from services.gateway import readmodels as projections
from services.gateway.delivery.webhooks import schema as gateway_hooks
from services.gateway.identity import schema as gateway_auth
from services.gateway.projector import SCHEMA as GATEWAY
from services.knowledge import photostore
from services.pilots import views as pilots_views
from services.pledge import migrations as pledge
from shared import outbox
from shared.config import DOMAIN_SERVICES, Settings
from shared.eventstore import EventStore
from shared.projection import Projection

from . import roles


def migrate(database_url: str, gateway_schema: str = GATEWAY, passwords_dir: str = "") -> None:
    """Each domain service's event store and relay checkpoint, the gateway's read models, and the roles.

    Run as the database's owner: it creates every role and hands each schema to its own (deploy/roles.py).
    """
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
        read_models(conn, gateway_schema)
        # Accounts live beside the read models, never in a schema rebuilt from the log; an older deployment's
        # watch lists move from the read models (`kb_watches`) into the accounts' own state here.
        gateway_auth.migrate(conn, read_models=gateway_schema)
        gateway_hooks.migrate(conn)  # webhook subscriptions and deliveries: the gateway's own state, too
        roles.apply(conn, passwords_dir)
        conn.execute("SELECT pg_advisory_unlock(7242001)")


def read_models(conn: psycopg.Connection, schema: str) -> None:
    """The gateway's read models and their consumer's bookkeeping in `schema` (a live, replayed or as-of one)."""
    projections.migrate(conn, schema)


if __name__ == "__main__":
    _settings = Settings.from_env()
    migrate(_settings.database_url, passwords_dir=_settings.database_role_passwords_dir)
