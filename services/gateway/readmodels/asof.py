"""`?as_of=` on reads: the world as it was at a moment, rebuilt from the log into its own schema."""

from __future__ import annotations

import zlib
from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg
from flask import has_request_context, request
from psycopg import sql
from psycopg_pool import ConnectionPool

from shared.config import DOMAIN_SERVICES, Settings
from shared.db import table_exists
from shared.http import RequestRefused

from ..audit import replay
from ..audit.log import stored_events


def parse_as_of(text: str) -> datetime:
    """An RFC 3339 moment with a time zone, not in the future, or a 400 naming `as_of`."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise RequestRefused(400, "invalid_query", "as_of must be an RFC 3339 timestamp with a time zone",
                             {"as_of": ["not an RFC 3339 timestamp with a time zone, e.g. 2026-03-01T00:00:00Z"]})
    if moment > datetime.now(UTC):
        raise RequestRefused(400, "invalid_query", "as_of must not be in the future",
                             {"as_of": ["is in the future"]})
    return moment.astimezone(UTC)


class ReadPool:
    """The gateway's read connections: the live read models, or with `?as_of=` those of that moment.

    A past moment's read models never change, so each is rebuilt once from the stored log into a
    schema of its own (`asof_<microseconds>`) and reused until the gateway restarts; queries are
    untouched because they name tables unqualified and only the transaction's search_path differs.
    """

    def __init__(self, pool: ConnectionPool, settings: Settings) -> None:
        self.pool, self.settings = pool, settings
        self._built: set[str] = set()

    def __getattr__(self, name: str):
        return getattr(self.pool, name)

    @contextmanager
    def connection(self, *args, **kwargs):
        raw = request.args.get("as_of") if has_request_context() else None
        schema = self._schema_for(parse_as_of(raw)) if raw else None
        with self.pool.connection(*args, **kwargs) as conn:
            if schema:
                conn.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(schema)))
            yield conn

    def _schema_for(self, moment: datetime) -> str:
        name = f"asof_{int(moment.timestamp() * 1_000_000)}"
        if name in self._built:
            return name
        # Every gateway worker may be asked for the same moment: one builds it, the others wait.
        with psycopg.connect(self.settings.database_url, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", [zlib.crc32(name.encode())])
            if not table_exists(conn, name, "asof_complete"):
                envelopes = [e for s in DOMAIN_SERVICES for e in stored_events(self.settings, s)]
                replay.drop(self.settings.database_url, name)
                replay.rebuild(self.settings.database_url, envelopes, until=moment, schema=name)
                conn.execute(sql.SQL("CREATE TABLE {}.asof_complete ()").format(sql.Identifier(name)))
            conn.execute("SELECT pg_advisory_unlock(%s)", [zlib.crc32(name.encode())])
        self._built.add(name)
        return name

