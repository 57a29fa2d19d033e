"""Real servers for the whole suite: one embedded PostgreSQL and one Tansu broker per test session."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from deploy.local.embedded import free_port, start_broker, start_postgres
from shared.db import connect_pool


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
