-- The pledge service's own tables beside its event store: the mail queue and the signing counter.

-- Verification mail (mailer.py), and its delivery bookkeeping (mail_delivery.py).
CREATE TABLE IF NOT EXISTS {schema}.outgoing_mail (
    mail_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    signature_id    text NOT NULL,
    recipient       text,
    link            text NOT NULL,
    queued_at       timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    given_up_at     timestamptz
);
-- Queues made before delivery bookkeeping lack its columns (IF NOT EXISTS: this baseline also upgrades
-- schemas made before numbered migrations; later changes are new files, never lines here).
ALTER TABLE {schema}.outgoing_mail ADD COLUMN IF NOT EXISTS attempts integer NOT NULL DEFAULT 0;
ALTER TABLE {schema}.outgoing_mail ADD COLUMN IF NOT EXISTS next_attempt_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE {schema}.outgoing_mail ADD COLUMN IF NOT EXISTS last_error text;
ALTER TABLE {schema}.outgoing_mail ADD COLUMN IF NOT EXISTS given_up_at timestamptz;
CREATE INDEX IF NOT EXISTS outgoing_mail_by_signature ON {schema}.outgoing_mail (signature_id, mail_id);

-- Signing attempts per hashed e-mail and client address (ratelimit.py).
CREATE TABLE IF NOT EXISTS {schema}.signing_attempts (
    email_hash   text NOT NULL,
    ip_hash      text NOT NULL,
    attempted_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS signing_attempts_by_email ON {schema}.signing_attempts (email_hash, attempted_at);
CREATE INDEX IF NOT EXISTS signing_attempts_by_ip ON {schema}.signing_attempts (ip_hash, attempted_at);
