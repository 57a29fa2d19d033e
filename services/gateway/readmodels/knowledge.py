"""Read model of knowledge pages: each barrier's and solution's revisions, current content and search."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from psycopg.types.json import Jsonb

from shared.projection import Handler

# What each kind of page says in one revision: the content fields of its Proposed/Edited events.
CONTENT = {
    "barrier": ("title", "description", "category", "tags"),
    "solution": ("title", "body", "steps", "barrier_ids", "organisations", "tags"),
}
# How a list field reads as one text in word diffs: steps and organisations a line each, ids and tags spaced.
LIST_JOINERS = {"steps": "\n", "organisations": "\n", "barrier_ids": " ", "tags": " "}


def text_fields(kind: str, content: Mapping[str, Any]) -> dict[str, str]:
    """Each content field of one revision of a `kind` page as plain text, for word diffs."""
    return {name: LIST_JOINERS[name].join(content[name]) if name in LIST_JOINERS else content[name]
            for name in CONTENT[kind]}

DDL = """
CREATE TABLE kb_pages (
    item_id      text PRIMARY KEY,
    kind         text NOT NULL,
    revision     integer,  -- the latest visible revision; NULL while every revision is hidden
    content      jsonb,
    title        text NOT NULL DEFAULT '',
    body         text NOT NULL DEFAULT '',
    category     text,
    tags         text[] NOT NULL DEFAULT '{}',
    barrier_ids  text[] NOT NULL DEFAULT '{}',
    search_extra text NOT NULL DEFAULT '',
    hidden       boolean NOT NULL DEFAULT false,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    search       tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, body), 'B')
        || setweight(to_tsvector('english'::regconfig, search_extra), 'C')) STORED
);
CREATE INDEX kb_pages_search ON kb_pages USING gin (search);
CREATE INDEX kb_pages_tags ON kb_pages USING gin (tags);
CREATE INDEX kb_pages_barrier_ids ON kb_pages USING gin (barrier_ids);
CREATE INDEX kb_pages_browse ON kb_pages (kind, category, updated_at DESC, item_id);
CREATE TABLE kb_revisions (
    item_id       text NOT NULL,
    number        integer NOT NULL,
    change        text NOT NULL,  -- proposed, edited, restored or reverted
    content       jsonb NOT NULL,
    author        text NOT NULL,
    summary       text NOT NULL,
    at            timestamptz NOT NULL,
    restored_from integer,
    hidden        boolean NOT NULL DEFAULT false,
    PRIMARY KEY (item_id, number)
);
CREATE INDEX kb_revisions_recent ON kb_revisions (at DESC, item_id, number);
"""

# The page shows its latest visible revision: recomputed whenever revisions or their visibility change.
REFRESH = """
UPDATE kb_pages p SET
    revision = r.number,
    content = r.content,
    title = coalesce(r.content->>'title', ''),
    body = coalesce(r.content->>'description', r.content->>'body', ''),
    category = r.content->>'category',
    tags = ARRAY(SELECT jsonb_array_elements_text(r.content->'tags')),
    barrier_ids = ARRAY(SELECT jsonb_array_elements_text(r.content->'barrier_ids')),
    search_extra = coalesce((SELECT string_agg(v, ' ') FROM jsonb_array_elements_text(
        coalesce(r.content->'tags', '[]') || coalesce(r.content->'steps', '[]')
        || coalesce(r.content->'organisations', '[]')) v), ''),
    updated_at = coalesce(r.at, p.updated_at)
FROM (SELECT 1) one LEFT JOIN LATERAL (
    SELECT number, content, at FROM kb_revisions WHERE item_id = %(id)s AND NOT hidden ORDER BY number DESC LIMIT 1
) r ON true
WHERE p.item_id = %(id)s
"""

REVISION = ("INSERT INTO kb_revisions (item_id, number, change, content, author, summary, at, restored_from)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)")
COPIED_REVISION = ("INSERT INTO kb_revisions (item_id, number, change, content, author, summary, at, restored_from)"
                   " SELECT item_id, %s::integer, %s, content, %s, %s, %s::timestamptz, number FROM kb_revisions"
                   " WHERE item_id = %s AND number = %s")


def from_knowledge(handlers: Mapping[str, Handler]) -> dict[str, Handler]:
    """Handlers applied only to the knowledge service's events: type names repeat across services."""

    def only(handler: Handler) -> Handler:
        def apply(conn, env: dict[str, Any]) -> None:
            if env["producer"] == "knowledge":
                handler(conn, env)

        return apply

    return {type_name: only(h) for type_name, h in handlers.items()}


def refresh(conn, item_id: str) -> None:
    """Bring the page's current content in line with its latest visible revision."""
    conn.execute(REFRESH, {"id": item_id})


def on_proposed(kind: str) -> Callable[[Any, dict[str, Any]], None]:
    """The handler of a new page of `kind`."""

    def apply(conn, env: dict[str, Any]) -> None:
        d = env["data"]
        conn.execute("INSERT INTO kb_pages (item_id, kind, created_by, created_at, updated_at)"
                     " VALUES (%s, %s, %s, %s, %s)", [env["stream_id"], kind, d["author"], d["proposed_at"],
                                                      d["proposed_at"]])
        on_edited(kind)(conn, env)

    return apply


def on_edited(kind: str) -> Callable[[Any, dict[str, Any]], None]:
    """The handler of a new revision of a page of `kind`."""

    def apply(conn, env: dict[str, Any]) -> None:
        d = env["data"]
        change = "proposed" if d["revision"] == 1 else "edited"
        content = {name: d[name] for name in CONTENT[kind]}
        conn.execute(REVISION, [env["stream_id"], d["revision"], change, Jsonb(content), d["author"], d["summary"],
                                d.get("edited_at") or d["proposed_at"], None])
        refresh(conn, env["stream_id"])

    return apply


def on_restored(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(COPIED_REVISION, [d["revision"], "restored", d["restored_by"], d["summary"], d["restored_at"],
                                   env["stream_id"], d["restored_revision"]])
    refresh(conn, env["stream_id"])


def on_reverted(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(COPIED_REVISION, [d["revision"], "reverted", d["moderator"], d["reason"], d["reverted_at"],
                                   env["stream_id"], d["restored_revision"]])
    refresh(conn, env["stream_id"])


def revision_visibility(hidden: bool) -> Callable[[Any, dict[str, Any]], None]:
    """The handler that hides or reinstates one revision."""

    def apply(conn, env: dict[str, Any]) -> None:
        conn.execute("UPDATE kb_revisions SET hidden = %s WHERE item_id = %s AND number = %s",
                     [hidden, env["stream_id"], env["data"]["revision"]])
        refresh(conn, env["stream_id"])

    return apply


def page_visibility(hidden: bool) -> Callable[[Any, dict[str, Any]], None]:
    """The handler that hides or restores a whole page."""

    def apply(conn, env: dict[str, Any]) -> None:
        conn.execute("UPDATE kb_pages SET hidden = %s WHERE item_id = %s", [hidden, env["stream_id"]])

    return apply


HANDLERS = from_knowledge({
    "BarrierProposed": on_proposed("barrier"),
    "BarrierEdited": on_edited("barrier"),
    "SolutionProposed": on_proposed("solution"),
    "SolutionEdited": on_edited("solution"),
    "RevisionRestored": on_restored,
    "EditsReverted": on_reverted,
    "RevisionHidden": revision_visibility(True),
    "RevisionReinstated": revision_visibility(False),
    "ItemHidden": page_visibility(True),
    "ItemRestored": page_visibility(False),
})
