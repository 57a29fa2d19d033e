"""A whole system of the fault tests' own — its own database, broker and ports — so stopping its
services by PID never disturbs the session-wide stack the end-to-end tests share."""

from __future__ import annotations

import uuid
from dataclasses import replace
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from deploy.local.embedded import free_port
from deploy.local.stack import Stack

from ..conftest import Broker, first_admin, gateway_url
from ..e2e.clients import WebClient, register_admin


def fresh_database(database_url: str) -> str:
    """A new, empty database on the same server; its URL."""
    name = f"fault_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))


@pytest.fixture(scope="package")
def fault_settings(settings, workdir):
    """The session's settings, but another database, another broker and other ports."""
    broker = Broker(free_port(), workdir / "fault-broker.log")
    broker.start()
    yield replace(settings, database_url=fresh_database(settings.database_url),
                  kafka_bootstrap_servers=broker.bootstrap, internal_token="fault-internal",
                  gateway_port=free_port(), pledge_port=free_port(), knowledge_port=free_port(),
                  pilots_port=free_port())
    broker.kill()


@pytest.fixture(scope="package")
def fault_stack(fault_settings, workdir):
    """Every process of a second system, each stopped by its PID at the end even if tests fail."""
    from deploy.migrate import migrate

    migrate(fault_settings.database_url)
    (workdir / "fault-logs").mkdir(exist_ok=True)
    s = Stack(fault_settings, log_dir=workdir / "fault-logs")
    try:
        s.start()
        s.wait_healthy()
        register_admin(gateway_url(fault_settings), first_admin(fault_settings), fault_settings.database_url)
        yield s
    finally:
        s.stop()


@pytest.fixture
def fault_web(fault_stack, fault_settings):
    """A web client of the fault tests' own gateway, acting as a freshly opened account."""
    return WebClient(gateway_url(fault_settings))


# A whole system per fault-test module (tests/fault/system.py): its own PostgreSQL server, broker and ports.


@pytest.fixture(scope="module")
def system(settings, workdir, request):
    """This module's own whole system, stopped by PID (database server included) at the module's end."""
    from .system import own_system

    with own_system(settings, workdir, request.module.__name__.rsplit(".", 1)[-1]) as s:
        yield s


@pytest.fixture(scope="module")
def targets(system):
    """Charters, a barrier and a running pilot for the write load of this module's system."""
    from .harness import prepare_targets

    return prepare_targets(system)


@pytest.fixture
def revived(system):
    """Each fault test starts from a running system: whatever an earlier test left dead is started again.

    Not part of any test's recovery (that must need no manual action): only keeps one failure from
    cascading into the next test of the module.
    """
    system.revive()
    yield system
