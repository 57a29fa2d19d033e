"""Read model of organisations by their id (the canonical name pledge events carry), from pledge events.

An organisation is listed once it has a record (OrganisationRecorded) or anyone signed for it; one signed for
without a record is a new organisation a steward has yet to review. Kept apart from the public signatures
list so an organisation page can join its signatures with its pilots (projected from `charter.pilots.v1`,
whose `organisation_id` is the same canonical name).
"""

from __future__ import annotations

from typing import Any

DDL = """
CREATE TABLE organisations (
    organisation_id   text PRIMARY KEY,
    name              text NOT NULL,
    organisation_type text NOT NULL,
    recorded          boolean NOT NULL,
    recorded_at       timestamptz,
    domains           text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX organisations_by_name ON organisations (name, organisation_id);
CREATE TABLE organisation_domain_changes (
    organisation_id text NOT NULL,
    domain          text NOT NULL,
    change          text NOT NULL,
    note            text NOT NULL,
    changed_by      text NOT NULL,
    changed_at      timestamptz NOT NULL
);
CREATE INDEX organisation_domain_changes_by_organisation ON organisation_domain_changes (organisation_id, changed_at);
CREATE TABLE organisation_members (
    membership_id   text PRIMARY KEY,
    organisation_id text NOT NULL,
    account_id      text NOT NULL,
    assurance       text NOT NULL,
    evidence        text,
    status          text NOT NULL,
    since           timestamptz NOT NULL,
    ended_at        timestamptz
);
CREATE INDEX organisation_members_by_organisation ON organisation_members (organisation_id, since);
CREATE INDEX organisation_members_by_account ON organisation_members (account_id);
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


def on_organisation_recorded(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(
        "INSERT INTO organisations (organisation_id, name, organisation_type, recorded, recorded_at)"
        " VALUES (%s, %s, %s, true, %s) ON CONFLICT (organisation_id) DO UPDATE SET name = excluded.name,"
        " organisation_type = excluded.organisation_type, recorded = true, recorded_at = excluded.recorded_at",
        [d["organisation_id"], d["name"], d["organisation_type"], d["recorded_at"]],
    )


def on_domain_verified(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("UPDATE organisations SET domains = array_append(array_remove(domains, %(domain)s), %(domain)s)"
                 " WHERE organisation_id = %(organisation_id)s", d)
    _domain_change(conn, d, "verified", d["evidence"], d["verified_by"], d["verified_at"])


def on_domain_removed(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("UPDATE organisations SET domains = array_remove(domains, %(domain)s)"
                 " WHERE organisation_id = %(organisation_id)s", d)
    _domain_change(conn, d, "removed", d["reason"], d["removed_by"], d["removed_at"])


def _domain_change(conn, d: dict[str, Any], change: str, note: str, by: str, at: str) -> None:
    conn.execute("INSERT INTO organisation_domain_changes (organisation_id, domain, change, note, changed_by,"
                 " changed_at) VALUES (%s, %s, %s, %s, %s, %s)",
                 [d["organisation_id"], d["domain"], change, note, by, at])


def on_membership_claimed(conn, env: dict[str, Any]) -> None:
    # A claim is listed only for its confirmation page; members are those confirmed (status 'member').
    d = env["data"]
    conn.execute(
        "INSERT INTO organisation_members (membership_id, organisation_id, account_id, assurance, status, since)"
        " VALUES (%s, %s, %s, 'domain-verified', 'claimed', %s) ON CONFLICT (membership_id) DO UPDATE SET"
        " status = 'claimed', since = excluded.since, ended_at = NULL WHERE organisation_members.status <> 'member'",
        [d["membership_id"], d["organisation_id"], d["account_id"], d["claimed_at"]],
    )


def on_membership_confirmed(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(
        "INSERT INTO organisation_members (membership_id, organisation_id, account_id, assurance, evidence, status,"
        " since) VALUES (%s, %s, %s, %s, %s, 'member', %s) ON CONFLICT (membership_id) DO UPDATE SET"
        " assurance = excluded.assurance, evidence = excluded.evidence, status = 'member', since = excluded.since,"
        " ended_at = NULL",
        [d["membership_id"], d["organisation_id"], d["account_id"], d["assurance"], d["evidence"], d["confirmed_at"]],
    )


def on_membership_ended(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("UPDATE organisation_members SET status = 'ended', ended_at = %s WHERE membership_id = %s",
                 [d["ended_at"], d["membership_id"]])


def on_signature_requested(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(  # one signed for without a record is listed, unrecorded, for a steward to review
        "INSERT INTO organisations (organisation_id, name, organisation_type, recorded) VALUES (%s, %s, %s, false)"
        " ON CONFLICT (organisation_id) DO NOTHING",
        [d["organisation_id"], d["organisation_name"], d["organisation_type"]],
    )
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
    "OrganisationRecorded": on_organisation_recorded,
    "OrganisationDomainVerified": on_domain_verified,
    "OrganisationDomainRemoved": on_domain_removed,
    "MembershipClaimed": on_membership_claimed,
    "MembershipConfirmed": on_membership_confirmed,
    "MembershipEnded": on_membership_ended,
    "SignatureRequested": on_signature_requested,
    "SignatureVerified": on_signature_verified,
    "SignatureWithdrawn": on_signature_withdrawn,
}
