-- The key table of crypto-shredding (services/pledge/subjects.py): one random data subject per signatory's e-mail
-- hash, with the AES-256 key their personal fields in the log are sealed with. Erasing a subject deletes its row:
-- the sealed values in every copy of the log can no longer be opened. The gateway reads keys only through the
-- service's internal API, never this table.
CREATE TABLE IF NOT EXISTS {schema}.data_subjects (
    subject_id text PRIMARY KEY,
    email_hash text NOT NULL UNIQUE,
    key        bytea NOT NULL CHECK (length(key) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
