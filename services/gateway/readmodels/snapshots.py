"""Snapshots: the read models as they were at a past moment, each in a schema of its own.

An auditor builds one (`POST /api/v1/audit/snapshots`, `charter audit snapshot`); reads then name it with
`?as_of=<the same moment>`. A snapshot is never built by a read: a moment nobody built is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
from psycopg import sql

from shared.db import table_exists
from shared.envelope import past_moment, rfc3339
from shared.http import RequestRefused

PREFIX = "snapshot_"
# Created last: a schema without it is a build that never finished.
MARKER = "snapshot"
MARKER_DDL = ("CREATE TABLE {}.snapshot"
              " (as_of timestamptz NOT NULL, events bigint NOT NULL, built_at timestamptz NOT NULL)")


@dataclass(frozen=True)
class Snapshot:
    """A built snapshot: the moment it shows, how many events it applied, when it was built."""

    as_of: datetime
    events: int
    built_at: datetime

    def to_dict(self) -> dict:
        return {"as_of": rfc3339(self.as_of), "events": self.events, "built_at": rfc3339(self.built_at)}


def schema_for(moment: datetime) -> str:
    """The schema a snapshot of `moment` lives in: one per microsecond, so a moment is built at most once."""
    return f"{PREFIX}{int(moment.timestamp() * 1_000_000)}"


def parse_moment(text: str, field: str = "as_of") -> datetime:
    """An RFC 3339 moment with a time zone, not in the future, or a 400 naming `field`."""
    try:
        return past_moment(text)
    except ValueError as exc:
        raise RequestRefused(400, "invalid_query", f"{field}: {exc}", {field: [str(exc)]}) from None


def is_built(conn: psycopg.Connection, moment: datetime) -> bool:
    """Whether the snapshot of `moment` was built to the end."""
    return table_exists(conn, schema_for(moment), MARKER)


def built(conn: psycopg.Connection) -> list[Snapshot]:
    """Every finished snapshot, oldest moment first."""
    schemas = [r[0] for r in conn.execute(
        "SELECT table_schema FROM information_schema.tables WHERE table_name = %s AND table_schema LIKE %s",
        [MARKER, PREFIX.replace("_", r"\_") + "%"])]
    found = []
    for schema in schemas:
        row = conn.execute(sql.SQL("SELECT as_of, events, built_at FROM {}.snapshot")
                           .format(sql.Identifier(schema))).fetchone()
        if row:
            found.append(Snapshot(*row))
    return sorted(found, key=lambda s: s.as_of)


def mark_built(conn: psycopg.Connection, moment: datetime, events: int) -> Snapshot:
    """Record that the snapshot of `moment` is complete (the last step of its build)."""
    schema = sql.Identifier(schema_for(moment))
    snapshot = Snapshot(moment, events, datetime.now(UTC))
    with conn.transaction():
        conn.execute(sql.SQL(MARKER_DDL).format(schema))
        conn.execute(sql.SQL("INSERT INTO {}.snapshot VALUES (%s, %s, %s)").format(schema),
                     [snapshot.as_of, snapshot.events, snapshot.built_at])
    return snapshot

