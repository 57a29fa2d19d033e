"""The whole system as separate processes: four gunicorn services, three relays, the projector."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import urllib3

from shared.config import DOMAIN_SERVICES, Settings

from .embedded import wait_for_port

ROOT = Path(__file__).resolve().parents[2]
HTTP_SERVICES = ("gateway", *DOMAIN_SERVICES)


@dataclass
class Stack:
    """Starts every process of the system and stops each one by its PID (and its process group)."""

    settings: Settings
    log_dir: Path | None = None
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def commands(self) -> dict[str, list[str]]:
        """The command line of every process, by name."""
        py = sys.executable
        cmds = {
            name: [py, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"),
                   "-b", f"{self.settings.host}:{getattr(self.settings, f'{name}_port')}",
                   f"services.{name}.wsgi:app"]
            for name in HTTP_SERVICES
        }
        cmds |= {f"{s}-relay": [py, "-m", "shared.outbox", s] for s in DOMAIN_SERVICES}
        cmds["projector"] = [py, "-m", "services.gateway.projector"]
        # Services that learn from each other's events, each under its own consumer group.
        cmds["pilots-subscriptions"] = [py, "-m", "services.pilots.subscriptions"]
        cmds["knowledge-subscriptions"] = [py, "-m", "services.knowledge.subscriptions"]
        cmds["webhook-dispatcher"] = [py, "-m", "services.gateway.webhooks.dispatcher"]
        if self.settings.smtp_host:
            cmds["pledge-mail"] = [py, "-m", "services.pledge.mail_delivery"]
        return cmds

    def start(self, *names: str) -> None:
        """Start the named processes (all of them by default) and wait until the HTTP ones listen."""
        env = os.environ | self.settings.to_env() | {"PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        for name, cmd in self.commands().items():
            if names and name not in names:
                continue
            out = open(self.log_dir / f"{name}.log", "ab") if self.log_dir else None  # noqa: SIM115 - the child writes to it
            self.procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)
        for name in HTTP_SERVICES:
            if name in self.procs and (not names or name in names):
                wait_for_port(getattr(self.settings, f"{name}_port"), self.procs[name], timeout_s=30)

    def stop(self, *names: str, grace_s: float = 10) -> None:
        """Stop the named processes (all by default): SIGTERM to each group, SIGKILL to any left after `grace_s`."""
        chosen = [n for n in self.procs if not names or n in names]
        for name in chosen:
            _signal(self.procs[name], signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for name in chosen:
            proc = self.procs.pop(name)
            try:
                proc.wait(max(deadline - time.monotonic(), 0.01))
            except subprocess.TimeoutExpired:
                _signal(proc, signal.SIGKILL)
                proc.wait(5)

    def wait_healthy(self, timeout_s: float = 60, abort: threading.Event | None = None) -> dict:
        """Block until the gateway's `/healthz` reports every service healthy (or `abort` is set)."""
        http = urllib3.PoolManager()
        url = f"http://{self.settings.host}:{self.settings.gateway_port}/healthz"
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                r = http.request("GET", url, timeout=3)
                if r.status == 200:
                    return r.json()
            except urllib3.exceptions.HTTPError:
                pass
            if abort is not None and abort.is_set():
                return {}
            if time.monotonic() > deadline:
                raise TimeoutError(f"the stack is not healthy after {timeout_s}s")
            time.sleep(0.2)


def _signal(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
