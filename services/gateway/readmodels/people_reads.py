"""What a person did, for their public profile: the drafts they proposed, their comments, their knowledge-base
edits and their organisations' endorsements, newest first (never anything hidden, never an e-mail)."""

from __future__ import annotations

from typing import Any

from psycopg import Cursor, sql

from ..identity.names import is_account_id
from ..identity.schema import SCHEMA as ACCOUNTS_SCHEMA

LIMIT = 50
DRAFTED = ("SELECT draft_id, charter_id, title, proposed_at FROM drafts WHERE author = %s"
           " ORDER BY proposed_at DESC, draft_id LIMIT %s")
COMMENTED = (
    "SELECT 'draft' AS on_kind, c.draft_id AS on_id, d.title, c.comment_id, c.posted_at AS at"
    " FROM draft_comments c JOIN drafts d USING (draft_id) WHERE c.author = %s"
    " UNION ALL SELECT p.kind, c.item_id, p.title, c.comment_id, c.at FROM kb_comments c"
    " JOIN kb_pages p USING (item_id) WHERE c.posted_by = %s AND NOT c.hidden AND NOT p.hidden"
    " ORDER BY at DESC, comment_id LIMIT %s"
)
EDITED = ("SELECT r.item_id, p.kind, p.title, r.number AS revision, r.change, r.at FROM kb_revisions r"
          " JOIN kb_pages p USING (item_id) WHERE r.author = %s AND NOT r.hidden AND NOT p.hidden"
          " ORDER BY r.at DESC, r.item_id, r.number LIMIT %s")
# The gateway owns both schemas, so its read pool may read the names it needs beside the read models.
NAMES = sql.SQL("SELECT account_id, display_name FROM {}.accounts WHERE account_id = ANY(%s)").format(
    sql.Identifier(ACCOUNTS_SCHEMA))
ENDORSED = ("SELECT e.item_id, p.kind, p.title, e.organisation, e.at FROM kb_endorsements e"
            " JOIN kb_pages p USING (item_id) WHERE e.endorsed_by = %s AND NOT p.hidden"
            " ORDER BY e.at DESC, e.item_id LIMIT %s")


def activity(cur: Cursor[dict[str, Any]], account_id: str) -> dict[str, list[dict[str, Any]]]:
    """The person's public work in the read models, each list newest first and at most LIMIT long."""
    return {
        "drafted": cur.execute(DRAFTED, [account_id, LIMIT]).fetchall(),
        "commented": cur.execute(COMMENTED, [account_id, account_id, LIMIT]).fetchall(),
        "edited": cur.execute(EDITED, [account_id, LIMIT]).fetchall(),
        "endorsed": cur.execute(ENDORSED, [account_id, LIMIT]).fetchall(),
    }


def names_of(cur: Cursor[dict[str, Any]], account_ids: list[str | None]) -> dict[str, str]:
    """The display names of those of `account_ids` that name an account (read at read time, never from events)."""
    wanted = sorted({i for i in account_ids if i and is_account_id(i)})
    if not wanted:
        return {}
    return {row["account_id"]: row["display_name"] for row in cur.execute(NAMES, [wanted]).fetchall()}
