"""Reading a topic back the way an independent subscriber would: its own consumer, from the start."""

from __future__ import annotations

import json
import time

from kafka import KafkaConsumer, TopicPartition


def read_topic(bootstrap: str, topic: str, expected: int, timeout_s: float = 30) -> list[dict]:
    """Every envelope on the topic, read with a fresh group-less consumer until `expected` arrive."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest")
    try:
        deadline = time.monotonic() + timeout_s
        partitions = None
        while partitions is None and time.monotonic() < deadline:
            partitions = consumer.partitions_for_topic(topic)
            if partitions is None:
                time.sleep(0.1)
        consumer.assign([TopicPartition(topic, p) for p in partitions or ()])
        consumer.seek_to_beginning()
        seen: list[dict] = []
        while len(seen) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=200).values():
                seen += [json.loads(r.value) for r in batch]
        # A moment more, so duplicates beyond `expected` would be noticed too.
        for batch in consumer.poll(timeout_ms=500).values():
            seen += [json.loads(r.value) for r in batch]
        return seen
    finally:
        consumer.close()
