"""What every long-running process does alike: wait for its database, and finish when asked."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from .backoff import Backoff
from .config import Settings
from .db import connect_pool

log = logging.getLogger(__name__)


def open_pool(settings: Settings, name: str, stop: threading.Event, **options: Any) -> ConnectionPool | None:
    """A pool to the database, waiting (with backoff) for the database to be reachable; None if told to stop."""
    backoff = Backoff(0.5, 10.0)
    while not stop.is_set():
        try:
            return connect_pool(settings.database_url, name=name, connect_timeout_s=settings.db_connect_timeout_s,
                                **options)
        except (psycopg.Error, PoolTimeout) as exc:
            delay = backoff.next_s()
            log.warning("database unavailable at start, retrying", extra={"fields": {"error": type(exc).__name__,
                                                                                      "retry_s": round(delay, 2)}})
            stop.wait(delay)
    return None


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT: the way every long-running process here is asked to finish."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    return stop
