-- The outbox relay's checkpoint per topic (shared/outbox.py), and where it stopped on a broken chain, and why.
CREATE TABLE IF NOT EXISTS {schema}.relay_checkpoint (
    topic         text PRIMARY KEY,
    position      bigint NOT NULL,
    topic_id      text NOT NULL,
    halted_at     bigint,
    halted_reason text
);
-- Tables made before the relay could halt lack the last two columns (IF NOT EXISTS: this baseline also
-- upgrades schemas made before numbered migrations; later changes are new files, never lines here).
ALTER TABLE {schema}.relay_checkpoint ADD COLUMN IF NOT EXISTS halted_at bigint;
ALTER TABLE {schema}.relay_checkpoint ADD COLUMN IF NOT EXISTS halted_reason text;
