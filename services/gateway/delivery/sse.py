"""`GET /api/v1/events/stream`: the live event stream as server-sent events, resumable with Last-Event-ID.

Each event's SSE id is its `seq` in the gateway's feed (projections/feed.py), so a client that
reconnects with `Last-Event-ID: n` receives exactly the events after n that match its filter.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

from flask import Response
from marshmallow import Schema, ValidationError, fields, post_load, validate
from psycopg_pool import ConnectionPool

from shared.config import TOPICS, Settings
from shared.db import one
from shared.http import error
from shared.openapi import ANYONE, Blueprint

from .filters import EventFilter, all_types

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


class StreamQuery(Schema):
    """Which events to stream (all of them by default), and where to resume."""

    topics = fields.List(fields.String(metadata={"enum": sorted(TOPICS.values())}), load_default=list, metadata={
        "description": "only events on these topics: repeat the parameter or separate by commas",
        "example": ["charter.pilots.v1"]})
    types = fields.List(fields.String(metadata={"enum": sorted(all_types())}), load_default=list, metadata={
        "description": "only events of these types: repeat the parameter or separate by commas",
        "example": ["OutcomeVerified"]})
    organisation = fields.String(metadata={
        "description": "only events naming this organisation (compared canonically)"})
    last_event_id = fields.String(validate=validate.Regexp(r"^\s*\d*\s*$"), metadata={
        "description": "like the `Last-Event-ID` header, for clients that cannot set it (the header wins)"})

    @post_load
    def _filter(self, data: dict[str, Any], **_: object) -> dict[str, Any]:
        flt = EventFilter.of(split(data["topics"]), split(data["types"]), data.get("organisation"))
        if problems := flt.problems():
            raise ValidationError(problems)
        return {"filter": flt, "last_event_id": data.get("last_event_id")}


class StreamHeaders(Schema):
    """Where a reconnecting client resumes."""

    last_event_id = fields.String(data_key="Last-Event-ID",
                                  validate=validate.Regexp(r"^\s*\d*\s*$"), metadata={
        "description": "the `id` of the last event received: the stream resumes right after it; without it the"
                       " stream starts from now"})


def blueprint(pool: ConnectionPool, settings: Settings) -> Blueprint:
    """The stream route; at most `sse_max_streams` streams at once in this process."""
    bp = Blueprint("events_stream", __name__, url_prefix="/api/v1/events", area="Council delivery")
    # A stream holds one of this worker's threads for its whole life; the cap keeps the rest for
    # ordinary requests, and the bounded duration hands the thread back to clients in turn.
    slots = threading.BoundedSemaphore(settings.sse_max_streams)

    @bp.get("/stream")
    @bp.arguments(StreamQuery, location="query")
    @bp.arguments(StreamHeaders, location="headers")
    @bp.response(200, {"type": "string"}, content_type="text/event-stream", description=(
        "Server-sent events: each `id: <n>` line is followed by `data: <the event's envelope as JSON>`; comments"
        " (`: keep-alive`) keep the connection open, and the stream ends after a while (reconnect with"
        " `Last-Event-ID`)."), example='retry: 2000\n\nid: 42\ndata: {"type":"CharterCreated",…}\n\n')
    @bp.refuses("too_many_streams")
    @bp.requires(ANYONE)
    def stream(query, headers):
        """Stream events live

        The published events as server-sent events (`text/event-stream`), optionally only some `topics`, `types`
        or one `organisation`. A client that reconnects with `Last-Event-ID` (or `?last_event_id=`) receives
        exactly the matching events after that id; without it the stream starts from now. Anyone may read it;
        when every stream slot is taken the answer is 503 with `Retry-After`.
        """
        after = resume_after(headers.get("last_event_id"), query["last_event_id"])
        if not slots.acquire(blocking=False):
            retry = str(max(1, round(settings.sse_poll_s * 4)))
            body, status = error(503, "too_many_streams", "every stream slot is taken; reconnect shortly")
            return body, status, {"Retry-After": retry}
        if after is None:
            after = _head(pool)
        response = Response(events(pool, settings, query["filter"], after), mimetype="text/event-stream",
                            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        response.call_on_close(slots.release)
        return response

    return bp


def split(values: list[str]) -> list[str]:
    """A list parameter's values, each of them perhaps comma-separated."""
    return [v.strip() for raw in values for v in raw.split(",") if v.strip()]


def resume_after(header: str | None, parameter: str | None) -> int | None:
    """Where to resume: after the `Last-Event-ID` header (or `last_event_id` parameter); None means from now."""
    raw = header if header is not None else parameter
    return int(raw) if raw is not None and raw.strip() else None


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
