"""Opening the personal fields sealed in events, with data subjects' keys the pledge service lends over HTTP.

The gateway never reads the pledge service's tables: its projector asks `GET /internal/subjects/<id>/key` (with
the internal token) for each sealed event it applies. A 404 means the subject is erased, so the fields read
"erased" — exactly what a replay after the erasure makes of the same event, and what the ErasureCompleted later in
the log makes of it in a live read model that had opened it. A service that cannot be reached or answers 5xx is a
transient failure: `KeysUnavailable` is a psycopg.OperationalError, which the projection retries the batch on
(shared/projection.TRANSIENT), never parking the event. Keys are not kept: one held here would outlive an erasure.
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

SERVICE = "pledge"  # the owner of the key table of the only sealed fields today (signatories')
TIMEOUT = urllib3.Timeout(connect=1.0, read=5.0)


class KeysUnavailable(psycopg.OperationalError):
    """The pledge service could not lend a key right now: retry the batch later, never park for it."""


class Keys(Protocol):
    def key(self, subject_id: str) -> bytes | None: ...


class SubjectKeys:
    """The pledge service's internal key API, on keep-alive connections."""

    def __init__(self, settings: Settings) -> None:
        self.base = settings.service_url(SERVICE)
        self.headers = {"X-Internal-Token": settings.internal_token}
        self.http = urllib3.PoolManager(num_pools=2, maxsize=4, retries=False, timeout=TIMEOUT)

    def key(self, subject_id: str) -> bytes | None:
        """The subject's key; None when the subject is erased."""
        try:
            r = self.http.request("GET", f"{self.base}/internal/subjects/{subject_id}/key", headers=self.headers)
        except urllib3.exceptions.HTTPError as exc:
            raise KeysUnavailable(f"the {SERVICE} service cannot lend keys: {type(exc).__name__}") from None
        if r.status == 404:
            return None
        if r.status == 401:  # a configuration to fix, not bad data: retried until INTERNAL_TOKEN matches
            raise KeysUnavailable(f"the {SERVICE} service refused this process's INTERNAL_TOKEN")
        if r.status != 200:
            raise KeysUnavailable(f"the {SERVICE} service answered {r.status} for a key")
        return sealing.key_bytes(json.loads(r.data)["key"])


_keys: Keys | None = None
_lock = threading.Lock()


def use(keys: Keys | None) -> None:
    """Open sealed fields with `keys` (None: a client built from the environment's settings, when first needed)."""
    global _keys
    _keys = keys


def keys() -> Keys:
    """The key client of this process: each consumer runs the same handlers, so one is made from its settings.

    The deployment's migration, rebuilding read models before any service runs, uses the stored keys instead
    (deploy/migrate.py); nothing else in the gateway reads the pledge schema.
    """
    global _keys
    with _lock:
        if _keys is None:
            _keys = SubjectKeys(Settings.from_env())
        return _keys


def opened(data: Mapping[str, Any], record: str, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields `names` of an event's `data`: in the clear before sealing, opened, or "erased" once the key is gone.

    A sealed value that its subject's key does not open raises SealBroken, so the event is parked, never shown.
    """
    if data.get("sealed") is None:
        return {n: data[n] for n in names}
    key = keys().key(data["subject_id"])
    if key is None:
        return sealing.erased(names)
    fields = sealing.open_sealed(key, data["subject_id"], record, data["sealed"])
    return {n: fields[n] for n in names}
