"""The pledge's data subjects: one per signatory's e-mail hash, held only here, so the log names a person by a
random id and never by anything derived from their address (the key table: shared/subject_keys.py)."""

from __future__ import annotations

import psycopg
from psycopg import sql

from shared.events import DataSubject
from shared.subject_keys import KeyTable

from .domain.erasures import Found


class Subjects:
    """The signatories' subjects of one pledge schema (table `data_subjects`, migration 0004)."""

    def __init__(self, schema: str) -> None:
        self.keys = KeyTable(schema, "email_hash")
        self._events = sql.Identifier(schema, "events")

    def subject_for(self, conn: psycopg.Connection, email_hash: str) -> DataSubject:
        """The signatory's subject, made the first time (see KeyTable.subject_for)."""
        return self.keys.subject_for(conn, email_hash)

    def subject_id(self, conn: psycopg.Connection, email_hash: str) -> str | None:
        """The signatory's subject, if they have one."""
        return self.keys.subject_id(conn, email_hash)

    def forget(self, conn: psycopg.Connection, email_hash: str) -> Found:
        """Delete the subject of `email_hash` (its key with it), and find every signature its person requested.

        Those are the signatures sealed for the subject, and those recorded in the clear before sealing with the same
        e-mail hash, unless an erasure already named them. The transaction's commit makes the deletion final. (A scan
        of the signature requests: erasures are rare, and the events table is this service's own.)
        """
        subject_id = self.keys.forget(conn, email_hash)
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
