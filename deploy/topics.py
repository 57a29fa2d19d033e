"""`charter topics ensure`: create the three topics with their configuration, and report any that differ.

A deployment step, not a service's: the topics are infrastructure every producer and consumer shares, so
they are made (and checked) once, before the services start, by `make run` and by the production
deployment's topics job. A relay still creates its own topic when it finds none (a memory-only broker
restarted), so this step is what makes the configuration explicit, not what makes the system work.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from shared import kafka
from shared.config import TOPICS, Settings


@dataclass(frozen=True)
class TopicSpec:
    """What a topic should be: its partitions, its replication factor and its topic-level configuration."""

    name: str
    partitions: int
    replication_factor: int
    configs: dict[str, str]


@dataclass
class TopicReport:
    """What `ensure` found of one topic: created, ok or differs, and what the broker would not tell."""

    topic: str
    status: str = "ok"
    differences: dict[str, dict[str, Any]] = field(default_factory=dict)
    not_reported: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"topic": self.topic, "status": self.status}
        if self.differences:
            body["differences"] = self.differences
        if self.not_reported:
            body["not_reported_by_broker"] = self.not_reported
        return body


def specs(settings: Settings, names: list[str] | None = None) -> list[TopicSpec]:
    """The configuration every topic of the system gets: keep everything, never compact, as replicated as set."""
    configs = {"retention.ms": "-1", "cleanup.policy": "delete",
               "min.insync.replicas": str(settings.topic_min_insync_replicas)}
    return [TopicSpec(name, settings.topic_partitions, settings.topic_replication_factor, configs)
            for name in (names if names is not None else list(TOPICS.values()))]


def ensure(client: KafkaAdminClient, wanted: list[TopicSpec]) -> list[TopicReport]:
    """Create each missing topic as specified and compare each existing one with its spec; nothing is altered.

    A difference is reported, never repaired: adding partitions moves keys to other partitions (a stream's
    events would no longer stay in one), and lowering replication is an operator's decision.
    """
    existing = {t["name"]: t for t in client.describe_topics() if t["error_code"] == 0}
    reports = []
    for spec in wanted:
        if spec.name in existing:
            reports.append(compare(client, spec, existing[spec.name]))
        else:
            reports.append(_create(client, spec))
    return reports


def compare(client: KafkaAdminClient, spec: TopicSpec, described: dict[str, Any]) -> TopicReport:
    """How an existing topic differs from its spec; configuration the broker does not report is listed as such."""
    report = TopicReport(spec.name)
    partitions = described["partitions"]
    found = {"partitions": len(partitions),
             "replication_factor": max((len(p["replica_nodes"]) for p in partitions), default=0)}
    for key in ("partitions", "replication_factor"):
        if found[key] != getattr(spec, key):
            report.differences[key] = {"expected": getattr(spec, key), "found": found[key]}
    reported = _configs(client, spec.name)
    for key, expected in spec.configs.items():
        if key not in reported:
            report.not_reported.append(key)
        elif reported[key] != expected:
            report.differences[key] = {"expected": expected, "found": reported[key]}
    report.status = "differs" if report.differences else "ok"
    return report


def _configs(client: KafkaAdminClient, topic: str) -> dict[str, str]:
    # "all", not the default "modified": the embedded broker (Tansu) marks the values a topic was created with as
    # defaults, and reports only those it was given; a key missing here is one the broker did not report.
    described = client.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)], config_filter="all")
    entries = described.get("topic", {}).get(topic, {})
    return {key: entry["value"] for key, entry in entries.items() if entry.get("value") is not None}


def _create(client: KafkaAdminClient, spec: TopicSpec) -> TopicReport:
    try:
        client.create_topics([NewTopic(spec.name, num_partitions=spec.partitions,
                                       replication_factor=spec.replication_factor, topic_configs=spec.configs)])
    except TopicAlreadyExistsError:  # another deployment step made it meanwhile: check that one instead
        return compare(client, spec, client.describe_topics([spec.name])[0])
    return TopicReport(spec.name, status="created")


def ensure_all(settings: Settings) -> list[TopicReport]:
    """Ensure the system's topics on the broker `settings` names, with this process's connection options."""
    client = kafka.admin(settings.kafka_bootstrap_servers)
    try:
        return ensure(client, specs(settings))
    finally:
        with contextlib.suppress(KafkaError):
            client.close()


def add_commands(areas: argparse._SubParsersAction) -> None:
    """The `topics` area of the `charter` command line."""
    topics = areas.add_parser("topics", help="create the topics with their configuration, or check them")
    sub = topics.add_subparsers(dest="command", required=True)
    sub.add_parser("ensure", help="create missing topics; report (exit 1) any whose configuration differs")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """`charter topics ensure`: one JSON report per topic; exit 1 when any differs from its spec."""
    reports = ensure_all(settings)
    print(json.dumps([r.to_dict() for r in reports], indent=2))
    return 1 if any(r.status == "differs" for r in reports) else 0
