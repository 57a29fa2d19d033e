"""What a page's forms need beyond the page itself: whether the reader watches it, and the run of edits a moderator
can revert."""

from __future__ import annotations

from itertools import takewhile
from typing import Any

from shared.contract.vocabulary import MODERATOR
from shared.db import DictCursor

from ..edge.auth import current_principal
from ..identity.watchlists import WATCHED_PAGES
from .web import has_role

LATEST_REVISIONS = "SELECT number, author, hidden FROM kb_revisions WHERE item_id = %s ORDER BY number DESC LIMIT 500"


def watching(cur: DictCursor, item_id: str) -> bool:
    """Whether the signed-in reader has the page on their watch list."""
    principal = current_principal()
    if principal is None:
        return False
    found = cur.execute(f"SELECT 1 FROM {WATCHED_PAGES} WHERE account_id = %s AND item_id = %s",
                        [principal.account_id, item_id]).fetchone()
    return found is not None


def revertible_run(cur: DictCursor, item_id: str) -> dict[str, Any] | None:
    """The latest run of revisions by one author and the visible revision before it, as the revert command sees
    them; None when there is nothing earlier to go back to."""
    rows = cur.execute(LATEST_REVISIONS, [item_id]).fetchall()
    if not rows:
        return None
    author = rows[0]["author"]
    run = list(takewhile(lambda r: r["author"] == author, rows))
    since = next((r["number"] for r in rows[len(run):] if not r["hidden"]), None)
    if since is None:
        return None
    return {"author": author, "since": since, "revisions": [r["number"] for r in reversed(run)]}


def reader_state(cur: DictCursor, item_id: str) -> dict[str, Any]:
    """What the page's forms show this reader: their watch button, and a moderator's revert form."""
    return {"watching": watching(cur, item_id),
            "revert": revertible_run(cur, item_id) if has_role(MODERATOR) else None}
