"""Prometheus metrics of every process: what each one counts, and how a scrape reads them.

Counting costs a few microseconds in memory and never a database round trip; what needs a query (a
relay's backlog, a queue's depth) is measured only when Prometheus scrapes. Under gunicorn every
worker writes its counts to files in `PROMETHEUS_MULTIPROC_DIR` (deploy/gunicorn.conf.py makes a
fresh one per master), so a scrape answered by any worker reports the whole service. A background
process serves its own figures on `metrics_port` (see `serve`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from typing import Any

import psycopg
from flask import Blueprint, Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from psycopg import sql
from psycopg.abc import QueryNoTemplate
from psycopg_pool import ConnectionPool, PoolTimeout

from .config import TOPICS, Settings

log = logging.getLogger(__name__)

# A domain service names the command it handled in this reply header, so the gateway counts by type too.
COMMAND_HEADER = "X-Charter-Command"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Blueprints of a domain service that take no commands: health, its log, parked events, its documents.
NOT_COMMANDS = frozenset({"health", "log", "parked", "openapi", "metrics"})

HTTP_REQUESTS = Counter("charter_http_requests", "HTTP requests answered, by route (the URL rule), method and status",
                        ["route", "method", "status"])
HTTP_SECONDS = Histogram("charter_http_request_duration_seconds", "Time to answer an HTTP request, by route and method",
                         ["route", "method"],
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
COMMANDS = Counter("charter_commands", "Commands a domain service handled, by command type and outcome",
                   ["type", "outcome"])
FORWARDED = Counter("charter_forwarded_commands", "Commands the gateway forwarded, by service, type and outcome",
                    ["service", "type", "outcome"])
RELAY_PUBLISHED = Counter("charter_relay_published_events", "Events a relay published and the broker acknowledged",
                          ["topic"])
CONSUMER_APPLIED = Counter("charter_consumer_applied_events", "Events a consumer applied to its read model or view",
                           ["group", "topic"])
CONSUMER_PARKED = Counter("charter_consumer_parked", "Times a consumer parked an event (a first failure or a retry's)",
                          ["group", "topic"])
WEBHOOK_DELIVERIES = Counter("charter_webhook_delivery_attempts", "Webhook delivery attempts, by outcome"
                             " (delivered, retrying, dead)", ["outcome"])
MAIL = Counter("charter_mail_attempts", "Verification mail sending attempts, by outcome (sent, retrying, given_up)",
               ["outcome"])


def outcome(status: int) -> str:
    """A reply's status as a command outcome, in a handful of words (so labels stay few)."""
    if 200 <= status < 300:
        return "accepted"
    named = {400: "invalid", 413: "invalid", 415: "invalid", 422: "invalid", 401: "denied", 403: "denied",
             404: "not_found", 409: "refused", 429: "limited", 503: "unavailable", 504: "unavailable"}
    return named.get(status, "refused" if status < 500 else "error")


def command_type(endpoint: str) -> str:
    """`pledge.drafting.propose_draft` -> `ProposeDraft`: a command route's view is named for its command."""
    return "".join(word.capitalize() for word in endpoint.rsplit(".", 1)[-1].split("_"))


def observe_request(response: Response, started: float, now: float) -> None:
    """Count one answered request by its URL rule, never its path: ids and secrets in paths never become labels."""
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    HTTP_REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    HTTP_SECONDS.labels(route, request.method).observe(now - started)


def count_commands(app: Flask) -> None:
    """Count a domain service's commands by type and outcome, and name each one in its reply for the gateway."""

    @app.after_request
    def _counted(response: Response) -> Response:
        endpoint = request.endpoint
        if request.method in SAFE_METHODS or not endpoint or endpoint.split(".", 1)[0] in NOT_COMMANDS:
            return response
        kind = command_type(endpoint)
        replayed = g.get("idempotency") is not None and "Idempotent-Replayed" in response.headers
        COMMANDS.labels(kind, "replayed" if replayed else outcome(response.status_code)).inc()
        response.headers[COMMAND_HEADER] = kind
        return response


