"""Read model of signatures: the public signatory list and the signing timeline.

Deliberately projected field by field: the events' `email_hash`, `token_hash` and `requested_by`
never reach a public table. The signatory's name and role are opened from the event's sealed value (sealed.py),
and read "erased" once their data subject is erased (erasures.py).
"""

from __future__ import annotations

from typing import Any

from .sealed import opened

SIGNATORY = ("signatory_name", "signatory_role")

DDL = """
CREATE TABLE signatures (
    signature_id      text PRIMARY KEY,
    charter_id        text NOT NULL,
    version           integer NOT NULL,
    organisation_id   text NOT NULL,
    organisation_name text NOT NULL,
    organisation_type text NOT NULL,
    area              text,
    signatory_name    text NOT NULL,
    signatory_role    text NOT NULL,
    statement         text,
    status            text NOT NULL,
    requested_at      timestamptz NOT NULL,
    verified_at       timestamptz,
    withdrawn_at      timestamptz,
    withdrawal_reason text,
    assurance         text NOT NULL,
    assurance_method  text,
    verified_event_id text
);
CREATE INDEX signatures_public
    ON signatures (charter_id, version, status, verified_at, signature_id);
CREATE TABLE signing_days (
    charter_id text NOT NULL,
    version    integer NOT NULL,
    day        date NOT NULL,
    signed     integer NOT NULL DEFAULT 0,
    withdrawn  integer NOT NULL DEFAULT 0,
    PRIMARY KEY (charter_id, version, day)
);
"""

# One row per UTC day; a statement per event keeps the projection free of reads in the pipeline.
COUNT_DAY = """
INSERT INTO signing_days (charter_id, version, day, signed, withdrawn)
SELECT charter_id, version, (%(at)s::timestamptz AT TIME ZONE 'UTC')::date, %(signed)s, %(withdrawn)s
  FROM signatures WHERE signature_id = %(signature_id)s AND status = %(status)s
ON CONFLICT (charter_id, version, day) DO UPDATE
   SET signed = signing_days.signed + excluded.signed, withdrawn = signing_days.withdrawn + excluded.withdrawn
"""


def on_signature_requested(conn, env: dict[str, Any]) -> None:
    # A withdrawn or expired signature can be requested again on the same stream: start it afresh.
    d = env["data"]
    signatory = opened(env, d["signature_id"], SIGNATORY)
    conn.execute(
        "INSERT INTO signatures (signature_id, charter_id, version, organisation_id, organisation_name,"
        " organisation_type, area, signatory_name, signatory_role, statement, status, requested_at, assurance)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'pending', %s, %s)"
        " ON CONFLICT (signature_id) DO UPDATE SET organisation_name = excluded.organisation_name,"
        " assurance = excluded.assurance, assurance_method = NULL,"
        " organisation_type = excluded.organisation_type, area = excluded.area,"
        " signatory_name = excluded.signatory_name, signatory_role = excluded.signatory_role,"
        " statement = excluded.statement, status = 'pending', requested_at = excluded.requested_at,"
        " verified_at = NULL, verified_event_id = NULL, withdrawn_at = NULL, withdrawal_reason = NULL",
        [d["signature_id"], d["charter_id"], d["version"], d["organisation_id"], d["organisation_name"],
         d["organisation_type"], d["area"], signatory["signatory_name"], signatory["signatory_role"], d["statement"],
         env["occurred_at"], d["assurance"]],
    )


def on_signature_verified(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(COUNT_DAY, {"at": d["verified_at"], "signed": 1, "withdrawn": 0,
                             "signature_id": d["signature_id"], "status": "pending"})
    # The confirming event's id: what a signatory asks an inclusion proof for (/api/v1/audit/proofs/<event_id>).
    conn.execute("UPDATE signatures SET status = 'verified', verified_at = %s, verified_event_id = %s"
                 " WHERE signature_id = %s", [d["verified_at"], env["event_id"], d["signature_id"]])


def on_signature_withdrawn(conn, env: dict[str, Any]) -> None:
    # Only a signature that counted leaves the timeline; a withdrawn pending one never entered it.
    d = env["data"]
    conn.execute(COUNT_DAY, {"at": d["withdrawn_at"], "signed": 0, "withdrawn": 1,
                             "signature_id": d["signature_id"], "status": "verified"})
    conn.execute(
        "UPDATE signatures SET status = 'withdrawn', withdrawn_at = %s, withdrawal_reason = %s"
        " WHERE signature_id = %s",
        [d["withdrawn_at"], d["reason"], d["signature_id"]],
    )


def on_signature_steward_verified(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("UPDATE signatures SET assurance = 'steward-verified', assurance_method = %s WHERE signature_id = %s",
                 [d["method"], d["signature_id"]])


HANDLERS = {
    "SignatureRequested": on_signature_requested,
    "SignatureVerified": on_signature_verified,
    "SignatureWithdrawn": on_signature_withdrawn,
    "SignatureStewardVerified": on_signature_steward_verified,
}
