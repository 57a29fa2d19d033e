"""Read model of moderation in the open: every public decision, the flags awaiting one, protections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .knowledge import from_knowledge

DDL = """
CREATE TABLE kb_decisions (
    item_id   text NOT NULL,
    version   integer NOT NULL,
    kind      text NOT NULL,
    action    text NOT NULL,
    revision  integer,
    subject   text,  -- what else the decision concerns: a comment, a photo, the edits reverted
    moderator text NOT NULL,
    reason    text NOT NULL,
    at        timestamptz NOT NULL,
    PRIMARY KEY (item_id, version)
);
CREATE INDEX kb_decisions_recent ON kb_decisions (at DESC, item_id, version);
CREATE TABLE kb_flags (
    flag_id    text PRIMARY KEY,
    item_id    text NOT NULL,
    kind       text NOT NULL,
    revision   integer,
    reason     text NOT NULL,
    flagged_by text NOT NULL,
    at         timestamptz NOT NULL,
    status     text NOT NULL DEFAULT 'open',  -- open; actioned once the flagged content is hidden; or dismissed
    dismissed_by     text,
    dismissed_at     timestamptz,
    dismissal_reason text
);
CREATE INDEX kb_flags_by_status ON kb_flags (status, at);
CREATE TABLE kb_protection (
    item_id   text PRIMARY KEY,
    until     timestamptz NOT NULL,
    reason    text NOT NULL,
    moderator text NOT NULL,
    at        timestamptz NOT NULL
);
"""

DECISION = ("INSERT INTO kb_decisions (item_id, version, kind, action, revision, subject, moderator, reason, at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)")


def record_decision(conn, env: dict[str, Any], moderator: str, at: str, subject: str | None = None) -> None:
    """Log a moderator's decision, publicly: what, on which page and revision, by whom, when and why."""
    d = env["data"]
    conn.execute(DECISION, [env["stream_id"], env["version"], env["stream_type"], env["type"], d.get("revision"),
                            subject, moderator, d["reason"], at])


def decided(at_field: str, subject: Callable[[dict], str | None] = lambda d: None) -> Callable:
    """The handler logging a decision whose time is in `at_field`."""

    def apply(conn, env: dict[str, Any]) -> None:
        d = env["data"]
        record_decision(conn, env, d["moderator"], d[at_field], subject(d))

    return apply


def on_flagged(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("INSERT INTO kb_flags (flag_id, item_id, kind, revision, reason, flagged_by, at)"
                 " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                 [d["flag_id"], env["stream_id"], env["stream_type"], d["revision"], d["reason"], d["flagged_by"],
                  d["flagged_at"]])


def on_item_hidden(conn, env: dict[str, Any]) -> None:
    decided("hidden_at")(conn, env)
    conn.execute("UPDATE kb_flags SET status = 'actioned' WHERE item_id = %s AND status = 'open'", [env["stream_id"]])


def on_revision_hidden(conn, env: dict[str, Any]) -> None:
    decided("hidden_at")(conn, env)
    conn.execute("UPDATE kb_flags SET status = 'actioned' WHERE item_id = %s AND revision = %s AND status = 'open'",
                 [env["stream_id"], env["data"]["revision"]])


def on_flag_dismissed(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    decided("dismissed_at", lambda d: f"flag {d['flag_id']}")(conn, env)
    conn.execute("UPDATE kb_flags SET status = 'dismissed', dismissed_by = %s, dismissed_at = %s, dismissal_reason = %s"
                 " WHERE flag_id = %s AND item_id = %s",
                 [d["moderator"], d["dismissed_at"], d["reason"], d["flag_id"], env["stream_id"]])


def on_protected(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    decided("protected_at", lambda d: f"until {d['protected_until']}")(conn, env)
    conn.execute("INSERT INTO kb_protection (item_id, until, reason, moderator, at) VALUES (%s, %s, %s, %s, %s)"
                 " ON CONFLICT (item_id) DO UPDATE SET until = excluded.until, reason = excluded.reason,"
                 " moderator = excluded.moderator, at = excluded.at",
                 [env["stream_id"], d["protected_until"], d["reason"], d["moderator"], d["protected_at"]])


def on_unprotected(conn, env: dict[str, Any]) -> None:
    decided("unprotected_at")(conn, env)
    conn.execute("DELETE FROM kb_protection WHERE item_id = %s", [env["stream_id"]])


def reverted(d: dict) -> str:
    """What a revert undid."""
    numbers = ", ".join(str(n) for n in d["reverted_revisions"])
    return f"revisions {numbers} by {d['reverted_author']}, back to revision {d['restored_revision']}"


HANDLERS = from_knowledge({
    "ItemFlagged": on_flagged,
    "FlagDismissed": on_flag_dismissed,
    "ItemHidden": on_item_hidden,
    "ItemRestored": decided("restored_at"),
    "RevisionHidden": on_revision_hidden,
    "RevisionReinstated": decided("reinstated_at"),
    "PageProtected": on_protected,
    "PageUnprotected": on_unprotected,
    "EditsReverted": decided("reverted_at", reverted),
    "CommentHidden": decided("hidden_at", lambda d: f"comment {d['comment_id']}"),
})
