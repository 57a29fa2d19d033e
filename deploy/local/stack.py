"""The whole system as separate processes, as deploy/processes.py lists them, and the embedded broker."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import urllib3

from shared.config import DATABASE_ROLES, Settings
from shared.signing import private_key_file

from ..processes import BY_NAME, HTTP, PROCESSES
from .embedded import broker_command, free_port, wait_for_port
from .ports import describe, listener_of
from .supervise import Backoff, die_with_parent

ROOT = Path(__file__).resolve().parents[2]
HTTP_SERVICES = HTTP  # the processes gunicorn serves, each on its Settings port
log = logging.getLogger(__name__)


@dataclass
class Stack:
    """Starts every process of the system and stops each one by its PID (and its process group).

    Every child is signalled when this process dies, however it dies (see `_spawn`).
    With `embedded_broker`, the stack runs the Tansu broker on `settings.broker_port` too, writing to `broker_log`.
    With `copies` ({"pledge-relay": 2}), a process runs as that many copies, the second named "pledge-relay#2";
    an HTTP copy listens where `ports` says (by copy name), by default the first on its Settings port, the
    others each on a free port: whatever shares the load between them (a proxy on the Settings port, in front
    of copies all in `ports`) is not the stack's.
    """

    settings: Settings
    log_dir: Path | None = None
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    embedded_broker: bool = False
    broker_log: Path | None = None
    copies: dict[str, int] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _started: dict[str, float] = field(default_factory=dict, repr=False)
    _backoff: dict[str, Backoff] = field(default_factory=dict, repr=False)
    _due: dict[str, float] = field(default_factory=dict, repr=False)

    def commands(self) -> dict[str, list[str]]:
        """The command line of every process, by name (the broker first, when the stack runs it)."""
        cmds = {"broker": broker_command(self.settings.broker_port)} if self.embedded_broker else {}
        py, config, bind = sys.executable, str(ROOT / "deploy/gunicorn.conf.py"), f"{self.settings.host}:{{port}}"
        cmds |= {p.name: p.command(py, config, bind) for p in PROCESSES if p.runs_with(self.settings)}
        copies = {f"{name}#{n}": cmd for name, cmd in cmds.items() for n in range(2, self.copies.get(name, 1) + 1)}
        return {name: [arg.replace("{port}", str(self.port(name))) for arg in cmd]
                for name, cmd in (cmds | copies).items()}

    def start(self, *names: str) -> None:
        """Start the named processes (all of them by default) and wait until the broker and HTTP ones listen.

        Call it from a thread that lives as long as the stack (see `die_with_parent`).
        """
        with self._lock:
            for name in self.commands():
                if names and name not in names:
                    continue
                self._spawn(name)
                if name == "broker":  # the relays and consumers want it from their first moment
                    wait_for_port(self.settings.broker_port, self.procs[name])
            for name in list(self.procs):
                if base_name(name) in HTTP_SERVICES and (not names or name in names):
                    wait_for_port(self.port(name), self.procs[name], timeout_s=30)

    def stop(self, *names: str, grace_s: float = 10) -> None:
        """Stop the named processes (all by default): SIGTERM to each group, SIGKILL to any left after `grace_s`.

        A process stopped here is never restarted by `supervise`, until `start` starts it again.
        """
        with self._lock:
            chosen = [n for n in self.procs if not names or n in names]
            # The broker last, so relays and consumers stop on their own terms rather than lose it first.
            self._stop([n for n in chosen if n != "broker"], grace_s)
            self._stop([n for n in chosen if n == "broker"], grace_s)

    def supervise(self, stop: threading.Event, poll_s: float = 0.2) -> None:
        """Until `stop` is set, restart every child that exits without being asked to, with capped backoff.

        Each restart is logged with the child's name, its exit code and the delay. Call it from the thread that
        started the stack: the children's parent-death signal is tied to the thread that forked them.
        """
        while not stop.wait(poll_s):
            with self._lock:
                now = time.monotonic()
                for name, proc in list(self.procs.items()):
                    if proc.poll() is None:
                        continue
                    if name not in self._due:
                        self._due[name] = now + self._exited(name, proc, now)
                    elif now >= self._due[name]:
                        del self._due[name]
                        self._spawn(name)
                        log.info("%s restarted as PID %s", name, self.procs[name].pid,
                                 extra={"fields": {"child": name, "pid": self.procs[name].pid}})

    def _exited(self, name: str, proc: subprocess.Popen, now: float) -> float:
        # What the dead child leaves in its process group (a gunicorn master's workers) goes with it, so the
        # new one finds its port free; the process group outlives its leader, so this signals only those.
        _signal(proc, signal.SIGKILL)
        delay = self._backoff.setdefault(name, Backoff()).after_exit(now - self._started.get(name, now))
        fields = {"child": name, "pid": proc.pid, "exit_code": proc.returncode, "restart_in_s": delay}
        port = self.port(name)
        holder = listener_of(port) if port else None
        if holder is not None and not _in_group(holder.pid, proc.pid):  # someone else took its port
            fields |= {"port": port, "port_holder": describe(holder)}
        log.warning("%s (PID %s) exited with %s; restarting in %.1fs", name, proc.pid, proc.returncode, delay,
                    extra={"fields": fields})
        return delay

    def _spawn(self, name: str) -> None:
        env = (os.environ | self.settings.to_env() | database_env(self.settings, base_name(name))
               | signing_env(self.settings, name) | {"PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
        if name == "broker":
            path = self.log_dir / "broker.log" if self.log_dir else self.broker_log
        else:
            path = self.log_dir / f"{name}.log" if self.log_dir else None
        out = open(path, "ab") if path else None  # noqa: SIM115 - the child writes to it
        try:
            # When this process dies, its dependencies (broker, database) go at the same moment, and a relay or
            # consumer shutting down politely may wait on them for long: those get SIGKILL, which they are built
            # to survive (nothing acknowledged is lost; the fault tests kill each kind so). A gunicorn master gets
            # SIGTERM: it lets its workers finish their requests and kills them itself after its graceful timeout.
            death = signal.SIGTERM if base_name(name) in HTTP_SERVICES else signal.SIGKILL
            self.procs[name] = subprocess.Popen(
                self.commands()[name], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT if out else None,
                start_new_session=True, preexec_fn=die_with_parent(death))
        finally:
            if out is not None:
                out.close()
        self._started[name] = time.monotonic()

    def _stop(self, chosen: list[str], grace_s: float) -> None:
        for name in chosen:
            self._due.pop(name, None)
            _signal(self.procs[name], signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for name in chosen:
            proc = self.procs.pop(name)
            try:
                proc.wait(max(deadline - time.monotonic(), 0.01))
            except subprocess.TimeoutExpired:
                _signal(proc, signal.SIGKILL)
                proc.wait(5)

    def port(self, name: str) -> int | None:
        """Where the named process (an HTTP copy, or the broker) listens; None for one that does not."""
        if name == "broker":
            return self.settings.broker_port
        if base_name(name) not in HTTP_SERVICES:
            return None
        if name not in self.ports:
            self.ports[name] = getattr(self.settings, BY_NAME[name].port) if "#" not in name else free_port()
        return self.ports[name]

    def wait_healthy(self, timeout_s: float = 60, abort: threading.Event | None = None) -> dict:
        """Block until the gateway's `/readyz` reports every part of the system ready (or `abort` is set)."""
        http = urllib3.PoolManager()
        url = f"http://{self.settings.host}:{self.settings.gateway_port}/readyz"
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                r = http.request("GET", url, timeout=3)
                if r.status == 200:
                    return r.json()
            except urllib3.exceptions.HTTPError:
                pass
            if abort is not None and abort.is_set():
                return {}
            if time.monotonic() > deadline:
                raise TimeoutError(f"the stack is not healthy after {timeout_s}s")
            time.sleep(0.2)


