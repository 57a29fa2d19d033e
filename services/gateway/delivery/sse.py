"""`GET /api/v1/events/stream`: the live event stream as server-sent events, resumable with Last-Event-ID.

Each event's SSE id is its `seq` in the gateway's feed (projections/feed.py), so a client that
reconnects with `Last-Event-ID: n` receives exactly the events after n that match its filter.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

from flask import Blueprint, Response, request
from psycopg_pool import ConnectionPool

from shared.config import Settings
from shared.db import one
from shared.http import RequestRefused, error

from .filters import EventFilter

BATCH = 200
HEAD = "SELECT coalesce(max(seq), 0) FROM feed"
READ = """
SELECT seq, envelope FROM feed
WHERE seq > %(after)s AND seq <= %(head)s
  AND (%(topics)s::text[] IS NULL OR topic = ANY(%(topics)s::text[]))
  AND (%(types)s::text[] IS NULL OR type = ANY(%(types)s::text[]))
  AND (%(organisation)s::text IS NULL OR organisations @> ARRAY[%(organisation)s::text])
ORDER BY seq LIMIT %(limit)s
"""


def blueprint(pool: ConnectionPool, settings: Settings) -> Blueprint:
    """The stream route; at most `sse_max_streams` streams at once in this process."""
    bp = Blueprint("events_stream", __name__, url_prefix="/api/v1/events")
    # A stream holds one of this worker's threads for its whole life; the cap keeps the rest for
    # ordinary requests, and the bounded duration hands the thread back to clients in turn.
    slots = threading.BoundedSemaphore(settings.sse_max_streams)

    @bp.get("/stream")
    def stream():
        flt, after = query_filter(), last_event_id()
        if not slots.acquire(blocking=False):
            retry = str(max(1, round(settings.sse_poll_s * 4)))
            body, status = error(503, "too_many_streams", "every stream slot is taken; reconnect shortly")
            return body, status, {"Retry-After": retry}
        if after is None:
            after = _head(pool)
        response = Response(events(pool, settings, flt, after), mimetype="text/event-stream",
                            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        response.call_on_close(slots.release)
        return response

    return bp


def query_filter() -> EventFilter:
    """The filter in the query string (comma-separated or repeated), or a 400 naming the bad parameter."""
    lists = {name: [v.strip() for raw in request.args.getlist(name) for v in raw.split(",") if v.strip()]
             for name in ("topics", "types")}
    flt = EventFilter.of(lists["topics"], lists["types"], request.args.get("organisation"))
    if problems := flt.problems():
        raise RequestRefused(400, "invalid_query", "the stream's filter names unknown topics or types", problems)
    return flt


def last_event_id() -> int | None:
    """Where to resume: after the `Last-Event-ID` header (or `last_event_id` parameter); None means from now."""
    raw = request.headers.get("Last-Event-ID", request.args.get("last_event_id"))
    if raw is None or raw.strip() == "":
        return None
    if not raw.strip().isdigit():
        raise RequestRefused(400, "invalid_query", "Last-Event-ID must be an id this stream sent",
                             {"Last-Event-ID": ["not an event id of this stream"]})
    return int(raw)


def events(pool: ConnectionPool, settings: Settings, flt: EventFilter, after: int) -> Iterator[str]:
    """The stream's text: matching events after `after`, heartbeats, and an end after the time bound."""
    yield f"retry: {round(settings.sse_poll_s * 2000)}\n\n"
    deadline = time.monotonic() + settings.sse_max_duration_s
    quiet_since, scanned = time.monotonic(), after
    while time.monotonic() < deadline:
        rows, scanned = _read(pool, flt, scanned)
        for seq, envelope in rows:
            yield f"id: {seq}\ndata: {json.dumps(envelope, ensure_ascii=False, separators=(',', ':'))}\n\n"
        if rows:
            quiet_since = time.monotonic()
            continue
        if time.monotonic() - quiet_since >= settings.sse_heartbeat_s:
            yield ": keep-alive\n\n"
            quiet_since = time.monotonic()
        time.sleep(settings.sse_poll_s)
    yield ": time is up; reconnect with Last-Event-ID to continue\n\n"


def _read(pool: ConnectionPool, flt: EventFilter, after: int) -> tuple[list[tuple[int, dict]], int]:
    # Rows commit in seq order (see the feed's lock), so everything up to the head is already
    # visible: scanning up to it once is enough, even when the filter matches none of it.
    with pool.connection() as conn:
        head = one(conn.execute(HEAD))[0]
        rows = conn.execute(READ, {"after": after, "head": head, "limit": BATCH} | flt.sql_params()).fetchall()
    return rows, rows[-1][0] if len(rows) == BATCH else max(head, after)


def _head(pool: ConnectionPool) -> int:
    with pool.connection() as conn:
        return one(conn.execute(HEAD))[0]
