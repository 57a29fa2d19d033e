-- Each process copy's heartbeat (shared/heartbeat.py), keyed by process and instance (`host:pid`).
CREATE TABLE IF NOT EXISTS {schema}.heartbeats (
    process     text NOT NULL,
    instance    text NOT NULL,
    pid         integer NOT NULL,
    host        text NOT NULL,
    started_at  timestamptz NOT NULL,
    beat_at     timestamptz NOT NULL,
    progress_at timestamptz NOT NULL,
    details     jsonb NOT NULL DEFAULT '{}',
    CONSTRAINT heartbeats_instance_key PRIMARY KEY (process, instance)
);
-- A table made before copies had rows of their own was keyed by process alone: key it by instance too.
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                   JOIN pg_namespace n ON n.oid = t.relnamespace
                   WHERE n.nspname = {schema_name} AND t.relname = 'heartbeats'
                   AND c.conname = 'heartbeats_instance_key') THEN
        ALTER TABLE {schema}.heartbeats ADD COLUMN IF NOT EXISTS instance text NOT NULL DEFAULT '';
        ALTER TABLE {schema}.heartbeats DROP CONSTRAINT IF EXISTS heartbeats_pkey;
        ALTER TABLE {schema}.heartbeats ADD CONSTRAINT heartbeats_instance_key PRIMARY KEY (process, instance);
    END IF;
END $$;
