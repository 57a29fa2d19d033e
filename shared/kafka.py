"""Kafka clients configured the way every process here needs them."""

from __future__ import annotations

import contextlib
import functools
import json
import time
from pathlib import Path
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError, UnknownTopicOrPartitionError

from .config import Settings


def producer(bootstrap: str) -> KafkaProducer:
    """An idempotent producer waiting for every in-sync replica (acks=all)."""
    return KafkaProducer(
        **process_options(),
        bootstrap_servers=bootstrap,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        batch_size=512 * 1024,
        max_request_size=4 * 1024 * 1024,
        max_block_ms=5000,  # a dead broker fails a send in seconds, so the relay can back off or stop
        allow_auto_create_topics=False,  # see `consumer`
    )


def consumer(bootstrap: str, topics: list[str], group_id: str | None, **extra: Any) -> KafkaConsumer:
    """A consumer from the earliest offset with short group timeouts (joins take ~3 s, not ~23 s).

    Record values are raw bytes; `decode` turns one into its envelope.
    """
    options: dict[str, Any] = dict(
        **process_options(),
        bootstrap_servers=bootstrap,
        group_id=group_id,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        # Clients never ask for a topic to be made: `ensure_topic` makes topics, with their partitions and
        # retention, not the broker's defaults.
        allow_auto_create_topics=False,
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
        # Also the rebalance timeout: how long a join waits for members that do not rejoin. A broker replaced
        # under a group can keep a member that is gone for that long, and kafka-python's 300 s left a new
        # consumer unassigned for minutes. A batch never takes 10 s; a copy that does (waiting out a database
        # outage) leaves the group and rejoins, and what it held is redelivered and skipped.
        max_poll_interval_ms=10000,
        # A join the broker never answers (the embedded one sometimes leaves a rejoin right after a re-created
        # topic unanswered) is given up after max(this, rebalance timeout + 5 s) and sent again.
        request_timeout_ms=10000,
        max_poll_records=5000,
        # A topic re-created on a fresh broker may come back with other partitions (the embedded broker makes a
        # missing topic, with its own default count, when a consumer asks for it): metadata this fresh finds them.
        metadata_max_age_ms=5000,
        fetch_max_bytes=16 * 1024 * 1024,
    )
    options.update(extra)
    c = KafkaConsumer(**options)
    if topics:
        c.subscribe(topics)
    return c


def encode(envelope: dict[str, Any]) -> bytes:
    """The wire form of an envelope: compact UTF-8 JSON."""
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def decode(value: bytes) -> dict[str, Any]:
    """The envelope in a record value."""
    return json.loads(value)


def admin(bootstrap: str) -> KafkaAdminClient:
    """An admin client for topic management."""
    return KafkaAdminClient(**process_options(), bootstrap_servers=bootstrap, request_timeout_ms=5000)


def connection_options(settings: Settings) -> dict[str, Any]:
    """The client options that make a connection as `settings` say: security protocol, TLS files, SASL, client id."""
    options: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    for option, value in (("ssl_cafile", settings.kafka_ssl_cafile), ("ssl_certfile", settings.kafka_ssl_certfile),
                          ("ssl_keyfile", settings.kafka_ssl_keyfile), ("client_id", settings.kafka_client_id)):
        if value:
            options[option] = value
    if settings.kafka_sasl_mechanism:
        secret = settings.kafka_sasl_password_file
        password = Path(secret).read_text().strip() if secret else ""
        options |= {"sasl_mechanism": settings.kafka_sasl_mechanism,
                    "sasl_plain_username": settings.kafka_sasl_username, "sasl_plain_password": password}
    return options


@functools.cache
def process_options() -> dict[str, Any]:
    """This process's connection options, read once from its environment, for every client it makes.

    How a process reaches the brokers (TLS, SASL) is the process's, not any one caller's: resolving it here, once,
    means no producer, consumer or admin client can be built without it, wherever in the code it is built.
    """
    return connection_options(Settings.from_env())


def topic_id(client: KafkaAdminClient, topic: str) -> str | None:
    """The broker's id of a topic, or None when the topic does not exist."""
    try:
        described = client.describe_topics([topic])
    except UnknownTopicOrPartitionError:
        return None
    for t in described:
        if t["name"] == topic and t["error_code"] == 0:
            return str(t["topic_id"])
    return None


def ensure_topic(client: KafkaAdminClient, topic: str, partitions: int) -> str:
    """Create the topic if missing (keeping everything: retention.ms=-1) and return its id."""
    if (found := topic_id(client, topic)) is not None:
        return found
    with contextlib.suppress(TopicAlreadyExistsError):
        client.create_topics(
            [NewTopic(topic, num_partitions=partitions, replication_factor=1, topic_configs={"retention.ms": "-1"})]
        )
    return topic_id(client, topic) or ""


class TopicWatch:
    """Tells, at most every `every_s`, whether any of `topics` was re-created (its id changed) since last asked."""

    def __init__(self, bootstrap: str, topics: list[str], every_s: float = 2.0) -> None:
        self.bootstrap, self.topics, self.every_s = bootstrap, topics, every_s
        self._admin: KafkaAdminClient | None = None
        self._ids: dict[str, str] | None = None
        self._due = 0.0

    def changed(self) -> bool:
        # Only a topic seen again under another id counts: while a replaced broker comes up, a topic is
        # briefly missing (no id), and taking that for a change would make a new consumer every round.
        if time.monotonic() < self._due:
            return False
        self._due = time.monotonic() + self.every_s
        try:
            self._admin = self._admin or admin(self.bootstrap)
            ids = {t: found for t in self.topics if (found := topic_id(self._admin, t)) is not None}
        except KafkaError:  # the broker is away: the consumer's own errors deal with that
            self.close()
            return False
        known = self._ids or {}
        recreated = any(t in known and known[t] != found for t, found in ids.items())
        self._ids = known | ids
        return recreated

    def close(self) -> None:
        if self._admin is not None:
            with contextlib.suppress(Exception):
                self._admin.close()
        self._admin = None
