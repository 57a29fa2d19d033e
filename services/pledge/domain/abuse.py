"""Guards against abusive signing, after UK Parliament petitions: canonical e-mails, hashes, rate limits."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from dataclasses import dataclass
from datetime import timedelta

from shared.errors import Invalid, RateLimited

_SHAPE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_DOTS_IGNORED = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def canonical_email(email: str) -> str:
    """The mailbox an address delivers to: trimmed, lowercased, +tag dropped, and for Gmail dots dropped."""
    address = email.strip().lower()
    if not _SHAPE.fullmatch(address):
        raise Invalid("not an e-mail address", field="email")
    local, _, domain = address.rpartition("@")
    local = local.split("+", 1)[0]
    # Gmail delivers a.b.c@, abc@ and abc@googlemail.com to one inbox: one person, one address.
    if domain in _DOTS_IGNORED:
        local, domain = local.replace(".", ""), _DOTS_IGNORED[domain]
    if not local:
        raise Invalid("not an e-mail address", field="email")
    return f"{local}@{domain}"


def email_hash(email: str, salt: str) -> str:
    """HMAC-SHA-256 (hex) of the canonical address keyed by the configured salt; never the address itself."""
    # Keyed, not a bare hash: e-mail addresses are guessable, so anyone reading the public topics could
    # hash a list of them and find who signed. Without the secret salt the hashes reveal nothing.
    if not salt:
        raise ValueError("an e-mail salt must be configured")
    return hmac.new(salt.encode(), canonical_email(email).encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    """SHA-256 (hex) of a verification token, the only form of it an event holds."""
    if not token:
        raise ValueError("a verification token must be generated")
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, expected_hash: str) -> bool:
    """True when the token hashes to `expected_hash`, compared in constant time."""
    return bool(token) and hmac.compare_digest(token_hash(token), expected_hash)


@dataclass(frozen=True)
class RateLimits:
    """How many signing attempts one e-mail and one IP address may make within `window`."""

    per_email: int = 5
    per_ip: int = 20
    window: timedelta = timedelta(hours=1)


def check_rate_limit(attempts_by_email: int, attempts_by_ip: int, limits: RateLimits = RateLimits(), *,
                     email_wait_s: float | None = None, ip_wait_s: float | None = None) -> None:
    """Refuse a signing attempt once the e-mail or IP address has used up its attempts in the window.

    The waits are the seconds until the oldest attempt of each leaves the window (the whole window if unknown):
    the refusal's `retry_after`.
    """
    window_s = limits.window.total_seconds()
    if attempts_by_email >= limits.per_email:
        raise RateLimited("too many signing attempts for this e-mail address; try again later", field="email",
                          retry_after=math.ceil(window_s if email_wait_s is None else email_wait_s))
    if attempts_by_ip >= limits.per_ip:
        raise RateLimited("too many signing attempts from this network; try again later",
                          retry_after=math.ceil(window_s if ip_wait_s is None else ip_wait_s))
