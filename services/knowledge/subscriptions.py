"""The knowledge service's subscription to pilots events: evidence of barriers removed, recorded once.

`python -m services.knowledge.subscriptions` runs it under its own consumer group. For each
`BarrierRemoved` it appends `BarrierRemovalEvidenced` to the barrier's stream *inside* the
Projection's transaction, so the evidence and the checkpoint saying "this pilots event is done"
commit together: a crash before commit leaves neither, a redelivery after it is skipped — and the
domain's decision is idempotent besides, so even a lost checkpoint could not record it twice.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from shared import subscription
from shared.config import TOPICS, Settings
from shared.envelope import CommandMeta
from shared.errors import Refused
from shared.events import replay
from shared.eventstore import EventStore
from shared.projection import Handler
from shared.signing import Signer

from .domain import EVENTS, barriers, evidence
from .domain.model import Item

log = logging.getLogger(__name__)
GROUP = "knowledge-subscriptions"
SCHEMA = "knowledge"


def load_barrier(conn: psycopg.Connection, barrier_id: str) -> tuple[Item | None, int]:
    """The barrier and its stream's version, read on the caller's connection (inside its transaction)."""
    rows = conn.execute(
        sql.SQL("SELECT envelope FROM {}.events WHERE stream_id = %s ORDER BY version")
        .format(sql.Identifier(SCHEMA)), [barrier_id],
    ).fetchall()
    return replay(barriers.evolve, (EVENTS.from_envelope(e) for (e,) in rows), None), len(rows)


def record_evidence(store: EventStore, conn: psycopg.Connection, env: dict[str, Any]) -> None:
    """Record a pilot's removal of a barrier on the barrier's stream, unless it is recorded already."""
    d = env["data"]
    command = evidence.RecordRemovalEvidence(
        env["actor"], d["pilot_id"], d["pilot_title"], d["organisation_name"], d["solution_id"], d["solution_title"],
    )
    state, version = load_barrier(conn, d["barrier_id"])
    try:
        # The pilots event's own time, so that a replay of the log records the same evidence.
        events = evidence.decide_record_removal_evidence(state, command, now=datetime.fromisoformat(env["occurred_at"]))
    except Refused as refused:
        # Not a barrier we hold (a pilots event naming an id we never had): nothing to record.
        log.warning("removal evidence refused", extra={"fields": {"barrier_id": d["barrier_id"],
                                                                  "pilot_id": d["pilot_id"], "error": refused.message}})
        return
    if events:
        meta = CommandMeta(env["actor"], env["correlation_id"], env["event_id"])
        store.append(barriers.STREAM_TYPE, d["barrier_id"], version, events, meta, conn=conn)


def handlers(store: EventStore) -> dict[str, Handler]:
    """The pilots events this subscription reacts to."""
    return {"BarrierRemoved": lambda conn, env: record_evidence(store, conn, env)}


def main() -> None:
    """Run the subscription process."""
    signer = Signer.from_file(SCHEMA, Settings.from_env().signing_key_file)
    store = EventStore(None, SCHEMA, signer=signer)  # appends only ever join the Projection's connection
    subscription.main(GROUP, SCHEMA, [TOPICS["pilots"]], handlers(store))


if __name__ == "__main__":
    main()
