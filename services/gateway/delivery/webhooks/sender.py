"""Sending queued deliveries: signed, per-stream ordered, retried with full-jitter backoff, then dead-lettered.

All state lives in `gateway_hooks.deliveries`, so a restarted dispatcher carries on where it was: a
delivery is claimed with a lease (a crash mid-send lets the lease lapse and it is sent again —
receivers de-duplicate by X-Charter-Event-Id), and its outcome is recorded with its attempt.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
import urllib3
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from shared import metrics
from shared.backoff import full_jitter_s
from shared.config import Settings

from . import egress, signing

log = logging.getLogger(__name__)

# The head of each (subscription, stream): a later event waits while an earlier one is still pending
# (being tried or waiting to retry); once that one is delivered or dead-lettered, the next may go.
# Copies of the dispatcher claim at once, and a lease must go to one of them only. `heads` reads the table as it
# was when the statement began; a copy that committed its lease since then is waited out by FOR UPDATE, which
# then re-checks only this level's conditions against the row as it is now. So the conditions that make a row
# claimable (pending, not leased) stand again in `due`, or a second copy would lease the row just leased.
# Claims take turns across subscriptions, and no subscription holds more than its share of the
# sending threads, so one slow or dead receiver cannot hold up everyone else's deliveries.
CLAIM = """
WITH heads AS (
    SELECT d.delivery_id, d.subscription_id, d.next_attempt_at,
           row_number() OVER (PARTITION BY d.subscription_id ORDER BY d.next_attempt_at, d.delivery_id) AS turn
    FROM gateway_hooks.deliveries d JOIN gateway_hooks.subscriptions s USING (subscription_id)
    WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND NOT s.paused
      AND (d.leased_until IS NULL OR d.leased_until < now())
      AND NOT EXISTS (SELECT 1 FROM gateway_hooks.deliveries e WHERE e.subscription_id = d.subscription_id
                      AND e.stream_id = d.stream_id AND e.status = 'pending' AND e.version < d.version)
), busy AS (
    SELECT subscription_id, count(*) AS n FROM gateway_hooks.deliveries
    WHERE status = 'pending' AND leased_until >= now() GROUP BY subscription_id
), due AS (
    SELECT d.delivery_id FROM gateway_hooks.deliveries d JOIN heads h USING (delivery_id)
    LEFT JOIN busy b ON b.subscription_id = h.subscription_id
    WHERE h.turn + coalesce(b.n, 0) <= %(share)s
      AND d.status = 'pending' AND (d.leased_until IS NULL OR d.leased_until < now())
    ORDER BY h.turn, h.next_attempt_at, h.delivery_id LIMIT %(limit)s
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE gateway_hooks.deliveries d SET leased_until = now() + make_interval(secs => %(lease_s)s)
FROM due, gateway_hooks.subscriptions s
WHERE d.delivery_id = due.delivery_id AND s.subscription_id = d.subscription_id
RETURNING d.delivery_id, d.event_id, d.body, d.attempts, d.round_start, s.url, s.secret,
    CASE WHEN s.previous_secret_until > now() THEN s.previous_secret END AS previous_secret
"""
RECORD = """
UPDATE gateway_hooks.deliveries SET attempts = attempts + 1, leased_until = NULL, last_response = %(code)s,
    last_error = %(error)s, status = %(status)s,
    delivered_at = CASE WHEN %(status)s = 'delivered' THEN now() END,
    dead_at = CASE WHEN %(status)s = 'dead' THEN now() END,
    next_attempt_at = now() + make_interval(secs => %(retry_s)s)
WHERE delivery_id = %(delivery_id)s
"""
# The subscription may have been deleted while its delivery was in flight: then there is nothing to log.
ATTEMPT = """
INSERT INTO gateway_hooks.attempts (delivery_id, attempt, attempted_at, response_code, error, duration_ms, retry_in_ms)
SELECT %(delivery_id)s, %(attempt)s, %(at)s, %(code)s, %(error)s, %(ms)s, %(retry_ms)s
WHERE EXISTS (SELECT 1 FROM gateway_hooks.deliveries WHERE delivery_id = %(delivery_id)s)
"""


@dataclass(frozen=True)
class Outcome:
    code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


def post(url: str, secret: str, event_id: str, body: bytes, settings: Settings,
         previous_secret: str | None = None) -> Outcome:
    """POST one delivery signed with `secret` (and `previous_secret`, while it is valid) to the address
    checked just now; redirects are not followed."""
    try:
        target = egress.resolve(url, settings.webhook_allow_private)
    except egress.Refused as exc:
        return Outcome(None, f"refused: {exc}")
    tls: dict[str, Any] = {}
    if target.scheme == "https":
        tls = {"server_hostname": target.host, "assert_hostname": target.host}
    cls = urllib3.HTTPSConnectionPool if target.scheme == "https" else urllib3.HTTPConnectionPool
    host = f"[{target.host}]" if ":" in target.host else target.host
    signature = signing.sign(secret, body, int(time.time()), previous_secret)
    headers = {"Host": host if target.port == (443 if target.scheme == "https" else 80) else f"{host}:{target.port}",
               "Content-Type": "application/json", "User-Agent": "InteractiveCharter-Webhooks/1",
               "X-Charter-Event-Id": event_id, signing.HEADER: signature}
    with cls(target.address, target.port, retries=False, timeout=urllib3.Timeout(total=settings.webhook_timeout_s),
             **tls) as pool:
        try:
            response = pool.urlopen("POST", target.path, body=body, headers=headers, redirect=False,
                                    preload_content=False, assert_same_host=False)
            response.release_conn()
            return Outcome(response.status, None)
        except urllib3.exceptions.HTTPError as exc:
            return Outcome(None, type(exc).__name__)


def deliver(pool: ConnectionPool, claim: dict, settings: Settings) -> None:
    """Attempt one claimed delivery and record what happened."""
    started, at = time.monotonic(), datetime.now(UTC)
    outcome = post(claim["url"], claim["secret"], claim["event_id"], claim["body"].encode(), settings,
                   claim["previous_secret"])
    failures = claim["attempts"] - claim["round_start"] + 1
    status = "delivered" if outcome.ok else "dead" if failures >= settings.webhook_max_attempts else "pending"
    metrics.WEBHOOK_DELIVERIES.labels("retrying" if status == "pending" else status).inc()
    retry_s = (full_jitter_s(failures, settings.webhook_backoff_base_s, settings.webhook_backoff_max_s)
               if status == "pending" else 0.0)
    with pool.connection() as conn:
        conn.execute(RECORD, {"code": outcome.code, "error": outcome.error, "status": status, "retry_s": retry_s,
                              "delivery_id": claim["delivery_id"]})
        conn.execute(ATTEMPT, {"delivery_id": claim["delivery_id"], "attempt": claim["attempts"] + 1, "at": at,
                               "code": outcome.code, "error": outcome.error,
                               "ms": round((time.monotonic() - started) * 1000),
                               "retry_ms": round(retry_s * 1000) if status == "pending" else None})


def queue_depth(pool: ConnectionPool) -> metrics.Queried:
    """Deliveries waiting to be sent (due now or retrying later), per subscription state, measured at each scrape."""
    return metrics.Queried(pool, "charter_webhook_queue_depth", "Webhook deliveries pending (due or waiting to retry)",
                           sql.SQL("SELECT count(*) FROM gateway_hooks.deliveries WHERE status = 'pending'"))


def run(pool: ConnectionPool, settings: Settings, stop: threading.Event, idle_s: float = 0.2) -> None:
    """Claim due deliveries and send them on a few threads until `stop` is set; waits for those in flight."""
    lease_s = settings.webhook_timeout_s + 30
    share = max(1, settings.webhook_concurrency // 2)
    in_flight: set = set()
    with ThreadPoolExecutor(settings.webhook_concurrency, thread_name_prefix="webhook") as workers:
        while not stop.is_set():
            in_flight = {f for f in in_flight if not f.done()}
            free = settings.webhook_concurrency - len(in_flight)
            claims = _claim(pool, free, share, lease_s) if free > 0 else []
            in_flight |= {workers.submit(_deliver_logged, pool, c, settings) for c in claims}
            if not claims:
                stop.wait(idle_s)


def _claim(pool: ConnectionPool, limit: int, share: int, lease_s: float) -> list[dict]:
    try:
        with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(CLAIM, {"limit": limit, "share": share, "lease_s": lease_s}).fetchall()
    except (psycopg.OperationalError, PoolTimeout) as exc:
        # The deliveries wait in the database; try again on the next round.
        log.warning("could not claim deliveries", extra={"fields": {"error": repr(exc)}})
        return []


def _deliver_logged(pool: ConnectionPool, claim: dict, settings: Settings) -> None:
    try:
        deliver(pool, claim, settings)
    except Exception:
        # The lease lapses and the delivery is tried again; the dispatcher itself keeps going.
        log.exception("delivery failed unexpectedly", extra={"fields": {"delivery_id": claim["delivery_id"]}})
