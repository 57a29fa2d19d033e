-- The webhook dispatcher's own state in `gateway_hooks` (services/gateway/delivery/webhooks/): subscriptions,
-- the deliveries owed to each, and every attempt made.
CREATE TABLE IF NOT EXISTS {schema}.subscriptions (
    subscription_id text PRIMARY KEY,
    owner           text NOT NULL,
    url             text NOT NULL,
    secret          text NOT NULL,
    topics          text[] NOT NULL,
    types           text[] NOT NULL,
    organisation    text,
    start_positions jsonb NOT NULL,
    paused          boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- A rotated secret's predecessor still signs deliveries (beside the new one) until previous_secret_until.
    previous_secret       text,
    previous_secret_until timestamptz
);
CREATE INDEX IF NOT EXISTS subscriptions_by_owner ON {schema}.subscriptions (owner, created_at);
-- Subscriptions made before secrets rotated lack previous_secret and previous_secret_until (IF NOT EXISTS:
-- this baseline also upgrades schemas made before numbered migrations; later changes are new files).
ALTER TABLE {schema}.subscriptions ADD COLUMN IF NOT EXISTS previous_secret text;
ALTER TABLE {schema}.subscriptions ADD COLUMN IF NOT EXISTS previous_secret_until timestamptz;
CREATE TABLE IF NOT EXISTS {schema}.stream_organisations (
    stream_id     text PRIMARY KEY,
    organisations text[] NOT NULL
);
CREATE TABLE IF NOT EXISTS {schema}.deliveries (
    delivery_id     bigserial PRIMARY KEY,
    subscription_id text NOT NULL REFERENCES {schema}.subscriptions ON DELETE CASCADE,
    event_id        text NOT NULL,
    type            text NOT NULL,
    stream_id       text NOT NULL,
    version         integer NOT NULL,
    body            text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    round_start     integer NOT NULL DEFAULT 0,  -- attempts made before the last redelivery
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until    timestamptz,
    last_response   integer,
    last_error      text,
    delivered_at    timestamptz,
    dead_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON {schema}.deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_pending_by_stream
    ON {schema}.deliveries (subscription_id, stream_id, version) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_by_subscription ON {schema}.deliveries (subscription_id, delivery_id);
CREATE TABLE IF NOT EXISTS {schema}.attempts (
    delivery_id   bigint NOT NULL REFERENCES {schema}.deliveries ON DELETE CASCADE,
    attempt       integer NOT NULL,
    attempted_at  timestamptz NOT NULL,
    response_code integer,
    error         text,
    duration_ms   integer NOT NULL,
    retry_in_ms   integer,
    PRIMARY KEY (delivery_id, attempt)
);
