"""`Idempotency-Key`, as Stripe's API has it: a repeated command returns its first answer and writes nothing new.

The gateway answers repeats from its own record of each key; a domain service records the key in the
same transaction as the command's append (see EventStore.append), because after a timeout the first
attempt may have committed although nobody saw its answer: the retry then finds the key and gets the
first answer back instead of a second write.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
import time
import uuid

import psycopg
from flask import Flask, Response, g, jsonify, request
from flask.typing import ResponseReturnValue
from psycopg import sql
from werkzeug.exceptions import RequestEntityTooLarge

from .envelope import IdempotencyClaim
from .eventstore import AlreadyApplied, EventStore
from .http import RequestRefused, error

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
HASH_HEADER = "X-Request-Hash"  # the gateway's hash of the request, so a service need not read the body early
REPLAYED = "Idempotent-Replayed"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY = re.compile(r"[\x20-\x7e]{1,255}")
# The first attempt commits its append before it records its reply: a repeat arriving in between waits this long.
REPLY_WAIT_S = 1.0


def header_key() -> str | None:
    """The request's `Idempotency-Key`, None without one; 400 naming the header when it is malformed."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    if not KEY.fullmatch(raw):
        raise RequestRefused(400, "invalid_idempotency_key", f"{HEADER} must be 1 to 255 printable ASCII characters",
                             {HEADER: ["must be 1 to 255 printable ASCII characters"]})
    return raw


def request_hash(method: str, path: str, body: bytes | None) -> str:
    """What makes two requests the same request: method, path (with its query) and body."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body or b""):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def reused() -> tuple[Response, int]:
    """422: the key was already used for a different request."""
    return error(422, "idempotency_key_reused", f"this {HEADER} was already used for a different request;"
                 " use a new key for a new request", {HEADER: ["already used for a different request"]})


def install_service(app: Flask, store: EventStore, ttl_s: int) -> None:
    """Give a domain service's commands idempotency keys, kept in its own schema at least `ttl_s`.

    Install after `shared.http.install`, so that only the gateway's authenticated requests reach it.
    """
    keys = ServiceKeys(store, ttl_s)

    @app.before_request
    def _repeat() -> ResponseReturnValue | None:
        if request.method not in UNSAFE or (key := header_key()) is None:
            return None
        try:
            hashed = request.headers.get(HASH_HEADER) or request_hash(request.method, path_of(), request.get_data())
        except RequestEntityTooLarge:
            return None  # the view refuses the body; nothing is written, so nothing to remember
        g.idempotency = IdempotencyClaim(key, hashed, str(uuid.uuid4()))
        return keys.replay(actor(), g.idempotency, wait_s=0)

    @app.after_request
    def _remember(response: Response) -> Response:
        claim = g.get("idempotency")
        if claim is not None and REPLAYED not in response.headers and response.status_code < 500:
            keys.remember(actor(), claim, response)
        return response

    @app.errorhandler(AlreadyApplied)
    def _applied(exc: AlreadyApplied) -> ResponseReturnValue:
        reply = keys.replay(exc.actor, g.idempotency, wait_s=REPLY_WAIT_S)
        if reply is None:  # its key was found in the append, so its row is there: this cannot happen
            raise exc
        return reply


def actor() -> str:
    """Who the gateway says is acting: keys are kept per actor."""
    return request.headers.get("X-Actor") or "anonymous"


def path_of() -> str:
    """The request's path with its query string, as hashed."""
    query = request.query_string.decode()
    return request.path + (f"?{query}" if query else "")


class ServiceKeys:
    """The keys of one service's applied commands, with the reply each got, in `<schema>.idempotency_keys`."""

    def __init__(self, store: EventStore, ttl_s: int) -> None:
        self.pool, self.ttl_s = store.pool, ttl_s
        self.table = sql.Identifier(store.schema, "idempotency_keys")

    def replay(self, actor: str, claim: IdempotencyClaim, wait_s: float) -> ResponseReturnValue | None:
        """The first answer to this key (422 if it was for another request), or None if it was never applied."""
        deadline = time.monotonic() + wait_s
        while True:
            with self.pool.connection() as conn:
                row = conn.execute(sql.SQL(
                    "SELECT request_hash, status, reply, stream_id, version, position FROM {} WHERE actor = %s"
                    " AND key = %s").format(self.table), [actor, claim.key]).fetchone()
            if row is None:
                return None
            if row[0] != claim.request_hash:
                return reused()
            if row[1] is not None:
                return Response(row[2], status=row[1], mimetype="application/json", headers={REPLAYED: "true"})
            if time.monotonic() >= deadline:
                # Applied, but its reply was never recorded (the process stopped in between): where it landed.
                reply = jsonify({"stream_id": row[3], "version": row[4], "position": row[5]})
                reply.headers[REPLAYED] = "true"
                return reply, 201
            time.sleep(0.05)

    def remember(self, actor: str, claim: IdempotencyClaim, response: Response) -> None:
        """Record the reply of the attempt whose append holds the key (nothing if it appended nothing)."""
        try:
            with self.pool.connection() as conn:
                conn.execute(sql.SQL(
                    "UPDATE {} SET status = %s, reply = %s WHERE actor = %s AND key = %s AND attempt = %s"
                    " AND status IS NULL").format(self.table),
                    [response.status_code, response.get_data(as_text=True), actor, claim.key, claim.attempt])
                if random.random() < 0.01:
                    conn.execute(sql.SQL("DELETE FROM {} WHERE recorded_at < now() - make_interval(secs => %s)")
                                 .format(self.table), [self.ttl_s])
        except psycopg.Error:
            # The write is committed with its key; a repeat then answers with where it landed.
            log.warning("idempotent reply not recorded", exc_info=True)
