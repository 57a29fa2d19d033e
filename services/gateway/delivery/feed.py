"""The feed: every event once, numbered in the order the gateway applied it — what the live stream serves.

Kafka offsets change when the memory-only broker restarts, and the projector applies partitions in
any order, so the stream cannot resume from either. `seq` is the gateway's own order, kept in the
same transaction as the read models; a client resumes with `seq > Last-Event-ID`.
"""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from shared.config import TOPICS
from shared.upcasting import as_stored

from .filters import all_types, organisations_named

DDL = """
CREATE TABLE feed (
    seq           bigserial PRIMARY KEY,
    event_id      uuid NOT NULL UNIQUE,
    topic         text NOT NULL,
    type          text NOT NULL,
    stream_id     text NOT NULL,
    version       integer NOT NULL,
    organisations text[] NOT NULL,
    envelope      jsonb NOT NULL
);
CREATE INDEX feed_by_stream ON feed (stream_id, version);
CREATE INDEX feed_by_organisation ON feed USING gin (organisations);
"""

# A stream's later events follow the organisations its first event named (see services/gateway/delivery/filters.py).
# A bigserial is drawn when a row is inserted, not when it commits: were two projector transactions to
# insert at once, the one holding the lower seq could commit second, and a stream reader that had already
# moved past the higher seq would never see it. The advisory lock, taken by the insert itself and held to
# commit, makes seqs visible in commit order, so `seq > Last-Event-ID` never skips a row. The key is per
# schema, so a replay does not wait on the live feed.
INSERT = """
INSERT INTO feed (event_id, topic, type, stream_id, version, organisations, envelope)
SELECT %(event_id)s::uuid, %(topic)s, %(type)s, %(stream_id)s, %(version)s,
       %(named)s::text[] || coalesce((SELECT f.organisations FROM feed f
                                      WHERE f.stream_id = %(stream_id)s AND f.version = 1), '{}'),
       %(envelope)s
FROM (SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.feed'))) AS commit_order
ON CONFLICT (event_id) DO NOTHING
"""


def on_any_event(conn, env: dict[str, Any]) -> None:
    env = as_stored(env)  # the live stream serves the log as written and hashed, never an upcast copy
    conn.execute(INSERT, {
        "event_id": env["event_id"], "topic": TOPICS[env["producer"]], "type": env["type"],
        "stream_id": env["stream_id"], "version": env["version"], "named": organisations_named(env["data"]),
        "envelope": Jsonb(env),
    })


HANDLERS = {type_name: on_any_event for type_name in sorted(all_types())}
