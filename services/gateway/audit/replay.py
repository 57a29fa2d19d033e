"""Rebuilding every read model from the log into a fresh schema, and comparing it with the live one."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import psycopg
from psycopg import sql

from shared.db import one

from ..readmodels import rebuilds

# `feed.seq` numbers events in live delivery order, which a replay cannot reproduce; parked events and heartbeats
# are the live consumer's own record of its work, and `read_model_version` the fingerprint of the code that built
# the schema: none of them is a read model.
BOOKKEEPING = {"stream_checkpoints", "held_events", "producer_positions", "feed", "parked_events", "heartbeats",
               "read_model_version"}


def rebuild(database_url: str, envelopes: Iterable[dict], schema: str | None = None, progress=None) -> str:
    """Project the log into a new schema (a `replay_…` one unless named); returns the schema's name."""
    schema = schema or f"replay_{uuid.uuid4().hex[:10]}"
    rebuilds.build(database_url, envelopes, schema, progress)
    return schema


def differences(database_url: str, live: str, rebuilt: str) -> dict[str, dict[str, int]]:
    """Per read-model table, how many rows only the live or only the rebuilt schema holds."""
    with psycopg.connect(database_url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY 1", [live])
            if r[0] not in BOOKKEEPING]
        report = {}
        for table in tables:
            a, b = sql.Identifier(live, table), sql.Identifier(rebuilt, table)
            only_live = one(conn.execute(
                sql.SQL("SELECT count(*) FROM (SELECT * FROM {} EXCEPT ALL SELECT * FROM {}) d").format(a, b)))[0]
            only_rebuilt = one(conn.execute(
                sql.SQL("SELECT count(*) FROM (SELECT * FROM {} EXCEPT ALL SELECT * FROM {}) d").format(b, a)))[0]
            if only_live or only_rebuilt:
                report[table] = {"only_live": only_live, "only_rebuilt": only_rebuilt}
        return report


def drop(database_url: str, schema: str) -> None:
    """Remove a rebuilt schema."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def until(envelopes: Iterable[dict], moment: datetime) -> list[dict]:
    """The events that had occurred by `moment`."""
    return [e for e in envelopes if _at(e) <= moment]


def _at(envelope: dict) -> datetime:
    return datetime.fromisoformat(envelope["occurred_at"].replace("Z", "+00:00"))
