-- The gateway's own state in `gateway_auth` (services/gateway/identity/): accounts, roles and their audit
-- trail, sessions, API tokens, limits, watch lists and their feed keys, idempotency keys. Never a read model.
CREATE TABLE IF NOT EXISTS {schema}.accounts (
    account_id    text PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    password_hash text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS {schema}.account_roles (
    account_id text NOT NULL REFERENCES {schema}.accounts,
    role       text NOT NULL,
    PRIMARY KEY (account_id, role)
);
CREATE TABLE IF NOT EXISTS {schema}.role_changes (
    change_id  bigserial PRIMARY KEY,
    account_id text NOT NULL REFERENCES {schema}.accounts,
    role       text NOT NULL,
    change     text NOT NULL CHECK (change IN ('granted', 'revoked')),
    changed_by text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS {schema}.sessions (
    session_hash bytea PRIMARY KEY,
    account_id   text NOT NULL REFERENCES {schema}.accounts,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_account ON {schema}.sessions (account_id);
CREATE TABLE IF NOT EXISTS {schema}.api_tokens (
    token_id     text PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE,
    account_id   text NOT NULL REFERENCES {schema}.accounts,
    name         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX IF NOT EXISTS api_tokens_by_account ON {schema}.api_tokens (account_id, created_at);
CREATE TABLE IF NOT EXISTS {schema}.signin_failures (
    key               text PRIMARY KEY,
    failures          integer NOT NULL,
    window_started_at timestamptz NOT NULL,
    locked_until      timestamptz
);
CREATE TABLE IF NOT EXISTS {schema}.write_counts (
    account_id   text NOT NULL,
    window_start timestamptz NOT NULL,
    writes       integer NOT NULL,
    PRIMARY KEY (account_id, window_start)
);
-- Kept plainly, not hashed: see feed_keys.py.
CREATE TABLE IF NOT EXISTS {schema}.watchlist_feed_keys (
    account_id text PRIMARY KEY REFERENCES {schema}.accounts,
    feed_key   text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- Each account's Idempotency-Keys and the first answer each got: see idempotency.py.
CREATE TABLE IF NOT EXISTS {schema}.idempotency_keys (
    account_id    text NOT NULL,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    status        integer,
    body          jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    claimed_until timestamptz NOT NULL,
    PRIMARY KEY (account_id, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_by_age ON {schema}.idempotency_keys (created_at);
-- Private to each account, never an event: see watchlists.py.
CREATE TABLE IF NOT EXISTS {schema}.watched_pages (
    account_id text NOT NULL REFERENCES {schema}.accounts,
    item_id    text NOT NULL,
    watched_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, item_id)
);
