"""The `gateway_auth` schema: accounts, roles and their audit trail, sessions, API tokens, limits, watch lists
and their feed keys, idempotency keys."""

from __future__ import annotations

import psycopg
from psycopg import sql

SCHEMA = "gateway_auth"

DDL = """
CREATE TABLE IF NOT EXISTS accounts (
    account_id    text PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    password_hash text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS account_roles (
    account_id text NOT NULL REFERENCES accounts,
    role       text NOT NULL,
    PRIMARY KEY (account_id, role)
);
CREATE TABLE IF NOT EXISTS role_changes (
    change_id  bigserial PRIMARY KEY,
    account_id text NOT NULL REFERENCES accounts,
    role       text NOT NULL,
    change     text NOT NULL CHECK (change IN ('granted', 'revoked')),
    changed_by text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS sessions (
    session_hash bytea PRIMARY KEY,
    account_id   text NOT NULL REFERENCES accounts,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_account ON sessions (account_id);
CREATE TABLE IF NOT EXISTS api_tokens (
    token_id     text PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE,
    account_id   text NOT NULL REFERENCES accounts,
    name         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX IF NOT EXISTS api_tokens_by_account ON api_tokens (account_id, created_at);
CREATE TABLE IF NOT EXISTS signin_failures (
    key               text PRIMARY KEY,
    failures          integer NOT NULL,
    window_started_at timestamptz NOT NULL,
    locked_until      timestamptz
);
CREATE TABLE IF NOT EXISTS write_counts (
    account_id   text NOT NULL,
    window_start timestamptz NOT NULL,
    writes       integer NOT NULL,
    PRIMARY KEY (account_id, window_start)
);
-- Kept plainly, not hashed: see feed_keys.py.
CREATE TABLE IF NOT EXISTS watchlist_feed_keys (
    account_id text PRIMARY KEY REFERENCES accounts,
    feed_key   text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- Each account's Idempotency-Keys and the first answer each got: see idempotency.py.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    account_id    text NOT NULL,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    status        integer,
    body          jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    claimed_until timestamptz NOT NULL,
    PRIMARY KEY (account_id, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_by_age ON idempotency_keys (created_at);
-- Private to each account, never an event: see watchlists.py.
CREATE TABLE IF NOT EXISTS watched_pages (
    account_id text NOT NULL REFERENCES accounts,
    item_id    text NOT NULL,
    watched_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, item_id)
);
"""

# Watch lists used to be events, projected into the read model `kb_watches`. An older deployment's rows
# move here once: copied, and the retired table dropped in the same transaction, so that a later run
# cannot bring back a page its owner has stopped watching since (nothing updates `kb_watches` now), and
# the live read models again match a rebuild from the log (`charter audit replay` compares the two).
RETIRED_WATCHES = "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = 'kb_watches'"
ADOPT_WATCHES = (
    "INSERT INTO watched_pages (account_id, item_id, watched_at) SELECT w.user_id, w.item_id, w.watched_at"
    " FROM {} w JOIN accounts a ON a.account_id = w.user_id ON CONFLICT DO NOTHING"
)


def migrate(conn: psycopg.Connection, schema: str = SCHEMA, read_models: str | None = None) -> None:
    """Create the schema and its tables (idempotent), adopting any watch lists left in `read_models`."""
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
    conn.execute(DDL)
    if read_models:
        adopt_watches(conn, read_models)
    conn.execute("SET search_path TO DEFAULT")


def adopt_watches(conn: psycopg.Connection, read_models: str) -> None:
    """Move the watch lists of the retired `<read_models>.kb_watches` table, if there is one, into this schema."""
    with conn.transaction():
        if conn.execute(RETIRED_WATCHES, [read_models]).fetchone() is None:
            return
        retired = sql.Identifier(read_models, "kb_watches")
        conn.execute(sql.SQL(ADOPT_WATCHES).format(retired))
        conn.execute(sql.SQL("DROP TABLE {}").format(retired))
