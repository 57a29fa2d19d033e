"""Watch lists: the pages each account follows, kept as the account's own private state.

Which pages someone follows is their reading preference, not a public fact (MediaWiki never publishes
a watch list either). So it lives here, beside the account's sessions and feed key, and never becomes
an event: the public log, its topics, the live stream and webhooks do not learn who watches what.
"""

from __future__ import annotations

from datetime import datetime

from psycopg_pool import ConnectionPool

from shared.db import one

from .schema import SCHEMA

MAX_WATCHED = 1000
# The table as the read models' queries name it: their connections search another schema.
WATCHED_PAGES = f"{SCHEMA}.watched_pages"


class WatchRefused(Exception):
    """A change the watch list refuses (404 or 409); it concerns the `item_id`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class Watchlists:
    """Watch lists in `gateway_auth.watched_pages`, one row per account and page."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def watch(self, account_id: str, item_id: str) -> datetime:
        """Put a page on the account's watch list and say when; the caller has checked that it is visible."""
        with self.pool.connection() as conn, conn.transaction():
            # One change to a person's list at a time, so two watches at once cannot both pass the bound.
            conn.execute("SELECT 1 FROM accounts WHERE account_id = %s FOR NO KEY UPDATE", [account_id])
            total, already = one(conn.execute(
                "SELECT count(*), count(*) FILTER (WHERE item_id = %s) FROM watched_pages WHERE account_id = %s",
                [item_id, account_id]))
            if already:
                raise WatchRefused(409, "you already watch this page")
            if total >= MAX_WATCHED:
                raise WatchRefused(409, f"a watch list holds at most {MAX_WATCHED} pages")
            return one(conn.execute(
                "INSERT INTO watched_pages (account_id, item_id) VALUES (%s, %s) RETURNING watched_at",
                [account_id, item_id]))[0]

    def unwatch(self, account_id: str, item_id: str) -> None:
        """Take a page off the account's watch list, even one hidden or gone since."""
        with self.pool.connection() as conn:
            removed = conn.execute("DELETE FROM watched_pages WHERE account_id = %s AND item_id = %s",
                                   [account_id, item_id]).rowcount
        if not removed:
            raise WatchRefused(404, "you do not watch this page")
