"""Stops the embedded PostgreSQL when the `make run` that started it is gone: `python -m deploy.local.pg_watchdog
PGDATA PARENT_PID`. Started by `deploy.local.embedded.watch_postgres`, never by hand."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from .embedded import release_postgres


def main(argv: list[str] = sys.argv) -> None:
    """Wait for the parent to die (its parent-death signal, or no longer our parent), then release the server."""
    pgdata, parent = Path(argv[1]), int(argv[2])
    gone = threading.Event()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is for `make run`, which stops the server itself
    signal.signal(signal.SIGTERM, lambda *_: gone.set())
    while not gone.wait(0.5) and os.getppid() == parent:
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # On a normal exit the parent has already stopped the server and this finds nothing to do.
    release_postgres(pgdata, gone_pid=parent)


if __name__ == "__main__":
    main()
