"""Read model of what people add to pages: endorsements, photos, discussion, pilot evidence.

Watch lists are no read model: they are each account's private state (identity/watchlists.py). The
`PageWatched` and `PageUnwatched` events of older logs have no handler here, so a replay skips them.
"""

from __future__ import annotations

from typing import Any

from .knowledge import from_knowledge

DDL = """
CREATE TABLE kb_endorsements (
    item_id      text NOT NULL,
    organisation text NOT NULL,
    endorsed_by  text NOT NULL,
    at           timestamptz NOT NULL,
    PRIMARY KEY (item_id, organisation)
);
CREATE TABLE kb_photos (
    item_id     text NOT NULL,
    sha256      text NOT NULL,
    media_type  text NOT NULL,
    size        integer NOT NULL,
    alt_text    text NOT NULL,
    attached_by text NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (item_id, sha256)
);
CREATE TABLE kb_comments (
    comment_id text PRIMARY KEY,
    item_id    text NOT NULL,
    body       text NOT NULL,
    reply_to   text,
    posted_by  text NOT NULL,
    at         timestamptz NOT NULL,
    hidden     boolean NOT NULL DEFAULT false
);
CREATE INDEX kb_comments_by_item ON kb_comments (item_id, at, comment_id);
CREATE TABLE kb_evidence (
    barrier_id     text NOT NULL,
    pilot_id       text NOT NULL,
    pilot_title    text NOT NULL,
    organisation   text NOT NULL,
    solution_id    text,
    solution_title text,
    at             timestamptz NOT NULL,
    PRIMARY KEY (barrier_id, pilot_id)
);
"""

PHOTO_DECISION = (
    "INSERT INTO kb_decisions (item_id, version, kind, action, subject, moderator, reason, at)"
    " SELECT %s, %s::integer, %s, %s, %s, %s, %s, %s::timestamptz FROM kb_photos"
    " WHERE item_id = %s AND sha256 = %s AND attached_by <> %s"
)


def on_endorsed(id_field: str):
    """The handler of an endorsement whose page id is in `id_field`."""

    def apply(conn, env: dict[str, Any]) -> None:
        d = env["data"]
        conn.execute("INSERT INTO kb_endorsements (item_id, organisation, endorsed_by, at) VALUES (%s, %s, %s, %s)",
                     [d[id_field], d["organisation"], d["endorsed_by"], d["endorsed_at"]])

    return apply


def on_endorsement_withdrawn(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("DELETE FROM kb_endorsements WHERE item_id = %s AND organisation = %s",
                 [d["item_id"], d["organisation"]])


def on_photo_attached(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("INSERT INTO kb_photos (item_id, sha256, media_type, size, alt_text, attached_by, at)"
                 " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                 [d["item_id"], d["sha256"], d["media_type"], d["size"], d["alt_text"], d["attached_by"],
                  d["attached_at"]])


def on_photo_removed(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    # Removing someone else's photo is a moderator's decision, and so it is logged publicly.
    conn.execute(PHOTO_DECISION, [env["stream_id"], env["version"], env["stream_type"], env["type"],
                                  f"photo {d['sha256']}", d["removed_by"], d["reason"], d["removed_at"],
                                  d["item_id"], d["sha256"], d["removed_by"]])
    conn.execute("DELETE FROM kb_photos WHERE item_id = %s AND sha256 = %s", [d["item_id"], d["sha256"]])


def on_comment_posted(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("INSERT INTO kb_comments (comment_id, item_id, body, reply_to, posted_by, at)"
                 " VALUES (%s, %s, %s, %s, %s, %s)",
                 [d["comment_id"], d["item_id"], d["body"], d["reply_to"], d["posted_by"], d["posted_at"]])


def on_comment_hidden(conn, env: dict[str, Any]) -> None:
    conn.execute("UPDATE kb_comments SET hidden = true WHERE comment_id = %s", [env["data"]["comment_id"]])


def on_evidenced(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("INSERT INTO kb_evidence (barrier_id, pilot_id, pilot_title, organisation, solution_id,"
                 " solution_title, at) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (barrier_id, pilot_id)"
                 " DO UPDATE SET pilot_title = excluded.pilot_title, organisation = excluded.organisation,"
                 " solution_id = excluded.solution_id, solution_title = excluded.solution_title, at = excluded.at",
                 [d["barrier_id"], d["pilot_id"], d["pilot_title"], d["organisation"], d["solution_id"],
                  d["solution_title"], d["evidenced_at"]])


HANDLERS = from_knowledge({
    "BarrierEndorsed": on_endorsed("barrier_id"),
    "SolutionEndorsed": on_endorsed("solution_id"),
    "EndorsementWithdrawn": on_endorsement_withdrawn,
    "PhotoAttached": on_photo_attached,
    "PhotoRemoved": on_photo_removed,
    "CommentPosted": on_comment_posted,
    "CommentHidden": on_comment_hidden,
    "BarrierRemovalEvidenced": on_evidenced,
})
