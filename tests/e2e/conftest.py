"""The whole system as separate processes, as `make run` starts it, on free ports."""

from __future__ import annotations

import pytest

from deploy.local.embedded import free_port
from deploy.local.stack import Stack
from deploy.migrate import migrate
from shared.config import Settings

from .clients import WebClient


@pytest.fixture(scope="session")
def settings(database_url, broker):
    return Settings.from_env(
        {}, database_url=database_url, kafka_bootstrap_servers=broker.bootstrap, internal_token="e2e-internal",
        email_salt="e2e-salt", gateway_port=free_port(), pledge_port=free_port(), knowledge_port=free_port(),
        pilots_port=free_port(), broker_check_s=1.0,
    )


@pytest.fixture(scope="session")
def stack(settings, workdir):
    """Every process of the system, stopped by PID at the end of the session even if tests fail."""
    migrate(settings.database_url)
    (workdir / "logs").mkdir(exist_ok=True)
    s = Stack(settings, log_dir=workdir / "logs")
    try:
        s.start()
        s.wait_healthy()
        yield s
    finally:
        s.stop()


@pytest.fixture
def web(stack, settings):
    """A web client of the gateway, acting as a freshly named participant."""
    return WebClient(f"http://{settings.host}:{settings.gateway_port}")
