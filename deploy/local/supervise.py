"""What keeps `make run`'s children tied to it: the parent-death signal, and the backoff between restarts."""

from __future__ import annotations

import ctypes
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None]:
    """A `preexec_fn` that makes the child receive `sig` when this process dies, SIGKILL of it included.

    Children run in their own session (Ctrl-C in the terminal reaches only `make run`, which stops them in
    order), so nothing else would tell them their parent is gone. Linux sends the signal when the *thread*
    that forked the child ends: start children from a thread that lives as long as the process (the main one).
    """
    parent = os.getpid()

    def preexec() -> None:
        if _libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            os._exit(126)
        if os.getppid() != parent:  # the parent died between fork and prctl: nobody will send the signal
            os._exit(1)  # not a signal: the parent's Python handlers are still installed in this fork

    return preexec


@dataclass
class Backoff:
    """Capped exponential delays between restarts of one child, back to the first once it stayed up a while."""

    first_s: float = 0.5
    max_s: float = 30.0
    stable_s: float = 60.0
    next_s: float = field(init=False)

    def __post_init__(self) -> None:
        self.next_s = self.first_s

    def after_exit(self, uptime_s: float) -> float:
        """How long to wait before restarting a child that exited after `uptime_s` seconds up."""
        if uptime_s >= self.stable_s:
            self.next_s = self.first_s
        delay, self.next_s = self.next_s, min(self.next_s * 2, self.max_s)
        return delay
