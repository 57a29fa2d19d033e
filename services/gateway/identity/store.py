"""Everything the gateway keeps about identity, built from Settings on its own pool (`gateway_auth`)."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg_pool import ConnectionPool

from shared.config import Settings
from shared.db import connect_pool, deadlines

from .accounts import Accounts
from .feed_keys import FeedKeys
from .idempotency import IdempotencyKeys
from .limits import Limit, SignInLimiter, WriteLimiter
from .schema import SCHEMA
from .sessions import Sessions
from .tokens import ApiTokens
from .watchlists import Watchlists


@dataclass(frozen=True)
class Identity:
    """Accounts, sessions, API tokens, limits, watch lists and their feed keys, idempotency keys, on one pool."""

    pool: ConnectionPool
    accounts: Accounts
    sessions: Sessions
    tokens: ApiTokens
    signin_limits: SignInLimiter
    write_limits: WriteLimiter
    email_salt: str
    feed_keys: FeedKeys
    watchlists: Watchlists
    idempotency: IdempotencyKeys

    def change_password(self, account_id: str, current: str, new: str, session_id: str | None) -> bool:
        """Replace the password if `current` is right, and sign out the account's other sessions: whoever
        learnt the old password is not left signed in. False (nothing changed) if `current` is wrong."""
        if not self.accounts.change_password(account_id, current, new):
            return False
        self.sessions.end_others(account_id, keeping=session_id)
        return True


def build(settings: Settings, pool: ConnectionPool | None = None) -> Identity:
    """The identity store on `pool`, or on a new pool whose search_path is `gateway_auth`."""
    pool = pool or connect_pool(settings.database_url, max_size=8, name="gateway-auth", search_path=SCHEMA,
                                **deadlines(settings))
    signin = {
        "email": Limit(settings.signin_max_failures, settings.signin_window_s, settings.signin_lockout_s),
        "ip": Limit(settings.signin_ip_max_failures, settings.signin_window_s, settings.signin_lockout_s),
    }
    return Identity(
        pool=pool, accounts=Accounts(pool), sessions=Sessions(pool, settings.session_ttl_s), tokens=ApiTokens(pool),
        signin_limits=SignInLimiter(pool, signin),
        write_limits=WriteLimiter(pool, Limit(settings.write_rate_limit, settings.write_rate_window_s)),
        email_salt=settings.email_salt, feed_keys=FeedKeys(pool), watchlists=Watchlists(pool),
        idempotency=IdempotencyKeys(pool, settings.idempotency_ttl_s),
    )