def signing_env(settings: Settings, process: str) -> dict[str, str]:
    """The private key a process signs with, from the keyring's directory (`make run`'s keys) unless one is named."""
    signs = BY_NAME[base_name(process)].signs if process != "broker" else ""
    if not signs or settings.signing_key_file or not settings.trusted_keys_file:
        return {}
    return {"SIGNING_KEY_FILE": str(private_key_file(Path(settings.trusted_keys_file).parent, signs))}


def database_env(settings: Settings, process: str) -> dict[str, str]:
    """The environment that makes `process` connect to the database as its own role, knowing no other's URL."""
    kind = database_kind(process)
    if kind is None:
        return {}
    return {"DATABASE_URL": settings.database_url_of(kind), "DATABASE_ROLES": "False"} | {
        f"{other.upper()}_DATABASE_URL": "" for other in DATABASE_ROLES}


def database_kind(process: str) -> str | None:
    """The role (a key of DATABASE_ROLES) a process of the table, or a copy of it, connects as; None for the broker."""
    return None if process == "broker" else BY_NAME[base_name(process)].role


def base_name(name: str) -> str:
    """The process a copy is of: "pledge-relay" for "pledge-relay#2"."""
    return name.split("#", 1)[0]


def _signal(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def _in_group(pid: int, pgid: int) -> bool:
    try:
        return os.getpgid(pid) == pgid
    except ProcessLookupError:
        return True  # gone already: it was one of the group just killed
