"""Parked events across the system, for admins: the one place the admin API, its page and `charter parked` meet.

The gateway's own consumers (the projector, the webhook dispatcher) park in the gateway's schemas,
which it reads itself; the domain services' subscriptions park in their own schemas, which only
they read, so the gateway asks them over their internal `/parked` endpoints.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from shared import parking

from ..delivery.webhooks.schema import SCHEMA as HOOKS_SCHEMA
from ..edge.services import Services
from ..projector import SCHEMA

# Where parked events live: the gateway's own schemas by name, and the services that have consumers.
OWN = {"gateway": SCHEMA, "webhooks": HOOKS_SCHEMA}
SERVICES = ("pilots", "knowledge")
STORES = (*OWN, *SERVICES)


class ParkedEvents:
    """List parked events and pass operators' retry and skip requests to the consumer that parked each one."""

    def __init__(self, pool, services: Services) -> None:
        self.pool, self.services = pool, services

    def listing(self, include_resolved: bool = False) -> list[dict[str, Any]]:
        """Every parked event (open ones, unless `include_resolved`), each naming the `store` it is parked in."""
        found = []
        with self.pool.connection() as conn:
            for store, schema in OWN.items():
                found += [p | {"store": store} for p in parking.listing(conn, schema, include_resolved)]
        for service in SERVICES:
            found += [_timestamps(p) | {"store": service} for p in self.services.parked(service, include_resolved)]
        return sorted(found, key=lambda p: str(p["parked_at"]))

    def request(self, store: str, parked_id: int, action: str, by: str, reason: str = "") -> None:
        """Ask for a retry or a skip; raises parking.ParkedRequestRefused when it cannot be taken."""
        if store in OWN:
            with self.pool.connection() as conn:
                parking.request(conn, OWN[store], parked_id, action, by, reason)
            return
        reply = self.services.command(store, f"/parked/{parked_id}/{action}",
                                      json.dumps({"by": by, "reason": reason}).encode(),
                                      {"Content-Type": "application/json"})
        if reply.status >= 300:
            raise parking.ParkedRequestRefused(reply.status, reply.body.get("code", "refused"),
                                               reply.body.get("message", "the request was refused"))


def _timestamps(parked: dict[str, Any]) -> dict[str, Any]:
    # A service's JSON gives RFC 3339 text where the gateway's own rows give datetimes: make them alike.
    return parked | {k: datetime.fromisoformat(parked[k].replace("Z", "+00:00"))
                     for k in ("parked_at", "last_tried_at", "resolved_at") if isinstance(parked.get(k), str)}
