-- People have public names (issue 14): each account's display name, chosen at sign-up and changeable by its
-- owner; accounts opened before this get a neutral generated one. A moderator's reset is recorded below,
-- like the roles' grants in role_changes. Names live here, never in events: they are personal data and the
-- log is immutable.
ALTER TABLE {schema}.accounts ADD COLUMN IF NOT EXISTS display_name text;
UPDATE {schema}.accounts SET display_name = 'Participant ' || (1000 + floor(random() * 9000))::int
 WHERE display_name IS NULL;
ALTER TABLE {schema}.accounts ALTER COLUMN display_name SET NOT NULL;
CREATE TABLE IF NOT EXISTS {schema}.name_changes (
    change_id  bigserial PRIMARY KEY,
    account_id text NOT NULL REFERENCES {schema}.accounts,
    change     text NOT NULL CHECK (change IN ('changed', 'reset')),
    changed_by text NOT NULL,
    reason     text,
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS name_changes_by_account ON {schema}.name_changes (account_id, change_id);
