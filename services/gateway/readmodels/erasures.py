"""Read model of erasures: the stewards' log of them, and "erased" in place of the erased signatories' fields.

An ErasureCompleted names the signatures whose signatory is erased. A live read model that opened their sealed
fields before the key was deleted (or holds fields recorded in the clear before sealing) reads "erased" from this
event on; a replay after the erasure opens nothing (sealed.py) and then applies the same event: both end alike.
"""

from __future__ import annotations

from typing import Any

from shared.sealing import ERASED

DDL = """
CREATE TABLE erasures (
    erasure_id   text PRIMARY KEY,
    rule         text NOT NULL,
    requested_by text NOT NULL,
    erased_at    timestamptz NOT NULL,
    signatures   integer NOT NULL,
    event_id     text NOT NULL
);
CREATE INDEX erasures_newest ON erasures (erased_at DESC, erasure_id);
"""

LOG = ("SELECT erasure_id, rule, requested_by, erased_at, signatures, event_id FROM erasures"
       " ORDER BY erased_at DESC, erasure_id LIMIT %s OFFSET %s")
LOG_TOTAL = "SELECT count(*) AS n FROM erasures"


def on_erasure_completed(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("UPDATE signatures SET signatory_name = %s, signatory_role = %s WHERE signature_id = ANY(%s)",
                 [ERASED, ERASED, list(d["signature_ids"])])
    conn.execute(
        "INSERT INTO erasures (erasure_id, rule, requested_by, erased_at, signatures, event_id)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (erasure_id) DO NOTHING",
        [d["erasure_id"], d["rule"], d["requested_by"], d["erased_at"], len(d["signature_ids"]), env["event_id"]],
    )


HANDLERS = {"ErasureCompleted": on_erasure_completed}
