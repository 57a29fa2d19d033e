"""PostgreSQL connection pools, one per process."""

from __future__ import annotations

from psycopg_pool import ConnectionPool


def connect_pool(
    database_url: str, *, min_size: int = 1, max_size: int = 8, name: str = "pool", search_path: str | None = None
) -> ConnectionPool:
    """An open pool to the database; with `search_path`, unqualified tables resolve in that schema."""
    kwargs = {"options": f"-c search_path={search_path}"} if search_path else {}
    pool = ConnectionPool(database_url, min_size=min_size, max_size=max_size, name=name, open=False, kwargs=kwargs)
    pool.open(wait=True, timeout=30)
    return pool
