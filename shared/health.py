"""Reachability checks behind every `/healthz`."""

from __future__ import annotations

import socket

from psycopg_pool import ConnectionPool


def database_ok(pool: ConnectionPool) -> bool:
    """True when a pooled connection answers a query within two seconds."""
    try:
        with pool.connection(timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:  # any failure means "not reachable", which is what we report
        return False


def broker_ok(bootstrap: str) -> bool:
    """True when a bootstrap broker accepts a TCP connection within one second."""
    for address in bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        try:
            with socket.create_connection((host or "127.0.0.1", int(port)), timeout=1):
                return True
        except OSError:
            continue
    return False
