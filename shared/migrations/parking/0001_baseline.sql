-- Each consumer's parked events (shared/parking.py): kept whole, with what operators asked of them.
CREATE TABLE IF NOT EXISTS {schema}.parked_events (
    parked_id     bigserial PRIMARY KEY,
    consumer      text NOT NULL,
    stream_id     text NOT NULL,
    version       integer NOT NULL,
    event_id      text,
    type          text,
    envelope      jsonb NOT NULL,
    handler       text NOT NULL,
    error         text NOT NULL,
    attempts      integer NOT NULL DEFAULT 1,
    parked_at     timestamptz NOT NULL DEFAULT now(),
    last_tried_at timestamptz NOT NULL DEFAULT now(),
    status        text NOT NULL DEFAULT 'parked'
                  CHECK (status IN ('parked', 'retry', 'skip', 'retried', 'skipped')),
    requested_by  text,
    reason        text,
    resolved_at   timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS parked_events_open ON {schema}.parked_events (consumer, stream_id, version)
    WHERE resolved_at IS NULL;
