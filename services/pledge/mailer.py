"""The mail seam: signature and membership links queued in `pledge.outgoing_mail`, in development shown instead."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

class Mailer:
    """Queues verification mail in the caller's transaction, so a link exists exactly when its event does.

    In dev mode no mail leaves the machine: the recipient is not stored, and the links are shown by
    `GET /dev/verification-links/<id>`; the log names the signature only (never the address nor a token).
    Otherwise the row keeps the recipient for the delivery worker (mail_delivery.py), which blanks it once the
    message is sent or given up on: an address is held only as long as it is needed.
    """

    def __init__(self, schema: str, public_url: str, dev_mode: bool) -> None:
        self._t = sql.Identifier(schema)
        self.public_url = public_url.rstrip("/")
        self.dev_mode = dev_mode

    def send_verification(self, conn: psycopg.Connection, signature_id: str, email: str, token: str,
                          withdrawal_token: str | None = None) -> None:
        """Queue the message that carries the signature's verification and withdrawal links to `email`."""
        link = self._link(signature_id, "verify", token)
        withdrawal_link = self._link(signature_id, "withdraw", withdrawal_token) if withdrawal_token else None
        conn.execute(
            sql.SQL("INSERT INTO {}.outgoing_mail (signature_id, recipient, link, withdrawal_link)"
                    " VALUES (%s, %s, %s, %s)").format(self._t),
            [signature_id, None if self.dev_mode else email.strip(), link, withdrawal_link],
        )
        if self.dev_mode:
            log.info("verification mail queued (dev mode: not sent; GET /dev/verification-links/<id> shows it)",
                     extra={"fields": {"signature_id": signature_id}})

    def send_membership(self, conn: psycopg.Connection, membership_id: str, email: str, token: str) -> None:
        """Queue the message whose link confirms an account's membership of an organisation."""
        link = f"{self.public_url}/memberships/{membership_id}/confirm?{urlencode({'token': token})}"
        conn.execute(
            sql.SQL("INSERT INTO {}.outgoing_mail (signature_id, recipient, link, purpose)"
                    " VALUES (%s, %s, %s, 'membership')").format(self._t),
            [membership_id, None if self.dev_mode else email.strip(), link],
        )
        if self.dev_mode:
            log.info("membership mail queued (dev mode: not sent; GET /dev/verification-links/<id> shows it)",
                     extra={"fields": {"membership_id": membership_id}})

    def forget_recipients(self, conn: psycopg.Connection, signature_ids: tuple[str, ...]) -> None:
        """An erased signatory's unsent signature mail is given up on, its address blanked (the links stay)."""
        conn.execute(
            sql.SQL("UPDATE {}.outgoing_mail SET recipient = NULL, given_up_at = coalesce(given_up_at, now())"
                    " WHERE signature_id = ANY(%s) AND purpose = 'signature' AND recipient IS NOT NULL")
            .format(self._t), [list(signature_ids)])

    def _link(self, signature_id: str, page: str, token: str) -> str:
        return f"{self.public_url}/signatures/{signature_id}/{page}?{urlencode({'token': token})}"

    def latest_links(self, conn: psycopg.Connection, signature_id: str) -> tuple[str, str | None] | None:
        """The links of the most recent mail queued for a signature (verify, withdraw), or None."""
        row = conn.execute(
            sql.SQL("SELECT link, withdrawal_link FROM {}.outgoing_mail WHERE signature_id = %s"
                    " ORDER BY mail_id DESC LIMIT 1").format(self._t),
            [signature_id],
        ).fetchone()
        return (row[0], row[1]) if row else None
