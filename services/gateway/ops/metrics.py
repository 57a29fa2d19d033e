"""`GET /metrics`: the gateway's own counts (shared/metrics.py) and the system's health as gauges.

The health figures are those of `/api/v1/status` (one measurement, taken on the probe's thread), so
a scrape never waits on a dependency and the dashboard and the status page never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from shared import metrics

from .health import SystemHealth


class HealthCollector(Collector):
    """Gauges read from the latest health measurement at each scrape."""

    def __init__(self, health: SystemHealth) -> None:
        self.health = health

    def collect(self) -> Iterator[GaugeMetricFamily]:
        status = self.health.probe.latest()
        up = GaugeMetricFamily("charter_part_up", "1 when the part of the system is working, else 0", labels=["part"])
        parked = GaugeMetricFamily("charter_parked_events", "Events a consumer parked, not yet resolved",
                                   labels=["consumer"])
        lag = GaugeMetricFamily("charter_consumer_lag_events",
                                "Events a consumer has yet to apply, from store positions",
                                labels=["consumer", "producer"])
        backlog = GaugeMetricFamily("charter_relay_backlog_events", "Stored events a relay has yet to publish",
                                    labels=["relay"])
        age = GaugeMetricFamily("charter_heartbeat_age_seconds", "Seconds since a process last reported",
                                labels=["process"])
        for name, part in status.get("parts", {}).items():
            up.add_metric([name], 1.0 if part.get("ok") else 0.0)
            if "parked" in part:
                parked.add_metric([name], part["parked"])
            for producer, behind in part.get("lag", {}).items():
                lag.add_metric([name, producer], behind)
            if "backlog" in part:
                backlog.add_metric([name], part["backlog"])
            if "heartbeat_age_s" in part:
                age.add_metric([name], part["heartbeat_age_s"])
        ready = GaugeMetricFamily("charter_ready", "1 when the whole system is ready, else 0")
        ready.add_metric([], 1.0 if status.get("status") == "ok" else 0.0)
        yield from (ready, up, parked, lag, backlog, age)


def blueprint(health: SystemHealth) -> Blueprint:
    """The scrape endpoint: requests and forwarded commands of every worker, and the health gauges."""
    return metrics.blueprint(HealthCollector(health))
