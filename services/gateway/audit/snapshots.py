"""Building a snapshot: the replay job that rebuilds the read models as they were at a moment."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import datetime

import psycopg

from shared.config import DOMAIN_SERVICES, Settings

from ..readmodels import snapshots
from ..readmodels.snapshots import Snapshot
from . import replay
from .log import stored_events


def build(settings: Settings, moment: datetime, progress: Callable[[int], None] | None = None) -> Snapshot:
    """The snapshot of `moment`, built from the stored log unless it already was (then it is reused as it is)."""
    schema = snapshots.schema_for(moment)
    lock = zlib.crc32(schema.encode())
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        # Two auditors asking for the same moment: one builds it, the other waits and reuses it.
        conn.execute("SELECT pg_advisory_lock(%s)", [lock])
        try:
            existing = next((s for s in snapshots.built(conn) if s.as_of == moment), None)
            if existing:
                return existing
            envelopes = replay.until((e for s in DOMAIN_SERVICES for e in stored_events(settings, s)), moment)
            replay.drop(settings.database_url, schema)  # what a build that died half-way left behind
            replay.rebuild(settings.database_url, envelopes, schema=schema, progress=progress)
            return snapshots.mark_built(conn, moment, len(envelopes))
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [lock])
