-- The event store (shared/eventstore.py): events in position order, the chain's head, idempotency keys.
CREATE TABLE IF NOT EXISTS {schema}.events (
    position    bigint PRIMARY KEY,
    event_id    uuid NOT NULL UNIQUE,
    stream_type text NOT NULL,
    stream_id   text NOT NULL,
    version     integer NOT NULL CHECK (version > 0),
    type        text NOT NULL,
    occurred_at timestamptz NOT NULL,
    envelope    jsonb NOT NULL,
    UNIQUE (stream_id, version)
);
-- One row: the last position and its hash (64 zeros, the chain's genesis, before the first event).
CREATE TABLE IF NOT EXISTS {schema}.head (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    position bigint NOT NULL,
    hash     text NOT NULL
);
INSERT INTO {schema}.head (position, hash)
VALUES (0, '0000000000000000000000000000000000000000000000000000000000000000') ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS {schema}.idempotency_keys (
    actor        text NOT NULL,
    key          text NOT NULL,
    request_hash text NOT NULL,
    attempt      text NOT NULL,
    stream_id    text NOT NULL,
    version      integer NOT NULL,
    position     bigint NOT NULL,
    status       integer,
    reply        text,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_by_age ON {schema}.idempotency_keys (recorded_at);
