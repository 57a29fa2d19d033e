"""Bring every schema up to date: `python -m deploy.migrate`.

Each domain service's schema and the gateway's own state (accounts, webhooks) take the numbered SQL
files they lack (shared/migrations/: applied once, in order, recorded in `<schema>.schema_migrations`);
the gateway's read models are created from their DDL, not migrated; then the roles and grants.
"""

from __future__ import annotations

import psycopg

from services.gateway import readmodels as projections
from services.gateway.delivery.webhooks import schema as gateway_hooks
from services.gateway.identity import schema as gateway_auth
from services.gateway.projector import SCHEMA as GATEWAY
from services.knowledge import migrations as knowledge
from services.pilots import migrations as pilots
from services.pledge import migrations as pledge
from shared.config import Settings

from . import roles


def migrate(database_url: str, gateway_schema: str = GATEWAY, passwords_dir: str = "") -> None:
    """Each domain service's schema, the gateway's read models and own state, and the roles.

    Run as the database's owner: it creates every role and hands each schema to its own (deploy/roles.py).
    """
    with psycopg.connect(database_url, autocommit=True) as conn:
        # Processes may migrate at the same moment (tests, restarts): one at a time, roles and read models too.
        conn.execute("SELECT pg_advisory_lock(7242001)")
        for service in (pledge, knowledge, pilots):
            service.migrate(conn)
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
