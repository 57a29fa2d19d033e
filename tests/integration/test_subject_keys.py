"""The key table of crypto-shredding: one subject per owner, its key until it is forgotten, a new one after."""

import psycopg

from services.pledge import migrations as pledge_migrations
from shared import sealing
from shared.subject_keys import KeyTable


def test_a_subject_keeps_its_key_until_forgotten_and_its_owner_then_becomes_a_new_subject(database_url, schema):
    keys = KeyTable(schema, "email_hash")
    with psycopg.connect(database_url) as conn:
        pledge_migrations.migrate(conn, schema)
        first, again = keys.subject_for(conn, "hash-1"), keys.subject_for(conn, "hash-1")
        sealed = first.seal("record-1", {"signatory_name": "Jo"})
        key = keys.key(conn, first.subject_id)

        forgotten = keys.forget(conn, "hash-1")
        gone, nobody = keys.key(conn, first.subject_id), keys.forget(conn, "hash-1")
        later = keys.subject_for(conn, "hash-1")

    assert again.subject_id == first.subject_id == forgotten
    assert key is not None
    assert sealing.open_sealed(key, first.subject_id, "record-1", sealed) == {"signatory_name": "Jo"}
    assert gone is None and nobody is None
    assert later.subject_id != first.subject_id
