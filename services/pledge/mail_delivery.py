"""Sending queued verification mail through an SMTP relay: `python -m services.pledge.mail_delivery`.

The queue is `pledge.outgoing_mail`, written in the same transaction as the signature's event, so a
mail exists exactly when its signature does. A message is claimed with a row lock, sent, and its
recipient blanked; a relay that refuses or is unreachable is retried with backoff, and after
`mail_max_attempts` the message is given up on and its address blanked too. Logs name the
signature, never the address.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from email.message import EmailMessage

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from shared import metrics, process
from shared.backoff import Backoff, full_jitter_s
from shared.config import Settings
from shared.heartbeat import Heartbeat
from shared.logging import configure

from .migrations import SCHEMA

log = logging.getLogger(__name__)

CLAIM = """
SELECT mail_id, signature_id, recipient, link, attempts, withdrawal_link, purpose FROM {t}
WHERE recipient IS NOT NULL AND sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= now()
ORDER BY mail_id LIMIT 1 FOR UPDATE SKIP LOCKED
"""
SENT = "UPDATE {t} SET sent_at = now(), recipient = NULL, attempts = attempts + 1, last_error = NULL WHERE mail_id = %s"
FAILED = """
UPDATE {t} SET attempts = attempts + 1, last_error = %(error)s,
    next_attempt_at = now() + make_interval(secs => %(retry_s)s),
    given_up_at = CASE WHEN %(give_up)s THEN now() END,
    recipient = CASE WHEN %(give_up)s THEN NULL ELSE recipient END
WHERE mail_id = %(mail_id)s
"""


def message(settings: Settings, recipient: str, link: str, withdrawal_link: str | None = None) -> EmailMessage:
    """The verification mail: its link, what it is for, what to do if it was not you, and how to withdraw later."""
    hours = round(settings.signature_token_ttl_s / 3600)
    return _mail(settings, recipient, "Confirm your organisation's signature of the Interactive Charter",
        "Someone signed the Interactive Charter on behalf of an organisation, naming you as its signatory.\n\n"
        f"To confirm the signature, open this link within {hours} hours:\n\n{link}\n\n"
        "Until it is confirmed, the signature does not count. If this was not you, ignore this message:\n"
        "nothing will be published in your name, and this address is not kept once this mail is sent.\n\n"
        "Once confirmed, the signature's page links to the proof that it is in the public record, which\n"
        f"anyone can check without trusting this site:\n\n{link.partition('/verify?')[0]}\n"
        + (f"\nTo withdraw the signature later, open this link (keep it; it needs no account):\n\n{withdrawal_link}\n"
           if withdrawal_link else ""))


def membership_message(settings: Settings, recipient: str, link: str) -> EmailMessage:
    """The membership mail: its link, what it is for, and what to do if it was not you."""
    hours = round(settings.signature_token_ttl_s / 3600)
    return _mail(settings, recipient, "Confirm that you belong to your organisation on the Interactive Charter",
        "Someone with an account on the Interactive Charter said this address shows they belong to an\n"
        "organisation, so that they may act for it (for example, run its pilots).\n\n"
        f"If that was you, open this link within {hours} hours while signed in:\n\n{link}\n\n"
        "If it was not you, ignore this message: nothing changes, and this address is not kept once this mail\n"
        "is sent.\n")


def _mail(settings: Settings, recipient: str, subject: str, text: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = settings.mail_from, recipient, subject
    mail.set_content(text)
    return mail


def send(settings: Settings, mail: EmailMessage) -> None:
    """Hand one message to the relay; raises on refusal or when the relay cannot be reached."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(mail)


