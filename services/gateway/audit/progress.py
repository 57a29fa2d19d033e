"""A running count with rate on stderr, for long replays and exports."""

from __future__ import annotations

import sys
import time


class Progress:
    """Call with each batch size; prints `label: N events (R/s)` at most ten times a second."""

    def __init__(self, label: str, stream=sys.stderr) -> None:
        self.label, self.stream = label, stream
        self.count, self.started, self._last = 0, time.monotonic(), 0.0

    def __call__(self, n: int) -> None:
        self.count += n
        now = time.monotonic()
        if now - self._last >= 0.1:
            self._last = now
            self._print("\r")

    def done(self) -> None:
        self._print("\r")
        self.stream.write("\n")

    def _print(self, prefix: str) -> None:
        rate = self.count / max(time.monotonic() - self.started, 1e-6)
        self.stream.write(f"{prefix}{self.label}: {self.count} events ({rate:,.0f}/s)")
        self.stream.flush()
