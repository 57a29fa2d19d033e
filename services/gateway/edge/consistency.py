"""Read-your-writes: a command's token names its stream and version; reads wait until projected."""

from __future__ import annotations

import time

from flask import Blueprint, request

from shared.http import RequestRefused
from shared.projection import Projection


def token_for(stream_id: str, version: int) -> str:
    """The consistency token a command answers with."""
    return f"{stream_id}@{version}"


def parse(token: str) -> tuple[str, int]:
    """The stream and version in a token, or a 400 naming the malformed token."""
    stream_id, _, version = token.rpartition("@")
    if not stream_id or not version.isdigit():
        raise RequestRefused(400, "invalid_consistency_token", "consistency_token must look like '<stream>@<version>'",
                             {"consistency_token": ["not a token this API issued"]})
    return stream_id, int(version)


# The blueprints whose reads wait for a consistency token: the API document lists the parameter on their routes.
READ_YOUR_WRITES: set[str] = set()


def reads_your_writes(bp: Blueprint, projection: Projection, timeout_s: float) -> Blueprint:
    """Make every read of `bp` wait for the write its `consistency_token` names."""
    READ_YOUR_WRITES.add(bp.name)
    bp.before_request(lambda: wait_for_request_token(projection, timeout_s))
    return bp


def wait_for_request_token(projection: Projection, timeout_s: float) -> None:
    """If the read carries a token, wait (bounded) until the read model includes that write.

    Polling one indexed row every few milliseconds costs less than a notification channel and
    keeps the wait independent of which projector process applied the write.
    """
    token = request.args.get("consistency_token") or request.headers.get("X-Consistency-Token")
    if not token:
        return
    stream_id, version = parse(token)
    deadline = time.monotonic() + timeout_s
    delay = 0.002
    while True:
        with projection.pool.connection() as conn:
            if projection.stream_version(conn, stream_id) >= version:
                return
        if time.monotonic() >= deadline:
            raise RequestRefused(503, "not_yet_consistent",
                                 f"the read model has not caught up with {token} yet; retry shortly")
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