def deliver_one(pool: ConnectionPool, settings: Settings, schema: str = SCHEMA) -> bool:
    """Send the oldest due message, recording the outcome; False when nothing is due."""
    t = sql.Identifier(schema, "outgoing_mail")
    with pool.connection() as conn:
        row = conn.execute(sql.SQL(CLAIM).format(t=t)).fetchone()
        if row is None:
            return False
        mail_id, signature_id, recipient, link, attempts, withdrawal_link, purpose = row
        fields = {"signature_id" if purpose == "signature" else "membership_id": signature_id, "attempt": attempts + 1}
        try:
            send(settings, message(settings, recipient, link, withdrawal_link) if purpose == "signature"
                 else membership_message(settings, recipient, link))
        except (OSError, smtplib.SMTPException) as exc:
            give_up = attempts + 1 >= settings.mail_max_attempts
            retry_s = full_jitter_s(attempts + 1, settings.mail_backoff_base_s, settings.mail_backoff_max_s)
            conn.execute(sql.SQL(FAILED).format(t=t), {"error": _reason(exc), "retry_s": retry_s,
                                                        "give_up": give_up, "mail_id": mail_id})
            metrics.MAIL.labels("given_up" if give_up else "retrying").inc()
            log.warning("verification mail given up" if give_up else "verification mail failed, will retry",
                        extra={"fields": fields | {"error": _reason(exc)}})
            return True
        conn.execute(sql.SQL(SENT).format(t=t), [mail_id])
        metrics.MAIL.labels("sent").inc()
        log.info("verification mail sent", extra={"fields": fields})
        return True


def queue_depth(pool: ConnectionPool, schema: str = SCHEMA) -> metrics.Queried:
    """Verification mail waiting to be sent (due now or retrying later), measured at each scrape."""
    query = sql.SQL("SELECT count(*) FROM {} WHERE recipient IS NOT NULL AND sent_at IS NULL AND given_up_at IS NULL")
    return metrics.Queried(pool, "charter_mail_queue_depth", "Verification mail waiting to be sent",
                           query.format(sql.Identifier(schema, "outgoing_mail")))


def _reason(exc: Exception) -> str:
    # An SMTP reply can quote the recipient back ("550 <someone@…> unknown"): keep only its code.
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__} {exc.smtp_code}"
    return type(exc).__name__


def run(pool: ConnectionPool, settings: Settings, stop: threading.Event, idle_s: float = 1.0,
        heartbeat: Heartbeat | None = None) -> None:
    """Deliver until `stop` is set, resting `idle_s` whenever nothing is due, and waiting out a database outage."""
    backoff = Backoff(0.5, 10.0)
    while not stop.is_set():
        try:
            if not deliver_one(pool, settings):
                stop.wait(idle_s)
            backoff.reset()
            if heartbeat is not None:
                heartbeat.progress(state="delivering", last_error=None)
        except (psycopg.OperationalError, PoolTimeout) as exc:  # the queue waits in the database: try again later
            delay = backoff.next_s()
            log.warning("database unavailable, retrying", extra={"fields": {"error": type(exc).__name__,
                                                                             "retry_s": round(delay, 2)}})
            if heartbeat is not None:
                heartbeat.progress(state="retrying", last_error=type(exc).__name__)
            stop.wait(delay)


def main() -> None:
    """Run the delivery worker until SIGTERM or SIGINT."""
    settings = Settings.from_env()
    configure("pledge-mail", settings.log_level)
    if not settings.smtp_host:
        log.warning("SMTP_HOST is not set: verification mail stays queued until it is")
        return
    stop = process.stop_on_signals()
    pool = process.open_pool(settings, "pledge-mail", stop, max_size=1)
    if pool is None:
        return
    beat = Heartbeat(settings.database_url, SCHEMA, "pledge-mail", settings.heartbeat_s).start()
    metrics.serve(settings, queue_depth(pool))
    log.info("mail delivery started", extra={"fields": {"relay": f"{settings.smtp_host}:{settings.smtp_port}"}})
    try:
        run(pool, settings, stop, heartbeat=beat)
    finally:
        beat.stop()
        pool.close()


if __name__ == "__main__":
    main()
