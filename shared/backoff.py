"""Retry delays for work that talks to someone else's server (webhook receivers, mail relays)."""

from __future__ import annotations

import random


def full_jitter_s(failures: int, base_s: float, cap_s: float) -> float:
    """A uniform delay up to base × 2^(failures−1), capped: retries from many senders spread out."""
    return random.uniform(0, min(cap_s, base_s * 2 ** (failures - 1)))
