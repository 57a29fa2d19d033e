"""The gateway's forward never answers a generic 500: a service out of reach is 503 "not delivered", one that
does not answer in time 504 "outcome unknown", both with Retry-After."""

from __future__ import annotations

import socket

import pytest

from services.gateway.edge.services import Services
from shared.config import Settings
from shared.http import RequestRefused


def services_on(port: int) -> Services:
    return Services(Settings(pledge_port=port, internal_token="t", db_pool_timeout_s=0.1, db_lock_timeout_ms=100,
                             db_statement_timeout_ms=100, forward_margin_s=0.2))


def test_a_service_nobody_listens_for_is_not_delivered():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again at once: nothing listens there

    with pytest.raises(RequestRefused) as refused:
        services_on(port).command("pledge", "/charters", b"{}", {"Content-Type": "application/json"})

    assert (refused.value.status, refused.value.code) == (503, "not_delivered")
    assert refused.value.headers["Retry-After"] == "2"


def test_a_service_that_takes_longer_than_its_own_deadline_leaves_the_outcome_unknown():
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        services = services_on(silent.getsockname()[1])

        with pytest.raises(RequestRefused) as refused:
            services.command("pledge", "/charters", b"{}", {"Content-Type": "application/json"})

    assert (refused.value.status, refused.value.code) == (504, "outcome_unknown")
    assert "Idempotency-Key" in refused.value.message
    assert refused.value.headers["Retry-After"] == "2"
