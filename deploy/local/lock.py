"""One `make run` per data dir: a lock file holding the PID of the run that owns it."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class DataDirInUse(RuntimeError):
    """Another live `make run` holds the data dir."""

    def __init__(self, path: Path, pid: str) -> None:
        super().__init__(f"{path.parent} is in use by another `make run` (PID {pid or 'unknown'}); "
                         f"stop that one first (Ctrl-C in its terminal, or `kill {pid or '<pid>'}`)")
        self.pid = pid


def hold_data_dir(data: Path) -> int:
    """Lock `data` for this process's lifetime and write its PID in the lock file; returns the open descriptor.

    The lock is an flock(2) on the open file, so the kernel drops it when this process ends, however it ends:
    a crashed or SIGKILLed holder never blocks the next run, and a stale PID left in the file means nothing.
    The descriptor is not inherited by children (Python opens files close-on-exec).
    """
    path = data / "run.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
        os.close(fd)
        raise DataDirInUse(path, holder) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd
