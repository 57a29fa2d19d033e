-- The key table of crypto-shredding (shared/subject_keys.py): one data subject per pilot, for its sponsor, with the
-- AES-256 key their name and role in the log are sealed with. Erasing the sponsor deletes the row. The gateway
-- reads keys only through the service's internal API, never this table.
CREATE TABLE IF NOT EXISTS {schema}.data_subjects (
    subject_id text PRIMARY KEY,
    pilot_id   text NOT NULL UNIQUE,
    key        bytea NOT NULL CHECK (length(key) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
