"""Read model of comments on drafts and on quoted passages of them, threaded one level."""

from __future__ import annotations

from typing import Any

DDL = """
CREATE TABLE draft_comments (
    comment_id    text PRIMARY KEY,
    draft_id      text NOT NULL,
    author        text NOT NULL,
    body          text NOT NULL,
    reply_to      text,
    passage_start integer,
    passage_end   integer,
    quote         text,
    posted_at     timestamptz NOT NULL
);
CREATE INDEX draft_comments_by_draft ON draft_comments (draft_id, posted_at, comment_id);
"""


def on_comment_posted(conn, env: dict[str, Any]) -> None:
    if env["producer"] != "pledge":
        return  # the knowledge service publishes a CommentPosted of its own (page discussions)
    d = env["data"]
    conn.execute(
        "INSERT INTO draft_comments (comment_id, draft_id, author, body, reply_to, passage_start, passage_end,"
        " quote, posted_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [d["comment_id"], d["draft_id"], d["author"], d["body"], d["reply_to"], d["passage_start"],
         d["passage_end"], d["quote"], env["occurred_at"]],
    )


HANDLERS = {"CommentPosted": on_comment_posted}
