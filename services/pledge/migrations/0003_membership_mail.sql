-- The queue also carries the link that confirms an account's membership of an organisation (mailer.py);
-- `signature_id` then holds the membership's id: the column names what the mail is about.
ALTER TABLE {schema}.outgoing_mail ADD COLUMN purpose text NOT NULL DEFAULT 'signature';
