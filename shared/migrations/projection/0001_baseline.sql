-- A consumer's bookkeeping (shared/projection.py): each stream's last applied version, the events held
-- behind a gap (and since when: a gap that stays open is what health reports), each producer's position.
CREATE TABLE IF NOT EXISTS {schema}.stream_checkpoints (
    stream_id text PRIMARY KEY,
    version   integer NOT NULL
);
CREATE TABLE IF NOT EXISTS {schema}.held_events (
    stream_id text NOT NULL,
    version   integer NOT NULL,
    envelope  jsonb NOT NULL,
    held_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_id, version)
);
-- Tables made before held_at lack it (IF NOT EXISTS: this baseline also upgrades schemas made before
-- numbered migrations; later changes are new files, never lines here).
ALTER TABLE {schema}.held_events ADD COLUMN IF NOT EXISTS held_at timestamptz NOT NULL DEFAULT now();
CREATE TABLE IF NOT EXISTS {schema}.producer_positions (
    producer text PRIMARY KEY,
    position bigint NOT NULL
);
