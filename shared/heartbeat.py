"""Heartbeats: each long-running process says, every second, that it lives and how its work goes.

A process writes one row in its own schema's `heartbeats` table, keyed by its name and its instance
(`host:pid`, so copies of one process each keep a row), from a thread of its own, over a connection of
its own, so a main loop waiting on a dead broker still beats, while `progress_at` (moved only by the
main loop) shows a loop that hangs. Health reads the rows: a process none of whose rows has moved for a
few seconds is reported as not reporting, whatever it last said.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from . import migrations
from .db import table_exists

log = logging.getLogger(__name__)

UPSERT = """
INSERT INTO {t} (process, instance, pid, host, started_at, beat_at, progress_at, details)
VALUES (%(process)s, %(instance)s, %(pid)s, %(host)s, %(started_at)s, now(), %(progress_at)s, %(details)s)
ON CONFLICT (process, instance) DO UPDATE SET pid = excluded.pid, host = excluded.host,
    started_at = excluded.started_at, beat_at = excluded.beat_at, progress_at = excluded.progress_at,
    details = excluded.details
"""
# The rows of this process's dead copies (or of its earlier lives): kept a while for health to report, then gone.
FORGET_DEAD = "DELETE FROM {t} WHERE process = %s AND instance <> %s AND beat_at < now() - make_interval(secs => %s)"
DEAD_AFTER_S = 60.0


def migrate(conn: psycopg.Connection, schema: str) -> None:
    """Apply the heartbeats migrations `schema` lacks (shared/migrations/heartbeats/)."""
    migrations.migrate(conn, schema, migrations.HEARTBEATS)


def instance_name() -> str:
    """This copy of a process among others of the same name: `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Heartbeat:
    """Beats for one named process into `schema`; `progress(**details)` is called by the main loop.

    Each copy of a process beats in a row of its own (its `instance`), and now and then deletes the rows
    of copies of the same name that stopped beating over `DEAD_AFTER_S` ago.
    """

    def __init__(self, database_url: str, schema: str, process: str, interval_s: float = 1.0,
                 topics: list[str] | None = None) -> None:
        self.database_url, self.schema, self.process, self.interval_s = database_url, schema, process, interval_s
        self.instance = instance_name()
        # A consumer names the topics it reads, so health can tell its lag against each producer's store.
        self._details: dict[str, Any] = {"topics": list(topics)} if topics else {}
        self._progress_at = self._started_at = datetime.now(UTC)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{process}", daemon=True)

    def progress(self, **details: Any) -> None:
        """The main loop went round once; `details` (JSON values) replace what it said before, key by key."""
        self._progress_at = datetime.now(UTC)
        self._details.update(details)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        conn = None
        table = sql.Identifier(self.schema, "heartbeats")
        upsert, forget = sql.SQL(UPSERT).format(t=table), sql.SQL(FORGET_DEAD).format(t=table)
        beats = 0
        while not self._stop.is_set():
            try:
                if conn is None or conn.closed:
                    conn = psycopg.connect(self.database_url, autocommit=True, connect_timeout=2,
                                           options="-c statement_timeout=2000")
                conn.execute(upsert, {"process": self.process, "instance": self.instance, "pid": os.getpid(),
                                      "host": socket.gethostname(), "started_at": self._started_at,
                                      "progress_at": self._progress_at, "details": Jsonb(dict(self._details))})
                if beats % 30 == 0:
                    conn.execute(forget, [self.process, self.instance, DEAD_AFTER_S])
                beats += 1
            except psycopg.Error as exc:  # the database is away: the missing beats are what health reports
                log.debug("heartbeat not written", extra={"fields": {"error": type(exc).__name__}})
                if conn is not None:
                    conn.close()
                conn = None
            self._stop.wait(self.interval_s)
        if conn is not None:
            conn.close()


def beats(conn: psycopg.Connection, schema: str) -> list[dict[str, Any]]:
    """Every copy's last heartbeat in `schema`, with its age and how long since its loop moved (seconds).

    A process running as several copies has a row per copy (`instance`), freshest first.
    """
    if not table_exists(conn, schema, "heartbeats"):
        return []
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(sql.SQL(
            "SELECT process, instance, pid, host, beat_at, progress_at, details,"
            " extract(epoch FROM now() - beat_at)::float AS age_s,"
            " extract(epoch FROM now() - progress_at)::float AS stalled_s FROM {}"
            " ORDER BY process, beat_at DESC, instance"
        ).format(sql.Identifier(schema, "heartbeats"))).fetchall()

