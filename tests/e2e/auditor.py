"""The auditor, as the tests act it out: the `charter audit` command line against the running stack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from shared.config import Settings

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self):
        return json.loads(self.out)


def audit(settings: Settings, *args: str, timeout: float = 120) -> Run:
    """Run `charter audit <args>` as a separate process, as an auditor would."""
    proc = subprocess.run([sys.executable, "-m", "services.gateway.audit", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env=os.environ | settings.to_env() | {"PYTHONPATH": str(ROOT)})
    return Run(proc.returncode, proc.stdout, proc.stderr)
