-- The pilots service's own tables: what it learnt from the pledge and knowledge topics (views.py).
CREATE TABLE IF NOT EXISTS {schema}.signature_requests (
    signature_id      text PRIMARY KEY,
    organisation_id   text NOT NULL,
    organisation_name text NOT NULL,
    organisation_type text NOT NULL,
    charter_id        text NOT NULL,
    version           integer NOT NULL
);
CREATE TABLE IF NOT EXISTS {schema}.signatories (
    organisation_id   text PRIMARY KEY,
    organisation_name text NOT NULL,
    organisation_type text NOT NULL,
    live              jsonb NOT NULL,
    ever_signed       boolean NOT NULL
);
CREATE TABLE IF NOT EXISTS {schema}.known_barriers (
    barrier_id text PRIMARY KEY,
    title      text NOT NULL,
    hidden     boolean NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS {schema}.known_solutions (
    solution_id text NOT NULL,
    barrier_id  text NOT NULL,
    title       text NOT NULL,
    PRIMARY KEY (solution_id, barrier_id)
);
CREATE TABLE IF NOT EXISTS {schema}.known_revisions (
    item_id     text NOT NULL,
    revision    integer NOT NULL,
    title       text NOT NULL,
    barrier_ids jsonb,
    PRIMARY KEY (item_id, revision)
);
