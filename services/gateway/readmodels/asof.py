"""The gateway's read connections: the live read models, or with `?as_of=` a snapshot an auditor built."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from flask import has_request_context, request
from psycopg import sql
from psycopg_pool import ConnectionPool

from shared.http import RequestRefused

from . import snapshots

# The setting naming the moment a read is as at: the snapshot's under `?as_of=`, otherwise unset.
READ_AT = "charter.read_at"
# That moment in SQL: the snapshot's, or now(). A setting once set in a session reads '' when unset.
READ_MOMENT = f"coalesce(nullif(current_setting('{READ_AT}', true), '')::timestamptz, now())"


class ReadPool:
    """Connections for reading (and, for the projection's consistency waits, its checkpoints).

    Queries name tables unqualified; a read with `?as_of=T` runs in the snapshot of T
    (`readmodels/snapshots.py`) through the transaction's search_path, or is a 404 if none was built.
    """

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    @contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[psycopg.Connection]:
        raw = request.args.get("as_of") if has_request_context() else None
        with self.pool.connection(timeout) as conn:
            if raw:
                moment = snapshots.parse_moment(raw)
                if not snapshots.is_built(conn, moment):
                    raise RequestRefused(
                        404, "snapshot_not_found", "no snapshot of that moment has been built",
                        {"as_of": ["no snapshot of this moment; an auditor builds one with "
                                   "POST /api/v1/audit/snapshots"]})
                conn.execute(sql.SQL("SET LOCAL search_path TO {}").format(
                    sql.Identifier(snapshots.schema_for(moment))))
                # What depends on the clock (a round past its closing date) is read as at the moment too.
                conn.execute("SELECT set_config(%s, %s, true)", [READ_AT, moment.isoformat()])
            yield conn

    def close(self) -> None:
        self.pool.close()
