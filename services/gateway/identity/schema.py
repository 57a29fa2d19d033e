"""The `gateway_auth` schema: accounts, roles and their audit trail, sessions, API tokens, limits, watch lists
and their feed keys, idempotency keys."""

from __future__ import annotations

import psycopg
from psycopg import sql

from shared import migrations

from ..migrations import IDENTITY

SCHEMA = "gateway_auth"

# Watch lists used to be events, projected into the read model `kb_watches`. An older deployment's rows
# move here once: copied, and the retired table dropped in the same transaction, so that a later run
# cannot bring back a page its owner has stopped watching since (nothing updates `kb_watches` now), and
# the live read models again match a rebuild from the log (`charter audit replay` compares the two).
RETIRED_WATCHES = "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = 'kb_watches'"
ADOPT_WATCHES = (
    "INSERT INTO {0}.watched_pages (account_id, item_id, watched_at) SELECT w.user_id, w.item_id, w.watched_at"
    " FROM {1} w JOIN {0}.accounts a ON a.account_id = w.user_id ON CONFLICT DO NOTHING"
)


def migrate(conn: psycopg.Connection, schema: str = SCHEMA, read_models: str | None = None) -> None:
    """Apply the migrations the schema lacks (services/gateway/migrations/identity/), adopting any watch lists
    left in `read_models`."""
    migrations.migrate(conn, schema, IDENTITY)
    if read_models:
        adopt_watches(conn, read_models, schema)


def adopt_watches(conn: psycopg.Connection, read_models: str, schema: str = SCHEMA) -> None:
    """Move the watch lists of the retired `<read_models>.kb_watches` table, if there is one, into `schema`."""
    with conn.transaction():
        if conn.execute(RETIRED_WATCHES, [read_models]).fetchone() is None:
            return
        retired = sql.Identifier(read_models, "kb_watches")
        conn.execute(sql.SQL(ADOPT_WATCHES).format(sql.Identifier(schema), retired))
        conn.execute(sql.SQL("DROP TABLE {}").format(retired))
