"""Read model of charters and their drafts, from `charter.pledge.v1`."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

DDL = """
CREATE TABLE IF NOT EXISTS charters (
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
CREATE TABLE IF NOT EXISTS drafts (
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
CREATE INDEX IF NOT EXISTS drafts_by_charter ON drafts (charter_id, proposed_at, draft_id);
"""


def on_charter_created(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(
        "INSERT INTO charters (charter_id, title, purpose, steward, created_at) VALUES (%s, %s, %s, %s, %s)",
        [d["charter_id"], d["title"], d["purpose"], d["steward"], env["occurred_at"]],
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


HANDLERS = {
    "CharterCreated": on_charter_created,
    "RoundOpened": on_round_opened,
    "DraftProposed": on_draft_proposed,
}
