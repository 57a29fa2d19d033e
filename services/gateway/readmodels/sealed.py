"""Opening the personal fields sealed in events, with data subjects' keys their owning service lends over HTTP.

The gateway never reads another service's tables: its projector asks the event's producer (pledge for signatories,
pilots for sponsors) `GET /internal/subjects/<id>/key` (with the internal token) for each sealed event it applies.
A 404 means the subject is erased, so the fields read "erased" — exactly what a replay after the erasure makes of
the same event, and what the ErasureCompleted later in the log makes of it in a live read model that had opened it.
A service that cannot be reached or answers 5xx is a transient failure: `KeysUnavailable` is a
psycopg.OperationalError, which the projection retries the batch on (shared/projection.TRANSIENT), never parking
the event. Keys are not kept: one held here would outlive an erasure.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any, Protocol

import psycopg
import urllib3

from shared import sealing
from shared.config import Settings

TIMEOUT = urllib3.Timeout(connect=1.0, read=5.0)


class KeysUnavailable(psycopg.OperationalError):
    """The owning service could not lend a key right now: retry the batch later, never park for it."""


class Keys(Protocol):
    def key(self, service: str, subject_id: str) -> bytes | None: ...


class SubjectKeys:
    """The domain services' internal key API, on keep-alive connections."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.headers = {"X-Internal-Token": settings.internal_token}
        self.http = urllib3.PoolManager(num_pools=2, maxsize=4, retries=False, timeout=TIMEOUT)

    def key(self, service: str, subject_id: str) -> bytes | None:
        """The key of one of `service`'s subjects; None when the subject is erased."""
        url = f"{self.settings.service_url(service)}/internal/subjects/{subject_id}/key"
        try:
            r = self.http.request("GET", url, headers=self.headers)
        except urllib3.exceptions.HTTPError as exc:
            raise KeysUnavailable(f"the {service} service cannot lend keys: {type(exc).__name__}") from None
        if r.status == 404 and "subject_id" in _errors(r.data):  # the key table's answer, not a missing route
            return None
        if r.status == 401:  # a configuration to fix, not bad data: retried until INTERNAL_TOKEN matches
            raise KeysUnavailable(f"the {service} service refused this process's INTERNAL_TOKEN")
        if r.status != 200:
            raise KeysUnavailable(f"the {service} service answered {r.status} for a key")
        return sealing.key_bytes(json.loads(r.data)["key"])


def _errors(body: bytes) -> dict[str, Any]:
    try:
        return json.loads(body).get("errors") or {}
    except (ValueError, AttributeError):
        return {}


_keys: Keys | None = None
_lock = threading.Lock()


def use(keys: Keys | None) -> None:
    """Open sealed fields with `keys` (None: a client built from the environment's settings, when first needed)."""
    global _keys
    _keys = keys


def keys() -> Keys:
    """The key client of this process: each consumer runs the same handlers, so one is made from its settings.

    Those are the running system's (what `make run` recorded in .data/run.env, overridden by the environment), so
    `charter audit replay` typed in a shell reaches the services with their internal token as the projector does.
    The deployment's migration, rebuilding read models before any service runs, uses the stored keys instead
    (deploy/migrate.py); nothing else in the gateway reads another service's schema.
    """
    global _keys
    with _lock:
        if _keys is None:
            from ..audit.cli import settings as running_settings  # here: the audit tools import the read models

            _keys = SubjectKeys(running_settings())
        return _keys


def opened(env: Mapping[str, Any], record: str, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields `names` of an event: in the clear before sealing, opened, or "erased" once the key is gone.

    The key is asked of the event's producer. A sealed value that its subject's key does not open raises
    SealBroken, so the event is parked, never shown.
    """
    data = env["data"]
    if data.get("sealed") is None:
        return {n: data[n] for n in names}
    key = keys().key(env["producer"], data["subject_id"])
    if key is None:
        return sealing.erased(names)
    fields = sealing.open_sealed(key, data["subject_id"], record, data["sealed"])
    return {n: fields[n] for n in names}
