-- The mailed withdrawal link travels in the same message as the verification link (mailer.py).
ALTER TABLE {schema}.outgoing_mail ADD COLUMN withdrawal_link text;
