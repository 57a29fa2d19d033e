"""Read model of who requested each signature: the account behind "my signatures", never shown to anyone else.

Kept in a table of its own, apart from the public `signatures`, so `requested_by` can never leak through a
public read: only the account itself reads it (`MINE`), and a page asks only whether it is the reader's (`REQUESTER`).
"""

from __future__ import annotations

from typing import Any

DDL = """
CREATE TABLE signature_requesters (
    signature_id text PRIMARY KEY,
    requested_by text NOT NULL
);
CREATE INDEX signature_requesters_by_account ON signature_requesters (requested_by);
"""

# The signatures an account requested, newest first, with the charter's title (a stable order for paging).
MINE = (
    "SELECT s.signature_id, s.charter_id, c.title AS charter_title, s.version, s.organisation_name,"
    " s.organisation_type, s.status, s.requested_at, s.verified_at, s.withdrawn_at"
    " FROM signature_requesters r JOIN signatures s USING (signature_id) LEFT JOIN charters c USING (charter_id)"
    " WHERE r.requested_by = %s ORDER BY s.requested_at DESC, s.signature_id LIMIT %s OFFSET %s"
)
MINE_TOTAL = "SELECT count(*) AS n FROM signature_requesters WHERE requested_by = %s"
REQUESTER = "SELECT requested_by FROM signature_requesters WHERE signature_id = %s"


def on_signature_requested(conn, env: dict[str, Any]) -> None:
    # A withdrawn signature can be requested again on the same stream, perhaps by someone else: theirs now.
    d = env["data"]
    conn.execute(
        "INSERT INTO signature_requesters (signature_id, requested_by) VALUES (%s, %s)"
        " ON CONFLICT (signature_id) DO UPDATE SET requested_by = excluded.requested_by",
        [d["signature_id"], d["requested_by"]],
    )


HANDLERS = {"SignatureRequested": on_signature_requested}
