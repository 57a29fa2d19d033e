"""The gateway's own state, migrated by numbered files: accounts (`identity/`) and webhooks (`webhooks/`).

Its read models are not here: they are rebuilt from the log into a fresh schema (services/gateway/readmodels/).
"""

from __future__ import annotations

from pathlib import Path

from shared.migrations import Migrations

HERE = Path(__file__).parent
IDENTITY = Migrations("identity", HERE / "identity")
WEBHOOKS = Migrations("webhooks", HERE / "webhooks")
