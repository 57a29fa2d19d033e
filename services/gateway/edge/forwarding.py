"""Commands sent on to the service that owns them, from the API and the web forms alike: who is acting,
the `Idempotency-Key` (answered here when it is a repeat), and a reply carrying its consistency token."""

from __future__ import annotations

import contextlib
import logging
import time

import psycopg
from flask import g, jsonify

from shared import metrics
from shared.http import RequestRefused
from shared.idempotency import HASH_HEADER, HEADER, REPLAYED, request_hash

from ..identity.accounts import Accounts
from ..identity.idempotency import IdempotencyKeys, Seen
from .auth import client_ip, current_actor, current_roles
from .consistency import token_for
from .leads import refuse_unknown_leads
from .services import Reply, Services

log = logging.getLogger(__name__)

# Answers that are not final: nothing was written and the same request may well succeed later.
NOT_FINAL = frozenset({408, 409, 425, 429})
# A claim outlives the longest forward by this much, then lapses (a gateway that died mid-forward).
CLAIM_MARGIN_S = 5.0


class Forwarder:
    """Sends commands on as the acting account, each at most once per `Idempotency-Key`."""

    def __init__(self, services: Services, keys: IdempotencyKeys, accounts: Accounts) -> None:
        self.services, self.keys, self.accounts = services, keys, accounts

    def headers(self, content_type: str | None = None, method: str | None = None,
                path: str | None = None) -> dict[str, str]:
        """Who is acting (in the command `method path`, if given) and in answer to what, as every service reads it."""
        headers = {"X-Actor": current_actor(method, path), "X-Actor-Roles": current_roles(),
                   "X-Request-Id": g.request_id,
                   "X-Correlation-Id": g.correlation_id, "X-Forwarded-For": client_ip(self.services.settings)}
        return headers | ({"Content-Type": content_type} if content_type else {})

    def command(self, service: str, method: str, path: str, body: bytes | None, content_type: str | None,
                key: str | None, extra_headers: dict[str, str] | None = None, wait_s: float = 0) -> Reply:
        """Send a command on; with `key`, a repeat of an answered request gets the first answer back instead.

        A repeat arriving while the first is in flight waits up to `wait_s` for its answer, then gets 409.
        Leads that are not accounts are refused here, before anything is sent or claimed.
        """
        try:
            refuse_unknown_leads(self.accounts, service, body, content_type)
            reply = self._command(service, method, path, body, content_type, key, extra_headers, wait_s)
        except RequestRefused as refused:
            metrics.FORWARDED.labels(service, "unknown", metrics.outcome(refused.status)).inc()
            raise
        metrics.FORWARDED.labels(service, reply.headers.get(metrics.COMMAND_HEADER, "unknown"),
                                 "replayed" if REPLAYED in reply.headers else metrics.outcome(reply.status)).inc()
        return reply

    def _command(self, service: str, method: str, path: str, body: bytes | None, content_type: str | None,
                 key: str | None, extra_headers: dict[str, str] | None, wait_s: float) -> Reply:
        headers = self.headers(content_type, method, path) | (extra_headers or {})
        if key is None:
            return self.services.command(service, path, body, headers, method=method)
        account, hashed = current_actor(method, path), request_hash(method, path, body)
        hold_s, deadline = self.services.settings.forward_timeout_s + CLAIM_MARGIN_S, time.monotonic() + wait_s
        while (seen := self.keys.claim(account, key, hashed, hold_s)) is not None:
            if not (seen.same_request and seen.status is None and time.monotonic() < deadline):
                return repeated(seen)
            time.sleep(0.1)
        try:
            reply = self.services.command(service, path, body, headers | {HEADER: key, HASH_HEADER: hashed},
                                          method=method)
        except BaseException:
            self._release(account, key)
            raise
        if reply.status >= 500 or reply.status in NOT_FINAL:
            self._release(account, key)
        else:
            self.keys.answer(account, key, reply.status, reply.body)
        return reply

    def _release(self, account: str, key: str) -> None:
        # If the gateway's own database is out of reach too, the claim lapses by itself after its hold.
        with contextlib.suppress(psycopg.Error):
            self.keys.release(account, key)


def repeated(seen: Seen) -> Reply:
    """The first answer to a repeated request; 422 if the key was another request's, 409 while it is in flight."""
    if not seen.same_request:
        raise RequestRefused(422, "idempotency_key_reused", f"this {HEADER} was already used for a different"
                             " request; use a new key for a new request", {HEADER: ["already used for a different"
                                                                                    " request"]})
    if seen.status is None:
        raise RequestRefused(409, "idempotency_in_progress", f"a request with this {HEADER} is still being"
                             " handled; retry once it has answered", {HEADER: ["a request with it is in flight"]},
                             headers={"Retry-After": "1"})
    return Reply(seen.status, seen.body or {}, {REPLAYED: "true"})


def forwarded(reply: Reply):
    """The service's reply as the API answers it: a write carries the consistency token that reads its result."""
    body = reply.body
    if 200 <= reply.status < 300 and "stream_id" in body and "version" in body:
        body = body | {"consistency_token": token_for(body["stream_id"], body["version"])}
    response = jsonify(body)
    response.headers.update(reply.headers)
    return response, reply.status


# Room for a multipart form's boundaries and alt text around an image of the maximum size.
FORM_OVERHEAD = 64 * 1024
