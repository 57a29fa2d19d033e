"""PostgreSQL connection pools, one per process."""

from __future__ import annotations

from typing import Any, TypeVar

import psycopg
from psycopg_pool import ConnectionPool

from .config import Settings

Row = TypeVar("Row")

DictCursor = psycopg.Cursor[dict[str, Any]]
"""A cursor made with `row_factory=dict_row`: what the read side passes around."""


def connect_pool(
    database_url: str, *, min_size: int = 1, max_size: int = 8, name: str = "pool", search_path: str | None = None,
    lock_timeout_ms: int = 0, statement_timeout_ms: int = 0, connect_timeout_s: int = 0, wait_s: float = 30.0,
) -> ConnectionPool:
    """An open pool to the database; with `search_path`, unqualified tables resolve in that schema.

    Every session of the pool waits at most `lock_timeout_ms` for a lock and `statement_timeout_ms` for a
    statement (0: no limit), connecting gives up after `connect_timeout_s`, and `pool.connection()` waits at
    most `wait_s` for a connection. A connection found dead is discarded before it is handed out, so the
    pool recovers on its own when the database comes back.
    """
    options = [f"-c {name_}={value}" for name_, value in (
        ("search_path", search_path), ("lock_timeout", lock_timeout_ms), ("statement_timeout", statement_timeout_ms),
    ) if value]
    kwargs: dict[str, Any] = {"options": " ".join(options)} if options else {}
    if connect_timeout_s:
        kwargs["connect_timeout"] = connect_timeout_s
    pool = ConnectionPool(database_url, min_size=min_size, max_size=max_size, name=name, open=False, kwargs=kwargs,
                          timeout=wait_s, check=ConnectionPool.check_connection)
    pool.open(wait=True, timeout=30)
    return pool


def deadlines(settings: Settings) -> dict[str, Any]:
    """The `connect_pool` options of a process that answers HTTP requests: fail fast, never hang."""
    return {"lock_timeout_ms": settings.db_lock_timeout_ms, "statement_timeout_ms": settings.db_statement_timeout_ms,
            "connect_timeout_s": settings.db_connect_timeout_s, "wait_s": settings.db_pool_timeout_s}


def table_exists(conn: psycopg.Connection, schema: str, table: str) -> bool:
    """Whether `schema`.`table` exists: readers of another process's bookkeeping ask before it has migrated."""
    return one(conn.execute("SELECT to_regclass(%s)", [f"{schema}.{table}"]))[0] is not None


def one(cursor: psycopg.Cursor[Row]) -> Row:
    """The one row of a query that always returns one (an aggregate, an upsert's RETURNING)."""
    row = cursor.fetchone()
    if row is None:
        raise LookupError("the query returned no row")
    return row
