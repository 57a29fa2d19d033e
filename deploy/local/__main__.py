"""`make run`: the whole system on this machine, embedded servers unless real ones are configured."""

from __future__ import annotations

import os
import secrets
import signal
import threading
from dataclasses import replace
from pathlib import Path

from deploy.migrate import migrate
from shared.config import Settings

from .embedded import start_broker, start_postgres
from .stack import ROOT, Stack

FIRST_ADMIN = (
    "To make the first admin (it prints a password and an API token, each shown once), in another terminal:\n"
    "    make admin EMAIL=you@example.org\n"
    "  (that is: .venv/bin/python -m services.gateway.admin create-admin --email you@example.org)"
)


def main() -> None:
    """Start everything, print the gateway's URL, and stop every child process on Ctrl-C."""
    settings = Settings.from_env()
    data = (ROOT / settings.data_dir).resolve()
    (data / "logs").mkdir(parents=True, exist_ok=True)
    broker = server = None
    if not settings.database_url:
        server, url = start_postgres(data / "pg")
        settings = replace(settings, database_url=url)
    if not settings.kafka_bootstrap_servers:
        broker = start_broker(settings.broker_port, data / "logs" / "broker.log")
        settings = replace(settings, kafka_bootstrap_servers=f"127.0.0.1:{settings.broker_port}")
    settings = replace(settings, internal_token=settings.internal_token or secrets.token_urlsafe(32),
                       email_salt=settings.email_salt or _persistent_salt(data),
                       dev_mode=settings.dev_mode or "DEV_MODE" not in os.environ)  # on locally unless said off
    migrate(settings.database_url)
    _record(settings, data / "run.env")
    stack = Stack(settings)
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stack.start()
        if not stack.wait_healthy(abort=stopped):
            return
        print(f"\nInteractive Charter is running: http://{settings.host}:{settings.gateway_port}/  (Ctrl-C stops it)\n"
              f"{FIRST_ADMIN}\n", flush=True)
        stopped.wait()
    finally:
        stack.stop()
        if broker is not None:
            os.killpg(broker.pid, signal.SIGTERM)
            broker.wait(10)
        del server  # the embedded PostgreSQL stops when this process exits


def _record(settings: Settings, path: Path) -> None:
    # The audit command line (`charter audit ...`) reads how to reach this running system from here.
    path.touch(mode=0o600)
    path.write_text("".join(f"{k}={v}\n" for k, v in settings.to_env().items()))


def _persistent_salt(data: Path) -> str:
    # The salt of signer e-mail hashes must survive restarts, or canonical duplicates go unnoticed.
    path = data / "email_salt"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


if __name__ == "__main__":
    main()
