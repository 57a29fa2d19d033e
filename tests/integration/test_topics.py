"""`charter topics ensure` against the embedded broker: missing topics are made, differing ones reported."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from kafka.admin import NewTopic

from deploy.local.embedded import free_port, start_broker
from deploy.local.stack import ROOT
from deploy.topics import ensure, specs
from shared import kafka
from shared.config import TOPICS, Settings


@pytest.fixture
def admin(broker):
    client = kafka.admin(broker.bootstrap)
    yield client
    client.close()


def names(n: int) -> list[str]:
    return [f"test.topics.{uuid.uuid4().hex[:8]}.v1" for _ in range(n)]


def test_missing_topics_are_created_with_their_configuration_and_then_found_as_specified(admin):
    wanted = specs(Settings.from_env({}, topic_partitions=4), names(2))

    first = ensure(admin, wanted)
    second = ensure(admin, wanted)

    assert [r.status for r in first] == ["created", "created"]
    assert [r.to_dict() for r in second] == [{"topic": s.name, "status": "ok"} for s in wanted]
    described = {t["name"]: t for t in admin.describe_topics([s.name for s in wanted])}
    assert {len(t["partitions"]) for t in described.values()} == {4}


def test_a_topic_made_with_other_partitions_and_retention_is_reported_not_altered(admin):
    [name] = names(1)
    admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1,
                                  topic_configs={"retention.ms": "604800000"})])

    [report] = ensure(admin, specs(Settings.from_env({}), [name]))

    assert report.status == "differs"
    assert report.differences == {"partitions": {"expected": 3, "found": 1},
                                  "retention.ms": {"expected": "-1", "found": "604800000"}}
    # Tansu reports only the configuration a topic was created with: what it was not given, it cannot tell.
    assert sorted(report.not_reported) == ["cleanup.policy", "min.insync.replicas"]
    assert len(admin.describe_topics([name])[0]["partitions"]) == 1


def test_charter_topics_ensure_creates_the_systems_topics_and_exits_non_zero_on_a_differing_one(tmp_path):
    port = free_port()
    own_broker = start_broker(port, tmp_path / "broker.log")  # its own, so the system's topic names are free
    try:
        client = kafka.admin(f"127.0.0.1:{port}")
        client.create_topics([NewTopic(TOPICS["pilots"], num_partitions=2, replication_factor=1)])
        client.close()

        done = subprocess.run(
            [sys.executable, "-m", "deploy.cli", "topics", "ensure"], cwd=tmp_path, capture_output=True, text=True,
            env=os.environ | {"PYTHONPATH": str(ROOT), "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{port}"}, timeout=60)
    finally:
        os.killpg(own_broker.pid, 9)
        own_broker.wait(10)

    assert done.returncode == 1, done.stderr
    reports = {r["topic"]: r for r in json.loads(done.stdout)}
    assert reports[TOPICS["pledge"]]["status"] == reports[TOPICS["knowledge"]]["status"] == "created"
    assert reports[TOPICS["pilots"]]["status"] == "differs"
    assert reports[TOPICS["pilots"]]["differences"]["partitions"] == {"expected": 3, "found": 2}
