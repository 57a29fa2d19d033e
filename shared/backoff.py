"""Retry delays: for work that talks to someone else's server, and for reconnecting to our own."""

from __future__ import annotations

import random
import time
from collections.abc import Callable


def full_jitter_s(failures: int, base_s: float, cap_s: float) -> float:
    """A uniform delay up to base × 2^(failures−1), capped: retries from many senders spread out."""
    return random.uniform(0, min(cap_s, base_s * 2 ** (failures - 1)))


class Backoff:
    """Capped exponential backoff with full jitter (never below half the base), reset by a success."""

    def __init__(self, base_s: float = 0.2, cap_s: float = 5.0) -> None:
        self.base_s, self.cap_s, self.failures = base_s, cap_s, 0

    def next_s(self) -> float:
        self.failures += 1
        return max(full_jitter_s(self.failures, self.base_s, self.cap_s), self.base_s / 2)

    def reset(self) -> None:
        self.failures = 0


def every(interval_s: float) -> Callable[[], bool]:
    """A function answering True at most once per `interval_s`: for what a busy loop does now and then."""
    due = [0.0]

    def ready() -> bool:
        now = time.monotonic()
        if now >= due[0]:
            due[0] = now + interval_s
            return True
        return False

    return ready
