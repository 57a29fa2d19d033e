"""Read model of organisations by their id (the canonical name signature events carry), from pledge events.

Kept apart from the public signatures list so an organisation page can join its signatures with
its pilots (projected from `charter.pilots.v1`, whose `organisation_id` is the same canonical name).
"""

from __future__ import annotations

from typing import Any

DDL = """
CREATE TABLE organisation_signatures (
    signature_id      text PRIMARY KEY,
    organisation_id   text NOT NULL,
    organisation_name text NOT NULL,
    organisation_type text NOT NULL,
    charter_id        text NOT NULL,
    version           integer NOT NULL,
    status            text NOT NULL,
    requested_at      timestamptz NOT NULL,
    verified_at       timestamptz,
    withdrawn_at      timestamptz
);
CREATE INDEX organisation_signatures_by_organisation
    ON organisation_signatures (organisation_id, requested_at);
"""


def on_signature_requested(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(
        "INSERT INTO organisation_signatures (signature_id, organisation_id, organisation_name, organisation_type,"
        " charter_id, version, status, requested_at) VALUES (%s, %s, %s, %s, %s, %s, 'pending', %s)"
        " ON CONFLICT (signature_id) DO UPDATE SET organisation_name = excluded.organisation_name,"
        " organisation_type = excluded.organisation_type, status = 'pending',"
        " requested_at = excluded.requested_at, verified_at = NULL, withdrawn_at = NULL",
        [d["signature_id"], d["organisation_id"], d["organisation_name"],
         d["organisation_type"], d["charter_id"], d["version"], env["occurred_at"]],
    )


def on_signature_verified(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("UPDATE organisation_signatures SET status = 'verified', verified_at = %s WHERE signature_id = %s",
                 [d["verified_at"], d["signature_id"]])


def on_signature_withdrawn(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("UPDATE organisation_signatures SET status = 'withdrawn', withdrawn_at = %s WHERE signature_id = %s",
                 [d["withdrawn_at"], d["signature_id"]])


HANDLERS = {
    "SignatureRequested": on_signature_requested,
    "SignatureVerified": on_signature_verified,
    "SignatureWithdrawn": on_signature_withdrawn,
}
