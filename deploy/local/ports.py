"""The ports `make run` listens on, checked free before anything starts."""

from __future__ import annotations

import errno
import socket

import psutil


class PortTaken(RuntimeError):
    """A port `make run` needs is already in use."""


def listener_of(port: int) -> psutil.Process | None:
    """The process listening on TCP `port` on any local address (of several sharing it, the parent), if found."""
    try:
        pids = {c.pid for c in psutil.net_connections(kind="tcp")
                if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port and c.pid}
    except psutil.AccessDenied:
        return None
    for pid in sorted(pids):
        try:
            proc = psutil.Process(pid)
            if proc.ppid() not in pids:  # a gunicorn master rather than one of its workers
                return proc
        except psutil.NoSuchProcess:
            continue
    return None


def describe(proc: psutil.Process | None) -> str:
    """`PID 123 (python -m http.server)`, or a note that the holder is unknown."""
    if proc is None:
        return "a process this user cannot see"
    try:
        cmd = " ".join(proc.cmdline()) or proc.name()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        cmd = "?"
    return f"PID {proc.pid} ({cmd[:120]})"


def refuse_taken(ports: dict[str, tuple[str, int]]) -> None:
    """Raise PortTaken naming every port of `ports` ({use: (host, port)}) that cannot be bound, and who holds it."""
    taken = []
    for use, (host, port) in ports.items():
        with socket.socket() as s:
            # As gunicorn and the broker bind: SO_REUSEADDR, so a connection in TIME_WAIT is no obstacle.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((host, port))
            except OSError as e:
                if e.errno != errno.EADDRINUSE:
                    raise
                taken.append(f"port {port} ({use}) on {host} is already in use by {describe(listener_of(port))}")
    if taken:
        raise PortTaken("\n  ".join(["nothing was started:", *taken]) + "\nStop what holds them, or choose other "
                        "ports (GATEWAY_PORT, PLEDGE_PORT, KNOWLEDGE_PORT, PILOTS_PORT, BROKER_PORT).")
