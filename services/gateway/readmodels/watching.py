"""Watching pages: the knowledge read model says whether a page may be watched, the account's watch list keeps it."""

from __future__ import annotations

from datetime import datetime

from shared.db import DictCursor
from shared.http import RequestRefused

from ..identity.watchlists import Watchlists, WatchRefused
from .knowledge_reads import KINDS

PAGE_STATE = "SELECT hidden FROM kb_pages WHERE item_id = %s AND kind = %s"


def watch(cur: DictCursor, watchlists: Watchlists, account_id: str, kinds: str, item_id: str) -> datetime:
    """Put a visible page on the account's watch list: 404 naming `<kind>_id` if unknown, 409 if hidden."""
    kind = KINDS[kinds]
    page = cur.execute(PAGE_STATE, [item_id, kind]).fetchone()
    if page is None:
        message = f"there is no {kind} {item_id}"
        raise RequestRefused(404, "not_found", message, {f"{kind}_id": [message]})
    if page["hidden"]:
        raise as_refusal(WatchRefused(409, "a hidden page cannot be watched"))
    try:
        return watchlists.watch(account_id, item_id)
    except WatchRefused as exc:
        raise as_refusal(exc) from None


def unwatch(watchlists: Watchlists, account_id: str, item_id: str) -> None:
    """Take a page off the account's watch list (404 naming `item_id` if it is not on it)."""
    try:
        watchlists.unwatch(account_id, item_id)
    except WatchRefused as exc:
        raise as_refusal(exc) from None


def as_refusal(exc: WatchRefused) -> RequestRefused:
    """A watch list's refusal in the API's error shape, naming `item_id`."""
    return RequestRefused(exc.status, "not_found" if exc.status == 404 else "conflict", exc.message,
                          {"item_id": [exc.message]})
