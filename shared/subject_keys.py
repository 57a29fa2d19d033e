"""A service's key table for crypto-shredding: a data subject per owner (an e-mail hash, a pilot), with its key.

The owning service seals a subject's personal fields with the key (shared/sealing.py) and lends it to the gateway's
projector over `GET /internal/subjects/<id>/key` (the internal token), never publishing it. Erasing a subject
deletes its row, and every copy of its sealed fields anywhere can no longer be opened.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import psycopg
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from psycopg import sql

from . import sealing
from .db import one
from .events import DataSubject
from .http import error


class KeyTable:
    """The `data_subjects` table of a service's schema, whose subjects are found by `owner` (a unique column)."""

    def __init__(self, schema: str, owner: str) -> None:
        self._t, self._owner = sql.Identifier(schema, "data_subjects"), sql.Identifier(owner)

    def subject_for(self, conn: psycopg.Connection, owner: str) -> DataSubject:
        """The subject of `owner`, made with a fresh key the first time; its row stays locked until commit.

        The lock (an upsert's) makes an erasure of the same subject wait until this transaction's event is in the
        log, so the erasure finds it; after an erasure there is no row, and a new subject is made.
        """
        subject_id, key = one(conn.execute(sql.SQL(
            "INSERT INTO {t} (subject_id, {o}, key) VALUES (%s, %s, %s)"
            " ON CONFLICT ({o}) DO UPDATE SET {o} = excluded.{o} RETURNING subject_id, key")
            .format(t=self._t, o=self._owner), [str(uuid.uuid4()), owner, sealing.new_key()]))
        return DataSubject(subject_id, lambda record, fields: sealing.seal(bytes(key), subject_id, record, fields))

    def subject_id(self, conn: psycopg.Connection, owner: str) -> str | None:
        """The subject of `owner`, if it has one."""
        row = conn.execute(sql.SQL("SELECT subject_id FROM {t} WHERE {o} = %s").format(t=self._t, o=self._owner),
                           [owner]).fetchone()
        return row[0] if row else None

    def key(self, conn: psycopg.Connection, subject_id: str) -> bytes | None:
        """The subject's key; None once it is erased (or for an id that never was)."""
        row = conn.execute(sql.SQL("SELECT key FROM {} WHERE subject_id = %s").format(self._t), [subject_id]).fetchone()
        return bytes(row[0]) if row else None

    def forget(self, conn: psycopg.Connection, owner: str) -> str | None:
        """Delete the subject of `owner` and its key (final once the transaction commits); its id, if it had one."""
        row = conn.execute(sql.SQL("DELETE FROM {t} WHERE {o} = %s RETURNING subject_id")
                           .format(t=self._t, o=self._owner), [owner]).fetchone()
        return row[0] if row else None


def blueprint(lend: Callable[[str], bytes | None]) -> Blueprint:
    """`GET /internal/subjects/<id>/key`: a subject's key for the gateway's projector (the internal token), 404 once
    erased; `lend(subject_id)` reads it from the service's key table."""
    bp = Blueprint("subject_keys", __name__)

    @bp.get("/internal/subjects/<uuid:subject_id>/key")
    def subject_key(subject_id: uuid.UUID) -> ResponseReturnValue:
        key = lend(str(subject_id))
        if key is None:
            return error(404, "not_found", "this data subject is erased, or never was", {"subject_id": ["erased"]})
        return jsonify({"subject_id": str(subject_id), "key": sealing.key_text(key)})

    return bp
