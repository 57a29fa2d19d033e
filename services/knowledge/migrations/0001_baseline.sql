-- The knowledge service's own tables beside its event store: photo bytes by SHA-256 (photostore.py),
-- and the index that finds the pages a photo was attached to.
CREATE TABLE IF NOT EXISTS {schema}.photos (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    media_type text NOT NULL,
    bytes      bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS events_photo_sha256 ON {schema}.events ((envelope->'data'->>'sha256'))
    WHERE type = 'PhotoAttached';
