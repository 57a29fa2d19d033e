"""Webhook signatures: `X-Charter-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>`.

While a rotated secret's previous one is still valid the header carries one `v1` per secret, newest
first: `t=<unix seconds>,v1=<with the new secret>,v1=<with the previous one>`. A receiver accepts the
delivery when any `v1` matches its secret, so it keeps verifying during the overlap whichever it holds.

Receivers copy `verify` (standard library only): it recomputes the HMAC over the timestamp and the
exact body bytes received, compares in constant time, and refuses a timestamp more than five
minutes from now, so a recorded delivery cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-Charter-Signature"
TOLERANCE_S = 300


def sign(secret: str, body: bytes, timestamp: int, previous: str | None = None) -> str:
    """The signature header's value for this body at this moment (signed with `previous` too, when given)."""
    macs = [hmac.new(s.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
            for s in (secret, previous) if s]
    return f"t={timestamp}," + ",".join(f"v1={mac}" for mac in macs)


def verify(secret: str, header: str, body: bytes, now: float | None = None, tolerance_s: int = TOLERANCE_S) -> bool:
    """Whether `header` signs `body` with `secret` (in any of its `v1` values) within `tolerance_s` seconds of `now`."""
    timestamp, macs = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            macs.append(value)
    if timestamp is None or abs((time.time() if now is None else now) - timestamp) > tolerance_s:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, mac) for mac in macs)
