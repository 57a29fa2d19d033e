"""Watch list feed keys: a random key per account that opens the Atom feed of its watch list, like MediaWiki's
watchlist token. Created on first need, reset by the person (old feed addresses then stop working).

Kept plainly, not as a SHA-256 like sessions and API tokens. A key only grants reading one watch list,
and that watch list sits in the same schema anyway (`watched_pages`, see watchlists.py): whoever could
read the stored keys could read the watch lists themselves, so a hash would protect nothing more. Kept
plainly, the watch list page can always show the person their feed address (a hash would allow showing
it only once, on reset), which is what someone pasting it into a feed reader needs. Presented keys are
still compared in constant time.
"""

from __future__ import annotations

from psycopg_pool import ConnectionPool

from shared.db import one

from .credentials import new_secret, same

# Compared against when the account has no key, so a miss costs the same as a wrong key.
_NO_KEY = new_secret()


class FeedKeys:
    """Feed keys in `gateway_auth.watchlist_feed_keys`, one per account."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def key(self, account_id: str) -> str:
        """The account's feed key, created now if it has none yet (of two first requests at once, both get one key)."""
        with self.pool.connection() as conn:
            # The no-op update makes RETURNING give the key already there.
            return one(conn.execute(
                "INSERT INTO watchlist_feed_keys (account_id, feed_key) VALUES (%s, %s) ON CONFLICT (account_id)"
                " DO UPDATE SET feed_key = watchlist_feed_keys.feed_key RETURNING feed_key",
                [account_id, new_secret()]))[0]

    def reset(self, account_id: str) -> str:
        """A new feed key for the account; the old one stops opening the feed."""
        with self.pool.connection() as conn:
            return one(conn.execute(
                "INSERT INTO watchlist_feed_keys (account_id, feed_key) VALUES (%s, %s) ON CONFLICT (account_id)"
                " DO UPDATE SET feed_key = EXCLUDED.feed_key, created_at = now() RETURNING feed_key",
                [account_id, new_secret()]))[0]

    def opens(self, account_id: str, presented: str) -> bool:
        """Whether `presented` is the account's feed key (False for an unknown account or one without a key)."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT feed_key FROM watchlist_feed_keys WHERE account_id = %s",
                               [account_id]).fetchone()
        return same(presented, row[0] if row else _NO_KEY) and row is not None
