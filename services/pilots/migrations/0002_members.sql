-- Who belongs to which organisation, from the pledge topic's membership events (views.py): a pilot lead
-- proposes pilots only for an organisation they belong to.
CREATE TABLE {schema}.members (
    organisation_id text NOT NULL,
    account_id      text NOT NULL,
    PRIMARY KEY (organisation_id, account_id)
);
