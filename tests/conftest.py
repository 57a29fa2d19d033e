"""Real servers for the whole suite: one embedded PostgreSQL and one Tansu broker per test session."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from deploy.local.embedded import free_port, start_broker, start_postgres
from deploy.local.stack import ROOT, Stack
from shared.config import DOMAIN_SERVICES, Settings
from shared.db import connect_pool
from shared.signing import ensure_keys

from .e2e.clients import Account, WebClient, register_admin


class Broker:
    """The embedded Kafka-protocol broker as a child process the tests can kill and restart."""

    def __init__(self, port: int, log_path: Path) -> None:
        self.port, self.log_path = port, log_path
        self.proc: subprocess.Popen | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = start_broker(self.port, self.log_path)

    def kill(self) -> None:
        """Stop the broker by its PID; being memory-only it forgets every topic and record."""
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None

    def restart(self) -> None:
        self.kill()
        self.start()


@pytest.fixture(scope="session")
def workdir():
    if kept := os.environ.get("CHARTER_TEST_WORKDIR"):  # to read the servers' logs after a failure
        Path(kept).mkdir(parents=True, exist_ok=True)
        yield Path(kept)
        return
    with tempfile.TemporaryDirectory(prefix="charter-tests-") as d:
        os.chmod(d, 0o755)
        yield Path(d)


@pytest.fixture(scope="session")
def database_url(workdir):
    """A real PostgreSQL: DATABASE_URL if set, else an embedded server deleted after the session."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    server, url = start_postgres(workdir / "pg", cleanup_mode="delete")
    yield url
    server.cleanup()


@pytest.fixture(scope="session")
def broker(workdir):
    """The embedded broker, started for the session and stopped by its PID at the end."""
    b = Broker(free_port(), workdir / "broker.log")
    b.start()
    yield b
    b.kill()


@pytest.fixture
def schema(database_url):
    """A fresh, uniquely named schema, so tests sharing one server never see each other's events."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    yield name
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


@pytest.fixture
def pool(database_url):
    p = connect_pool(database_url, max_size=12, name="test")
    yield p
    p.close()


def pytest_collection_modifyitems(items):
    """Contract and replay checks run last, over every event the other tests made the system emit."""
    items.sort(key=lambda item: item.get_closest_marker("after_everything") is not None)


# The whole system as separate processes, as `make run` starts it, on free ports: shared by the end-to-end
# tests and the fuzzing of the API.


@pytest.fixture(scope="session")
def settings(database_url, broker, workdir):
    ports = {name: free_port() for name in ("gateway_port", "pledge_port", "knowledge_port", "pilots_port")}
    return Settings.from_env(
        {}, database_url=database_url, kafka_bootstrap_servers=broker.bootstrap, internal_token="e2e-internal",
        trusted_keys_file=str(ensure_keys(workdir / "keys", DOMAIN_SERVICES)),  # the services' keys, as `make run`'s
        database_roles=not os.environ.get("DATABASE_URL"),  # each process as its own role on the embedded server
        email_salt="e2e-salt", **ports, **metrics_ports(set(ports.values()) | {broker.port}),
        broker_check_s=1.0, dev_mode=True, trusted_proxy_hops=1, signin_ip_max_failures=20,
        # Webhooks to a loopback receiver, given up quickly; live streams that end (and resume) within a test.
        webhook_allow_private=True, webhook_max_attempts=4, webhook_backoff_base_s=0.2, webhook_backoff_max_s=1.0,
        webhook_timeout_s=3.0, sse_max_duration_s=8.0, sse_poll_s=0.2, sse_heartbeat_s=1.0,
        write_rate_limit=100_000,  # the fuzzer writes fast; tests/integration checks the write limit itself
        checkpoint_every_events=0,  # no signed checkpoints amid the events tests watch for (test_signed_checkpoints)
    )


def metrics_ports(taken: set[int], span: int = 16) -> dict[str, int]:
    """A range of ports for the background processes' metrics (each takes the first free one), clear of `taken`."""
    while (start := free_port()) + span > 65535 or taken & set(range(start, start + span)):
        pass
    return {"metrics_port": start, "metrics_port_span": span}


@pytest.fixture(scope="session")
def stack(settings, workdir):
    """Every process of the system, stopped by PID at the end of the session even if tests fail.

    Its first admin is made by the real command-line step, as an operator would after `make run`.
    """
    from deploy.migrate import migrate  # here, so the unit tests never import the services

    migrate(settings.database_url)
    (workdir / "logs").mkdir(exist_ok=True)
    s = Stack(settings, log_dir=workdir / "logs")
    try:
        s.start()
        s.wait_healthy()
        register_admin(gateway_url(settings), first_admin(settings), settings.database_url)
        yield s
    finally:
        s.stop()


@pytest.fixture
def web(stack, settings):
    """A web client of the gateway, acting as a freshly opened participant account."""
    return WebClient(gateway_url(settings))


@pytest.fixture
def steward(web):
    """Another account of the same gateway, granted the steward role: it creates charters and runs their rounds."""
    return web.as_user("steward")


def gateway_url(settings: Settings) -> str:
    """Where the tests reach the gateway."""
    return f"http://{settings.host}:{settings.gateway_port}"


def first_admin(settings: Settings, timeout_s: float = 60) -> Account:
    """Run `python -m services.gateway.admin create-admin` as its own process (stopped by PID if it hangs)."""
    email = f"admin-{uuid.uuid4().hex[:8]}@example.test"
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.gateway.admin", "create-admin", "--email", email, "--json"], cwd=ROOT,
        env=os.environ | settings.to_env() | {"PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    assert proc.returncode == 0, err
    made = json.loads(out)
    return Account(made["account_id"], email, made["password"], made["token"])
