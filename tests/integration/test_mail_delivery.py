"""Verification mail leaves through a real SMTP relay, is retried when the relay refuses, and the address is
forgotten once the mail is sent or given up on."""

from __future__ import annotations

import logging
import socket
import uuid
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from psycopg import sql

from services.pledge import mail_delivery, migrations
from services.pledge.mailer import Mailer
from shared.config import Settings


class Relay:
    """An SMTP relay that refuses the first `refusals` messages with a temporary failure, then accepts."""

    def __init__(self, refusals: int = 0) -> None:
        self.refusals, self.received = refusals, []

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refusals:
            self.refusals -= 1
            return "451 4.3.0 try again later"
        self.received.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def relay_at():
    """Start an SMTP relay on loopback; every one started is stopped."""
    started = []

    def start(refusals: int = 0) -> tuple[Relay, int]:
        relay, port = Relay(refusals), free_port()
        controller = Controller(relay, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        return relay, port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def queue(pool, schema):
    """The pledge service's mail queue in a fresh schema, and a way to queue a signature's mail as signing does."""
    with pool.connection() as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        migrations.migrate(conn, schema)
    mailer = Mailer(schema, "https://charter.example.org", dev_mode=False)

    def enqueue(address: str) -> str:
        signature_id = str(uuid.uuid4())
        with pool.connection() as conn:
            mailer.send_verification(conn, signature_id, address, f"token-{signature_id}")
        return signature_id

    return enqueue


def mail_row(pool, schema: str, signature_id: str) -> dict:
    with pool.connection() as conn:
        cur = conn.execute(sql.SQL("SELECT recipient, sent_at, attempts, given_up_at FROM {} WHERE signature_id = %s")
                           .format(sql.Identifier(schema, "outgoing_mail")), [signature_id])
        return dict(zip([c.name for c in cur.description], cur.fetchone(), strict=True))


def settings_for(port: int, **overrides) -> Settings:
    return Settings(**({"smtp_host": "127.0.0.1", "smtp_port": port, "mail_backoff_base_s": 0.0} | overrides))


def test_a_signatory_receives_the_verification_link_and_the_address_is_then_forgotten(pool, schema, queue, relay_at):
    relay, port = relay_at()
    signature_id = queue("Chief.Executive@Leeds.gov.uk")

    assert mail_delivery.deliver_one(pool, settings_for(port), schema)

    [(recipients, mail)] = relay.received
    assert recipients == ["Chief.Executive@Leeds.gov.uk"]
    text = mail.get_payload(decode=True).decode().replace("\r\n", "\n")
    assert f"https://charter.example.org/signatures/{signature_id}/verify?token=token-{signature_id}" in text
    # The page that, once the signature is confirmed, links to the proof that it is in the public record.
    assert f"public record, which\nanyone can check without trusting this site:\n\n" \
           f"https://charter.example.org/signatures/{signature_id}\n" in text
    row = mail_row(pool, schema, signature_id)
    assert row["recipient"] is None and row["sent_at"] is not None
    assert not mail_delivery.deliver_one(pool, settings_for(port), schema)  # sent once, never again


def test_a_membership_claim_mails_its_confirmation_link_saying_what_it_is_for_and_forgets_the_address(
        pool, schema, queue, relay_at, caplog):
    relay, port = relay_at()
    membership_id = str(uuid.uuid4())
    with pool.connection() as conn:
        Mailer(schema, "https://charter.example.org", dev_mode=False).send_membership(
            conn, membership_id, "sam.lead@wakefield.gov.uk", "token-m")
    caplog.set_level(logging.INFO)

    assert mail_delivery.deliver_one(pool, settings_for(port), schema)

    [(recipients, mail)] = relay.received
    text = mail.get_payload(decode=True).decode().replace("\r\n", "\n")
    assert recipients == ["sam.lead@wakefield.gov.uk"] and "belong to your organisation" in mail["Subject"]
    assert f"https://charter.example.org/memberships/{membership_id}/confirm?token=token-m" in text
    assert "withdraw" not in text and mail_row(pool, schema, membership_id)["recipient"] is None
    ours = [r for r in caplog.records if r.name == mail_delivery.__name__]  # the relay's own log names everyone
    assert ours and all("wakefield" not in str(vars(r)) for r in ours)
    assert any(getattr(r, "fields", {}).get("membership_id") == membership_id for r in ours)


def test_a_relay_that_refuses_at_first_gets_the_mail_on_a_later_attempt(pool, schema, queue, relay_at):
    relay, port = relay_at(refusals=2)
    signature_id = queue("director@kent.gov.uk")

    for _ in range(3):
        mail_delivery.deliver_one(pool, settings_for(port), schema)

    assert [recipients for recipients, _ in relay.received] == [["director@kent.gov.uk"]]
    assert mail_row(pool, schema, signature_id)["attempts"] == 3


def test_a_retry_waits_for_its_backoff(pool, schema, queue, relay_at):
    relay, port = relay_at(refusals=1)
    queue("director@kent.gov.uk")
    patient = settings_for(port, mail_backoff_base_s=3600.0, mail_backoff_max_s=3600.0)

    mail_delivery.deliver_one(pool, patient, schema)
    # full jitter may draw a delay near zero; one draw in a million is below 3.6 ms
    due_again = mail_delivery.deliver_one(pool, patient, schema)

    assert not due_again and relay.received == []


def test_mail_the_relay_never_takes_is_given_up_and_no_log_line_names_the_address(pool, schema, queue, caplog):
    unreachable = free_port()
    signature_id = queue("ceo@bristol.gov.uk")
    caplog.set_level(logging.INFO)

    attempts = [mail_delivery.deliver_one(pool, settings_for(unreachable, mail_max_attempts=2), schema)
                for _ in range(3)]

    assert attempts == [True, True, False]
    row = mail_row(pool, schema, signature_id)
    assert row["given_up_at"] is not None and row["recipient"] is None
    logged = " ".join(f"{r.getMessage()} {getattr(r, 'fields', '')}" for r in caplog.records)
    assert signature_id in logged and "bristol" not in logged
