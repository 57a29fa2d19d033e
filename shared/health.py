"""Health that answers within a second and tells the truth: reachability checks, and the probe behind readiness.

A readiness check that queries the database on the request's own thread takes as long as the
database does to fail, which is for ever when it hangs. So every HTTP process measures its health
on a thread of its own, once a second, and `/readyz` answers with the latest measurement at once;
a measurement older than a few seconds (the probe itself is stuck) is reported as such, degraded.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from . import heartbeat, parking
from .db import one, table_exists

log = logging.getLogger(__name__)


def database_ok(pool: ConnectionPool) -> bool:
    """True when a pooled connection answers a query within two seconds."""
    try:
        with pool.connection(timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable", which is what we report
        return False


def broker_ok(bootstrap: str) -> bool:
    """True when a bootstrap broker accepts a TCP connection within half a second."""
    for address in bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        try:
            with socket.create_connection((host or "127.0.0.1", int(port)), timeout=0.5):
                return True
        except OSError:
            continue
    return False


class Probe:
    """Runs `measure()` every `interval_s` on a daemon thread; `latest()` answers at once with what it found."""

    def __init__(self, measure: Callable[[], dict[str, Any]], interval_s: float = 1.0, stale_s: float = 5.0) -> None:
        self.measure, self.interval_s, self.stale_s = measure, interval_s, stale_s
        self._latest: dict[str, Any] | None = None
        self._at = 0.0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._first = threading.Event()

    def latest(self, first_wait_s: float = 0.9) -> dict[str, Any]:
        """The newest measurement, or a degraded report saying the probe has none recent.

        The first call starts the probe and waits up to `first_wait_s` for its first measurement.
        """
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="health-probe", daemon=True)
                self._thread.start()
        self._first.wait(first_wait_s)
        with self._lock:
            latest, age = self._latest, time.monotonic() - self._at
        if latest is None or age > self.stale_s:
            problem = f"no measurement in the last {self.stale_s:g}s (a dependency hangs?)"
            return {"status": "degraded", "problems": [f"probe: {problem}"], "parts": {"probe": {
                "ok": False, "problem": problem}}}
        return latest

    def _run(self) -> None:
        while True:
            started = time.monotonic()
            try:
                found = self.measure()
            except Exception as exc:  # noqa: BLE001 - a failed measurement is itself the finding
                log.warning("health measurement failed", extra={"fields": {"error": repr(exc)}})
                problem = f"the measurement failed ({type(exc).__name__})"
                found = {"status": "degraded", "problems": [f"probe: {problem}"],
                         "parts": {"probe": {"ok": False, "problem": problem}}}
            with self._lock:
                self._latest, self._at = found, time.monotonic()
            self._first.set()
            time.sleep(max(self.interval_s - (time.monotonic() - started), 0.05))


class Bounded:
    """Runs a blocking call on a worker thread of its own, waiting at most `timeout_s` for it.

    A server that hangs (stopped, not gone) holds a query for ever, and no statement timeout can
    help, as the server itself must enforce it. While an earlier call still hangs, a new one is
    refused at once rather than queued behind it.
    """

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="bounded")
        self._in_flight: Future | None = None

    def __call__(self, call: Callable[[], Any]) -> Any:
        """The call's result; TimeoutError when it takes longer, or an earlier one has not finished."""
        if self._in_flight is not None and not self._in_flight.done():
            raise TimeoutError("an earlier call has not come back")
        self._in_flight = self._worker.submit(call)
        return self._in_flight.result(self.timeout_s)


def schema_report(conn: psycopg.Connection, schema: str) -> dict[str, Any]:
    """What one schema says of the processes that work in it: heartbeats, parked events, applied positions, and
    the events held behind a gap (how many, and for how long the oldest has waited)."""
    positions: dict[str, int] = {}
    held: dict[str, Any] = {"events": 0, "oldest_s": 0.0}
    if table_exists(conn, schema, "producer_positions"):
        positions = dict(conn.execute(sql.SQL("SELECT producer, position FROM {}.producer_positions")
                                      .format(sql.Identifier(schema))).fetchall())
        count, oldest = one(conn.execute(sql.SQL(
            "SELECT count(*), coalesce(extract(epoch FROM now() - min(held_at))::float, 0) FROM {}.held_events"
        ).format(sql.Identifier(schema))))
        held = {"events": count, "oldest_s": round(oldest, 1)}
    beats = [{"process": b["process"], "instance": b["instance"], "pid": b["pid"], "host": b["host"],
              "age_s": round(b["age_s"], 2),
              "stalled_s": round(b["stalled_s"], 2), "details": b["details"]} for b in heartbeat.beats(conn, schema)]
    return {"processes": beats, "parked": parking.open_count(conn, schema), "applied": positions, "held": held}
