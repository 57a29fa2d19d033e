"""The pledge service's own tables besides its event store: the mail queue and the signing counter."""

from __future__ import annotations

import psycopg
from psycopg import sql

from . import mailer, ratelimit

SCHEMA = "pledge"


def migrate(conn: psycopg.Connection, schema: str = SCHEMA) -> None:
    """Create the tables if they do not exist (the schema comes with the event store)."""
    for ddl in (mailer.DDL, ratelimit.DDL):
        conn.execute(sql.SQL(ddl).format(schema=sql.Identifier(schema)))