def applied(group: str, by_producer: dict[str, int]) -> None:
    """Count the events a consumer applied in one batch, per topic (each producer has one)."""
    for producer, n in by_producer.items():
        CONSUMER_APPLIED.labels(group, TOPICS.get(producer, "other")).inc(n)


def parked(group: str, env: dict[str, Any]) -> None:
    """Count one event parked by a consumer, under its topic."""
    CONSUMER_PARKED.labels(group, TOPICS.get(str(env.get("producer")), "other")).inc()


class Queried(Collector):
    """One gauge measured by a query at each scrape, never on a request's or a batch's path.

    The query's rows are its label values followed by the value. When the database is out of reach
    the gauge is left out of that scrape (and `charter_part_up` at the gateway says why).
    """

    def __init__(self, pool: ConnectionPool, name: str, documentation: str, query: QueryNoTemplate,
                 labels: Iterable[str] = (), params: Iterable[Any] = ()) -> None:
        self.pool, self.name, self.documentation = pool, name, documentation
        self.query, self.labels, self.params = query, list(labels), list(params)

    def describe(self) -> list:
        return []  # nothing to check for clashes, and no query at registration

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            with self.pool.connection(timeout=1) as conn:
                rows = conn.execute(self.query, self.params).fetchall()
        except (psycopg.Error, PoolTimeout) as exc:
            log.debug("metric not measured", extra={"fields": {"metric": self.name, "error": type(exc).__name__}})
            return
        family = GaugeMetricFamily(self.name, self.documentation, labels=self.labels)
        for *label_values, value in rows:
            family.add_metric([str(v) for v in label_values], float(value or 0))
        yield family


def relay_backlog(pool: ConnectionPool, schema: str, topic: str) -> Queried:
    """A relay's backlog: stored events it has yet to publish (the store's head less its checkpoint)."""
    query = sql.SQL("SELECT %s, h.position - coalesce((SELECT position FROM {s}.relay_checkpoint WHERE topic = %s), 0)"
                    " FROM {s}.head h").format(s=sql.Identifier(schema))
    return Queried(pool, "charter_relay_backlog_events", "Stored events this relay has yet to publish", query,
                   ["topic"], [topic, topic])


class _Scrape(Collector):
    """What a scrape reads: every gunicorn worker's counts (or this process's), and any extra collectors."""

    def __init__(self, extra: Iterable[Collector]) -> None:
        path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        self.sources = [multiprocess.MultiProcessCollector(None, path) if path else REGISTRY, *extra]

    def describe(self) -> list:
        return []

    def collect(self) -> Iterator:
        for source in self.sources:
            yield from source.collect()


def registry(*extra: Collector) -> CollectorRegistry:
    """A registry for one scrape endpoint: the process's (or service's) counts, and `extra` collectors."""
    reg = CollectorRegistry(auto_describe=False)
    reg.register(_Scrape(extra))
    return reg


def blueprint(*extra: Collector) -> Blueprint:
    """`GET /metrics` of an HTTP service, unauthenticated like `/healthz` (see shared/http.py PUBLIC_PATHS)."""
    bp = Blueprint("metrics", __name__)
    reg = registry(*extra)

    @bp.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(reg), content_type=CONTENT_TYPE_LATEST)

    return bp


def serve(settings: Settings, *extra: Collector) -> int | None:
    """Serve a background process's metrics over HTTP; the port it took, or None when off or none was free.

    The rule, so copies on one machine never collide: with `metrics_port` 0 (the default) nothing is
    served; otherwise the process takes the first free port from `metrics_port` to
    `metrics_port + metrics_port_span - 1`, and logs it. In a container every process has its own
    network namespace, so one port (span 1) serves all; on one machine a span as wide as the number of
    background processes lets each find its own.
    """
    if settings.metrics_port <= 0:
        return None
    reg = registry(*extra)
    for port in range(settings.metrics_port, settings.metrics_port + max(1, settings.metrics_port_span)):
        try:
            start_http_server(port, addr=settings.metrics_host, registry=reg)
        except OSError:
            continue
        log.info("metrics served", extra={"fields": {"port": port, "host": settings.metrics_host}})
        return port
    log.warning("no free port for metrics", extra={"fields": {"from": settings.metrics_port,
                                                               "span": settings.metrics_port_span}})
    return None
