"""The whole system's health: `/healthz` (liveness), `/readyz` and `/api/v1/status` (readiness, part by part).

Each part is a thing an operator can act on: the gateway's database, the broker, each domain
service, each process that keeps the log moving (relays, the projector's lanes, subscriptions,
the webhook dispatcher, mail delivery). Lag and backlog are measured from the stores' own
positions (a store's head against what a relay published, or a consumer applied), never from
broker offsets. The system is degraded when any part is: a process silent for a few seconds or
stuck retrying a dependency, a relay halted on a broken chain, a parked event, or a lag over the
threshold for longer than the grace period.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import psycopg
from flask import Blueprint, jsonify
from marshmallow import INCLUDE, Schema, fields, validate
from psycopg_pool import PoolTimeout

from shared.config import TOPICS, Settings
from shared.health import Bounded, Probe, broker_ok, schema_report
from shared.openapi import ANYONE
from shared.openapi import Blueprint as ApiBlueprint

from ..delivery.webhooks.dispatcher import GROUP as DISPATCHER
from ..delivery.webhooks.schema import SCHEMA as HOOKS_SCHEMA
from ..edge.services import Services
from ..projector import GROUP as PROJECTOR
from ..projector import SCHEMA

PRODUCER_OF = {topic: producer for producer, topic in TOPICS.items()}
# The processes that must be reporting, where each reports. Others (mail delivery) show when they do.
EXPECTED = {
    SCHEMA: [f"{PROJECTOR}.{topic}" for topic in TOPICS.values()],
    HOOKS_SCHEMA: [DISPATCHER],
    "pledge": ["pledge-relay"],
    "knowledge": ["knowledge-relay", "knowledge-subscriptions"],
    "pilots": ["pilots-relay", "pilots-subscriptions"],
}


class SystemHealth:
    """Measures every part once a second (on the probe's thread) and remembers how long each lag has lasted."""

    def __init__(self, pool, services: Services, settings: Settings) -> None:
        self.pool, self.services, self.settings = pool, services, settings
        self._lagging_since: dict[str, float] = {}
        self._bounded = Bounded(1.5)
        self.probe = Probe(self.measure, settings.heartbeat_s, settings.heartbeat_stale_s)

    def measure(self) -> dict[str, Any]:
        """One look at every part."""
        measured_at = datetime.now(UTC)
        parts: dict[str, dict[str, Any]] = {}
        reports: dict[str, dict[str, Any]] = {}
        try:
            reports |= self._bounded(self._own_reports)
            parts["database"] = {"ok": True}
        except TimeoutError:
            parts["database"] = {"ok": False, "problem": f"the gateway's database does not answer within"
                                                         f" {self._bounded.timeout_s:g}s"}
        except (psycopg.Error, PoolTimeout) as exc:
            parts["database"] = {"ok": False,
                                 "problem": f"the gateway's database cannot be reached ({type(exc).__name__})"}
        broker = broker_ok(self.settings.kafka_bootstrap_servers)
        parts["broker"] = {"ok": broker} | ({} if broker else {"problem": "no broker accepts connections"})
        heads: dict[str, int] = {}
        for service, ready in self.services.readiness().items():
            parts[service] = _service_part(service, ready)
            if "head_position" in ready:
                heads[service] = parts[service]["head_position"] = ready["head_position"]
                reports[service] = ready
                parts[f"{service}-relay"] = {"backlog": ready["head_position"] - ready["relayed_position"]} | (
                    {"ok": False, "problem": f"halted at position {ready['relay_halted_at']}: "
                                             f"{ready['relay_halted_reason']}"}
                    if ready.get("relay_halted_at") is not None else {})
        for schema, names in EXPECTED.items():
            if schema in reports:
                self._processes(parts, names, reports[schema], heads)
        for name, part in parts.items():
            part.setdefault("ok", True)
            self._grace(name, part)
        problems = [f"{name}: {part['problem']}" for name, part in parts.items() if not part["ok"]]
        return {"status": "degraded" if problems else "ok", "measured_at": measured_at, "problems": problems,
                "parts": parts}

    def _own_reports(self) -> dict[str, dict[str, Any]]:
        with self.pool.connection(timeout=1) as conn:
            return {schema: schema_report(conn, schema) for schema in (SCHEMA, HOOKS_SCHEMA)}

    def _processes(self, parts: dict, expected: list[str], report: dict, heads: dict[str, int]) -> None:
        copies: dict[str, list[dict]] = {}
        for beat in report.get("processes", []):
            copies.setdefault(beat["process"], []).append(beat)
        parked = report.get("parked", {})
        applied = report.get("applied", {})
        held = report.get("held") or {"events": 0, "oldest_s": 0.0}
        for name in dict.fromkeys([*expected, *copies]):
            part = parts.setdefault(name, {})
            if not copies.get(name):
                part |= {"ok": False, "problem": "has never reported"}
                continue
            fresh = [b for b in copies[name] if b["age_s"] <= self.settings.heartbeat_stale_s]
            # A process runs as one copy or several: it is well while any copy reports and none is stuck. The
            # rows of dead copies are left out (their writers' successors delete them after a minute).
            beats = fresh or [min(copies[name], key=lambda b: b["age_s"])]
            beat = next((b for b in beats if b["details"].get("state") in ("publishing", "halted")), beats[0])
            details = beat["details"]
            part |= {"pid": beat["pid"], "heartbeat_age_s": min(b["age_s"] for b in beats),
                     "state": details.get("state"), "copies": len(fresh)}
            consumer = name.split(".", 1)[0]
            topics = details.get("topics") or []
            if topics:
                part["lag"] = {PRODUCER_OF[t]: max(heads[PRODUCER_OF[t]] - applied.get(PRODUCER_OF[t], 0), 0)
                               for t in topics if PRODUCER_OF.get(t) in heads}
                part["parked"] = parked.get(consumer, 0)
            stalled = max(b["stalled_s"] for b in beats)
            retrying = next((b["details"] for b in beats if b["details"].get("state") == "retrying"), None)
            if not fresh:
                part |= {"ok": False, "problem": f"has not reported for {beat['age_s']:.0f}s"}
            elif stalled > self.settings.heartbeat_stale_s:
                part |= {"ok": False, "problem": f"its loop has not moved for {stalled:.0f}s"}
            elif retrying is not None:
                part |= {"ok": False, "problem": f"cannot reach a dependency ({retrying.get('last_error')})"}
            elif part.get("parked"):
                part |= {"ok": False, "problem": f"{part['parked']} parked event(s) wait for an operator"}
            elif topics and held["events"] and held["oldest_s"] > self.settings.lag_grace_s:
                part |= {"ok": False, "problem": f"{held['events']} event(s) wait behind a missing one, the oldest"
                                                 f" for {held['oldest_s']:.0f}s"}
            if topics:
                part["held"] = held["events"]

    def _grace(self, name: str, part: dict[str, Any]) -> None:
        behind = max([part.get("backlog", 0), *part.get("lag", {}).values()])
        if behind <= self.settings.lag_threshold:
            self._lagging_since.pop(name, None)
            return
        since = self._lagging_since.setdefault(name, time.monotonic())
        if part["ok"] and time.monotonic() - since > self.settings.lag_grace_s:
            part |= {"ok": False, "problem": f"{behind} events behind for over {self.settings.lag_grace_s:g}s"}


def _service_part(service: str, ready: dict[str, Any]) -> dict[str, Any]:
    if not ready.get("reachable"):
        return {"ok": False, "problem": f"the {service} service does not answer ({ready.get('error')})"}
    if ready.get("status") != "ok":
        missing = [what for what in ("database", "broker") if ready.get(what) is False]
        why = f"cannot reach its {' or '.join(missing)}" if missing else "is not ready"
        return {"ok": False, "problem": f"the {service} service {why}"}
    return {"ok": True}


class Part(Schema):
    """How one part is: `ok`, and when not the `problem`; a consumer's `lag` and `parked`, a relay's `backlog`."""

    class Meta:
        unknown = INCLUDE

    ok = fields.Boolean(required=True)
    problem = fields.String(metadata={"description": "what is wrong, in a sentence"})


class SystemStatus(Schema):
    """The whole system's readiness, part by part, as last measured."""

    status = fields.String(required=True, validate=validate.OneOf(["ok", "degraded"]))
    measured_at = fields.DateTime(required=True)
    problems = fields.List(fields.String(), required=True, metadata={"description": "each part's problem"})
    parts = fields.Dict(keys=fields.String(), values=fields.Nested(Part), required=True,
                        metadata={"description": "by part: database, broker, each service, relay and consumer"})


def status_blueprint(health: SystemHealth) -> ApiBlueprint:
    """`GET /api/v1/status`: how the whole system is, part by part, for everyone (operators, integrators)."""
    bp = ApiBlueprint("status", __name__, area="Operations")

    @bp.get("/api/v1/status")
    @bp.response(200, SystemStatus)
    @bp.refuses("unavailable")
    @bp.requires(ANYONE)
    def system_status():
        """Read how the system is

        Every part of the system as last measured (every few seconds): the database, the broker, each service,
        relay and consumer, with each problem in a sentence. `status` is `degraded` while any part is not ok;
        the reply is still 200, since the system answers. Open to everyone.
        """
        return jsonify(health.probe.latest())

    return bp


def health_blueprint(health: SystemHealth) -> Blueprint:
    """`/healthz` answers while this process does; `/readyz` says how the whole system is."""
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    @bp.get("/readyz")
    def readyz():
        status = health.probe.latest()
        return jsonify(status), 200 if status["status"] == "ok" else 503

    return bp

