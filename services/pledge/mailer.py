"""The mail seam: verification links queued in `pledge.outgoing_mail`, and in development shown instead of sent."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

class Mailer:
    """Queues verification mail in the caller's transaction, so a link exists exactly when its event does.

    In dev mode no mail leaves the machine: the recipient is not stored, and the link goes to the
    service log (with the signature id, never the address) and to `GET /dev/verification-links/<id>`.
    Otherwise the row keeps the recipient for the delivery worker (mail_delivery.py), which blanks it once the
    message is sent or given up on: an address is held only as long as it is needed.
    """

    def __init__(self, schema: str, public_url: str, dev_mode: bool) -> None:
        self._t = sql.Identifier(schema)
        self.public_url = public_url.rstrip("/")
        self.dev_mode = dev_mode

    def send_verification(self, conn: psycopg.Connection, signature_id: str, email: str, token: str) -> None:
        """Queue the message that carries the signature's verification link to `email`."""
        link = f"{self.public_url}/signatures/{signature_id}/verify?{urlencode({'token': token})}"
        conn.execute(
            sql.SQL("INSERT INTO {}.outgoing_mail (signature_id, recipient, link) VALUES (%s, %s, %s)")
            .format(self._t),
            [signature_id, None if self.dev_mode else email.strip(), link],
        )
        if self.dev_mode:
            log.info("verification link (dev mode: not sent)",
                     extra={"fields": {"signature_id": signature_id, "link": link}})

    def latest_link(self, conn: psycopg.Connection, signature_id: str) -> str | None:
        """The most recent verification link queued for a signature, or None."""
        row = conn.execute(
            sql.SQL("SELECT link FROM {}.outgoing_mail WHERE signature_id = %s ORDER BY mail_id DESC LIMIT 1")
            .format(self._t),
            [signature_id],
        ).fetchone()
        return row[0] if row else None
