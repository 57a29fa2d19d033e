import pytest
from flask import Flask

from services.gateway.edge import csrf
from services.gateway.edge.auth import client_ip
from shared.config import Settings
from shared.http import RequestRefused, storable

app = Flask(__name__)


def test_the_csrf_token_is_accepted_from_the_header_or_from_a_form_field():
    with app.test_request_context("/", method="POST", headers={"X-CSRF-Token": "t0k"}):
        csrf.require("t0k")
    with app.test_request_context("/", method="POST", data={"csrf_token": "t0k"}):
        csrf.require("t0k")


@pytest.mark.parametrize("kwargs", [{}, {"headers": {"X-CSRF-Token": "other"}}, {"data": {"csrf_token": ""}},
                                    {"json": {"csrf_token": "t0k"}}])
def test_a_write_without_the_sessions_csrf_token_is_refused_with_403(kwargs):
    with app.test_request_context("/", method="POST", **kwargs), pytest.raises(RequestRefused) as refused:
        csrf.require("t0k")

    assert refused.value.status == 403 and refused.value.code == "csrf_failed"


def test_a_form_checked_for_its_csrf_token_can_still_be_read_raw_afterwards():
    with app.test_request_context("/", method="POST", data={"csrf_token": "t0k", "x": "1"}) as ctx:
        csrf.require("t0k")

        assert b"x=1" in ctx.request.get_data()


@pytest.mark.parametrize(("hops", "forwarded", "expected"), [
    (0, "203.0.113.9", "127.0.0.1"), (1, "203.0.113.9", "203.0.113.9"),
    (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"), (2, "198.51.100.1, 203.0.113.9", "198.51.100.1"),
    (2, "203.0.113.9", "127.0.0.1")])
def test_the_client_address_is_taken_only_from_the_trusted_proxies_entries(hops, forwarded, expected):
    with app.test_request_context("/", headers={"X-Forwarded-For": forwarded},
                                  environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        assert client_ip(Settings(trusted_proxy_hops=hops)) == expected


def test_text_postgresql_cannot_store_is_told_apart_from_ordinary_unicode():
    assert storable({"title": "Привет 👋", "tags": ["a", {"k": 1}]})
    assert not storable({"title": "nul \x00 inside"})
    assert not storable(["lone \ud800 surrogate"])
    assert not storable({"key \x00": "value"})
