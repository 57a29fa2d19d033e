"""Reading the whole log: from each service's store (through its internal API) and from its topic."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import urllib3
from kafka import KafkaConsumer, TopicPartition

from shared import kafka
from shared.config import Settings
from shared.signing import Keyring

Progress = Callable[[int], None]


def keyring_line(settings: Settings) -> str:
    """An export's first line: the public keys its events verify under (tools/verify_proof.py reads it)."""
    return json.dumps({"keyring": Keyring.load(settings.trusted_keys_file).to_dict()}, separators=(",", ":")) + "\n"


class LogUnavailable(RuntimeError):
    """A service's store could not be read: it is out of reach, or refused to list its events."""


def stored_events(settings: Settings, service: str, progress: Progress | None = None,
                  after: int = 0) -> Iterator[dict]:
    """Every envelope in a service's store after position `after`, in position order, paged through `/events`."""
    http = urllib3.PoolManager(retries=urllib3.Retry(3, backoff_factor=0.2))
    while True:
        try:
            r = http.request("GET", f"{settings.service_url(service)}/events",
                             fields={"after": str(after), "limit": "5000"},
                             headers={"X-Internal-Token": settings.internal_token}, timeout=30)
        except urllib3.exceptions.HTTPError as exc:
            raise LogUnavailable(f"{service} is out of reach ({type(exc).__name__})") from None
        if r.status != 200:
            raise LogUnavailable(f"{service} refused to list its events: {r.status} {r.data[:200]!r}")
        page = json.loads(r.data)["events"]
        yield from page
        if progress:
            progress(len(page))
        if len(page) < 5000:
            return
        after = page[-1]["position"]


def stream_events(settings: Settings, service: str, stream_id: str) -> list[dict]:
    """One stream's envelopes from the service that stores it, in version order."""
    try:
        r = urllib3.request("GET", f"{settings.service_url(service)}/events", fields={"stream_id": stream_id},
                            headers={"X-Internal-Token": settings.internal_token}, timeout=10)
    except urllib3.exceptions.HTTPError as exc:
        raise LogUnavailable(f"{service} is out of reach ({type(exc).__name__})") from None
    if r.status != 200:
        raise LogUnavailable(f"{service} refused to list stream {stream_id}: {r.status}")
    return json.loads(r.data)["events"]


def topic_events(bootstrap: str, topic: str, until_position: int, timeout_s: float = 30,
                 progress: Progress | None = None) -> list[dict]:
    """Every record on a topic, read from the beginning by a group-less consumer of our own.

    The broker's end offsets cannot be trusted to count records (the embedded one under-reports
    them), so reading stops once the store's head position has been seen, or after `timeout_s`
    without it — which then shows up as missing events.
    """
    consumer = KafkaConsumer(**kafka.process_options(), bootstrap_servers=bootstrap, group_id=None,
                             enable_auto_commit=False, auto_offset_reset="earliest", max_poll_records=5000)
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        consumer.seek_to_beginning()
        seen: list[dict] = []
        positions: set[int] = set()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not _complete(positions, until_position):
            batch = [json.loads(r.value) for rs in consumer.poll(timeout_ms=200).values() for r in rs]
            seen += batch
            positions.update(e["position"] for e in batch)
            if progress and batch:
                progress(len(batch))
        return seen
    finally:
        consumer.close()


def _complete(positions: set[int], until: int) -> bool:
    return len(positions) >= until and (until == 0 or max(positions) >= until)
