"""Read model of charters and their drafts, from `charter.pledge.v1`."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

DDL = """
CREATE TABLE charters (
    charter_id   text PRIMARY KEY,
    title        text NOT NULL,
    purpose      text NOT NULL,
    steward      text NOT NULL,
    round_number integer NOT NULL DEFAULT 0,
    round_open   boolean NOT NULL DEFAULT false,
    round_closes_at timestamptz,
    draft_count  integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL
);
CREATE TABLE drafts (
    draft_id       text PRIMARY KEY,
    charter_id     text NOT NULL,
    round_number   integer NOT NULL,
    title          text NOT NULL,
    text           text NOT NULL,
    change_summary text NOT NULL,
    parents        jsonb NOT NULL,
    author         text NOT NULL,
    proposed_at    timestamptz NOT NULL
);
CREATE INDEX drafts_by_charter ON drafts (charter_id, proposed_at, draft_id);
CREATE INDEX drafts_by_author ON drafts (author, proposed_at, draft_id);
CREATE TABLE charter_versions (
    charter_id   text NOT NULL,
    version      integer NOT NULL,
    round_number integer NOT NULL,
    draft_id     text NOT NULL,
    title        text NOT NULL,
    text         text NOT NULL,
    adopted_at   timestamptz NOT NULL,
    PRIMARY KEY (charter_id, version)
);
"""


def on_charter_created(conn, env: dict[str, Any]) -> None:
    # The charter's and its drafts' streams sit in different partitions, so a draft can be projected
    # before its charter: count the drafts already here rather than trusting every increment landed.
    d = env["data"]
    conn.execute(
        "INSERT INTO charters (charter_id, title, purpose, steward, created_at, draft_count)"
        " VALUES (%s, %s, %s, %s, %s, (SELECT count(*) FROM drafts WHERE charter_id = %s))",
        [d["charter_id"], d["title"], d["purpose"], d["steward"], env["occurred_at"], d["charter_id"]],
    )


def on_round_opened(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(
        "UPDATE charters SET round_number = %s, round_open = true, round_closes_at = %s WHERE charter_id = %s",
        [d["round_number"], d["closes_at"], d["charter_id"]],
    )


def on_draft_proposed(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(
        "INSERT INTO drafts (draft_id, charter_id, round_number, title, text, change_summary, parents,"
        " author, proposed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [d["draft_id"], d["charter_id"], d["round_number"], d["title"], d["text"], d["change_summary"],
         Jsonb(d["parents"]), d["author"], env["occurred_at"]],
    )
    conn.execute("UPDATE charters SET draft_count = draft_count + 1 WHERE charter_id = %s", [d["charter_id"]])


def on_round_closed(conn, env: dict[str, Any]) -> None:
    conn.execute("UPDATE charters SET round_open = false WHERE charter_id = %s", [env["data"]["charter_id"]])


def on_version_adopted(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(
        "INSERT INTO charter_versions (charter_id, version, round_number, draft_id, title, text, adopted_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [d["charter_id"], d["version"], d["round_number"], d["draft_id"], d["title"], d["text"], d["adopted_at"]],
    )


HANDLERS = {
    "CharterCreated": on_charter_created,
    "RoundOpened": on_round_opened,
    "RoundClosed": on_round_closed,
    "VersionAdopted": on_version_adopted,
    "DraftProposed": on_draft_proposed,
}
