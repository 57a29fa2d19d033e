"""Read model of erasures: the stewards' log of them, and "erased" in place of the erased people's fields.

An ErasureCompleted names the records whose person is erased: pledge's, the signatures whose signatory it was;
pilots', the pilots whose sponsor. A live read model that opened their sealed fields before the key was deleted
(or holds fields recorded in the clear before sealing) reads "erased" from this event on; a replay after the
erasure opens nothing (sealed.py) and then applies the same event: both end alike.
"""

from __future__ import annotations

from typing import Any

from shared.sealing import ERASED

DDL = """
CREATE TABLE erasures (
    erasure_id   text PRIMARY KEY,
    service      text NOT NULL,
    rule         text NOT NULL,
    requested_by text NOT NULL,
    erased_at    timestamptz NOT NULL,
    records      integer NOT NULL,
    event_id     text NOT NULL
);
CREATE INDEX erasures_newest ON erasures (erased_at DESC, erasure_id);
"""

LOG = ("SELECT erasure_id, service, rule, requested_by, erased_at, records, event_id FROM erasures"
       " ORDER BY erased_at DESC, erasure_id LIMIT %s OFFSET %s")
LOG_TOTAL = "SELECT count(*) AS n FROM erasures"


# Per producer: its records' field in the event, and what each of them shows in place of the person.
ERASING = {
    "pledge": ("signature_ids", [
        "UPDATE signatures SET signatory_name = %(erased)s, signatory_role = %(erased)s"
        " WHERE signature_id = ANY(%(ids)s)",
    ]),
    "pilots": ("pilot_ids", [
        "UPDATE pilots SET sponsor_name = %(erased)s, sponsor_role = %(erased)s WHERE pilot_id = ANY(%(ids)s)",
        "UPDATE pilot_timeline SET data = data || jsonb_build_object('sponsor_name', %(erased)s::text, 'sponsor_role',"
        " %(erased)s::text) WHERE pilot_id = ANY(%(ids)s) AND type = 'PilotProposed'",
    ]),
}


def on_erasure_completed(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    field, statements = ERASING[env["producer"]]
    for statement in statements:
        conn.execute(statement, {"erased": ERASED, "ids": list(d[field])})
    conn.execute(
        "INSERT INTO erasures (erasure_id, service, rule, requested_by, erased_at, records, event_id)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (erasure_id) DO NOTHING",
        [d["erasure_id"], env["producer"], d["rule"], d["requested_by"], d["erased_at"], len(d[field]),
         env["event_id"]],
    )


HANDLERS = {"ErasureCompleted": on_erasure_completed}
