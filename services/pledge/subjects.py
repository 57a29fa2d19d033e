"""The key table of crypto-shredding: each signatory's data subject and the key their personal fields are sealed with.

A subject is found by the signatory's salted e-mail hash, held only here, so the log names a person by a random id
and never by anything derived from their address. Erasing deletes the row, and the key with it.
"""

from __future__ import annotations

import uuid

import psycopg
from psycopg import sql

from shared import sealing
from shared.db import one

from .domain.erasures import Found
from .domain.signatures import DataSubject


class Subjects:
    """The data subjects of one pledge schema (table `data_subjects`, migration 0004)."""

    def __init__(self, schema: str) -> None:
        self._t = sql.Identifier(schema, "data_subjects")
        self._events = sql.Identifier(schema, "events")

    def subject_for(self, conn: psycopg.Connection, email_hash: str) -> DataSubject:
        """The subject of `email_hash`, made with a fresh key the first time; its row stays locked until commit.

        The lock (an upsert's) makes an erasure of the same subject wait until this transaction's signature is in
        the log, so the erasure finds it; an erasure that came first leaves no row, and a new subject is made.
        """
        subject_id, key = one(conn.execute(sql.SQL(
            "INSERT INTO {} (subject_id, email_hash, key) VALUES (%s, %s, %s)"
            " ON CONFLICT (email_hash) DO UPDATE SET email_hash = excluded.email_hash RETURNING subject_id, key")
            .format(self._t), [str(uuid.uuid4()), email_hash, sealing.new_key()]))
        return DataSubject(subject_id, lambda record, fields: sealing.seal(bytes(key), subject_id, record, fields))

    def subject_id(self, conn: psycopg.Connection, email_hash: str) -> str | None:
        """The subject of `email_hash`, if it has one."""
        row = conn.execute(sql.SQL("SELECT subject_id FROM {} WHERE email_hash = %s").format(self._t),
                           [email_hash]).fetchone()
        return row[0] if row else None

    def key(self, conn: psycopg.Connection, subject_id: str) -> bytes | None:
        """The subject's key; None once it is erased (or for an id that never was)."""
        row = conn.execute(sql.SQL("SELECT key FROM {} WHERE subject_id = %s").format(self._t), [subject_id]).fetchone()
        return bytes(row[0]) if row else None

    def forget(self, conn: psycopg.Connection, email_hash: str) -> Found:
        """Delete the subject of `email_hash` (its key with it), and find every signature its person requested.

        Those are the signatures sealed for the subject, and those recorded in the clear before sealing with the same
        e-mail hash, unless an erasure already named them. The transaction's commit makes the deletion final. (A scan
        of the signature requests: erasures are rare, and the events table is this service's own.)
        """
        row = conn.execute(sql.SQL("DELETE FROM {} WHERE email_hash = %s RETURNING subject_id").format(self._t),
                           [email_hash]).fetchone()
        subject_id = row[0] if row else None
        # A signature stream requested again later (after a withdrawal) shows its latest signatory only: count a
        # stream when its latest request is this person's, and not yet named by an erasure after it.
        signature_ids = [r[0] for r in conn.execute(sql.SQL(
            "SELECT e.stream_id FROM (SELECT DISTINCT ON (stream_id) stream_id, position, envelope->'data' AS data"
            " FROM {events} WHERE type = 'SignatureRequested' ORDER BY stream_id, position DESC) e"
            " WHERE (e.data->>'subject_id' = %(subject)s OR e.data->>'email_hash' = %(hash)s)"
            " AND NOT EXISTS (SELECT 1 FROM {events} x WHERE x.type = 'ErasureCompleted'"
            " AND x.envelope->'data'->'signature_ids' ? e.stream_id AND x.position > e.position)")
            .format(events=self._events), {"subject": subject_id, "hash": email_hash})]
        return Found(subject_id, tuple(signature_ids))
