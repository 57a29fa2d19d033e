"""Bring every schema up to date: `python -m deploy.migrate`.

Each domain service's schema and the gateway's own state (accounts, webhooks) take the numbered SQL
files they lack (shared/migrations/: applied once, in order, recorded in `<schema>.schema_migrations`);
the gateway's read models are never migrated in place: made from their DDL, or rebuilt from the log into a
fresh schema and swapped in when a release changes them (services/gateway/readmodels/rebuilds.py); then the
roles and grants.
"""

from __future__ import annotations

import psycopg

from services.gateway.delivery.webhooks import schema as gateway_hooks
from services.gateway.identity import schema as gateway_auth
from services.gateway.projector import SCHEMA as GATEWAY
from services.gateway.readmodels import rebuilds, sealed
from services.knowledge import migrations as knowledge
from services.pilots import migrations as pilots
from services.pledge import migrations as pledge
from shared.config import DOMAIN_SERVICES, Settings
from shared.db import connect_pool
from shared.eventstore import EventStore
from shared.subject_keys import KeyTable

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
        # Accounts live beside the read models, never in a schema rebuilt from the log; an older deployment's
        # watch lists move from the read models (`kb_watches`) into the accounts' own state, before any rebuild.
        gateway_auth.migrate(conn, read_models=gateway_schema)
        read_models(database_url, gateway_schema)
        gateway_hooks.migrate(conn)  # webhook subscriptions and deliveries: the gateway's own state, too
        roles.apply(conn, passwords_dir)
        conn.execute("SELECT pg_advisory_unlock(7242001)")


def read_models(database_url: str, schema: str) -> str:
    """The gateway's read models in `schema`: created, current, or rebuilt from the stored log and swapped in."""
    keys = StoredKeys(database_url)
    sealed.use(keys)  # a rebuild opens sealed fields before the services run to lend their keys
    try:
        return rebuilds.migrate(database_url, schema, stored_log(database_url),
                                prepare=lambda conn, fresh: roles.hand_over(conn, fresh, like=schema))
    finally:
        sealed.use(None)
        keys.close()


class StoredKeys:
    """The data subjects' keys read from each service's schema as the migration's owner, while no service runs yet.

    Only the deployment, which owns every schema, reads them so; the running gateway asks the services.
    """

    def __init__(self, database_url: str, schemas: dict[str, str] | None = None) -> None:
        self.database_url, self.schemas = database_url, schemas or {"pledge": pledge.SCHEMA, "pilots": pilots.SCHEMA}
        self._conn: psycopg.Connection | None = None

    def key(self, service: str, subject_id: str) -> bytes | None:
        """The subject's key; None once it is erased."""
        if self._conn is None:  # only a rebuild that meets a sealed field connects
            self._conn = psycopg.connect(self.database_url, autocommit=True)
        return KeyTable(self.schemas[service], "subject_id").key(self._conn, subject_id)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


def stored_log(database_url: str) -> rebuilds.Log:
    """Every domain store's events after given positions, read as the migration's owner (no service runs yet)."""
    def after(positions) -> list[dict]:
        pool = connect_pool(database_url, max_size=1, name="migrate")
        try:
            envelopes: list[dict] = []
            for service in DOMAIN_SERVICES:
                store, position = EventStore(pool, service), positions.get(service, 0)
                while page := store.read_all(position, 5000):
                    envelopes += page
                    position = page[-1]["position"]
            return envelopes
        finally:
            pool.close()

    return after


def store_heads(database_url: str) -> dict[str, int]:
    """How far each domain store has come, read as the migration's owner: where its unsigned history ends."""
    pool = connect_pool(database_url, max_size=1, name="migrate")
    try:
        return {service: EventStore(pool, service).head_position() for service in DOMAIN_SERVICES}
    finally:
        pool.close()


if __name__ == "__main__":
    _settings = Settings.from_env()
    migrate(_settings.database_url, passwords_dir=_settings.database_role_passwords_dir)
