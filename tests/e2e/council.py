"""A council system, as the tests act it out: a webhook receiver of its own and a live-stream reader."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import urllib3


@dataclass(frozen=True)
class Request:
    """One delivery as the receiver saw it, and what it answered."""

    at: float
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def envelope(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A council's webhook endpoint on a free loopback port: answers 500 to each event's first `fail_each`
    deliveries (to every delivery while `always_fail`), then 200."""

    fail_each: int = 0
    always_fail: bool = False
    requests: list[Request] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver._answer(self.headers.get("X-Charter-Event-Id", ""))
                with receiver._lock:
                    receiver.requests.append(Request(time.time(), dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/charter-events"

    def _answer(self, event_id: str) -> int:
        with self._lock:
            tried = sum(1 for r in self.requests if r.headers.get("X-Charter-Event-Id") == event_id)
        return 500 if self.always_fail or tried < self.fail_each else 200

    def of_streams(self, *stream_ids: str) -> list[Request]:
        """The requests carrying events of these streams, in arrival order."""
        with self._lock:
            return [r for r in self.requests if r.envelope["stream_id"] in stream_ids]

    def wait_for(self, accepted: int, *stream_ids: str, timeout_s: float = 30) -> list[Request]:
        """Wait until `accepted` deliveries of these streams were answered 200; all their requests."""
        deadline = time.monotonic() + timeout_s
        while sum(r.status == 200 for r in self.of_streams(*stream_ids)) < accepted and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.of_streams(*stream_ids)


def eventually(check: Callable[[], object], timeout_s: float = 30) -> object:
    """The first truthy result of `check`, retried until the time is up (then its last result)."""
    deadline = time.monotonic() + timeout_s
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return result


@dataclass(frozen=True)
class StreamedEvent:
    id: int
    envelope: dict


class EventStream:
    """A live-stream connection (`text/event-stream`), read event by event as a browser's EventSource would."""

    def __init__(self, base_url: str, last_event_id: int | None = None, *, retry_busy: bool = True,
                 **filters: str) -> None:
        headers = {"Accept": "text/event-stream"} | ({"Last-Event-ID": str(last_event_id)}
                                                       if last_event_id is not None else {})
        self.http = urllib3.PoolManager()
        for _ in range(20):
            self.response = self.http.request("GET", base_url + "/api/v1/events/stream", fields=filters or None,
                                              headers=headers, preload_content=False,
                                              timeout=urllib3.Timeout(connect=5, read=10))
            if self.response.status != 503 or not retry_busy:
                break
            # Every slot is taken (a stream the previous test left is still closing): back off, as
            # the server's Retry-After asks an EventSource to.
            self.response.release_conn()
            time.sleep(float(self.response.headers.get("Retry-After", "1")))
        self.status, self.retry_ms, self.comments = self.response.status, None, []
        self._blocks = self._read_blocks()

    def ready(self) -> EventStream:
        """Wait for the stream's first line (`retry:`): from then on, where it starts is fixed."""
        self.retry_ms = int(next(self._blocks)["retry"])
        return self

    def events(self) -> Iterator[StreamedEvent | None]:
        """Events as they arrive (None for a heartbeat), until the server ends the stream."""
        for block in self._blocks:
            yield StreamedEvent(int(block["id"]), json.loads(block["data"])) if "data" in block else None

    def take(self, until: Callable[[list[StreamedEvent]], bool], timeout_s: float = 30) -> list[StreamedEvent]:
        """Events until `until(events so far)` holds (or the stream ends or the time is up)."""
        seen: list[StreamedEvent] = []
        deadline = time.monotonic() + timeout_s
        for event in self.events():
            seen += [event] if event else []
            if (event and until(seen)) or time.monotonic() > deadline:
                break
        return seen

    def _read_blocks(self) -> Iterator[dict[str, str]]:
        fields: dict[str, str] = {}
        for raw in self.response:
            line = raw.decode().rstrip("\r\n")
            if line.startswith(":"):
                self.comments.append(line)
            elif line:
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")
            else:
                yield fields
                fields = {}

    def close(self) -> None:
        self.response.release_conn()
        self.response.close()
