"""Watch lists as each account's private state, against a real PostgreSQL: refusals, the bound, older deployments."""

import uuid
from datetime import UTC, datetime

import psycopg
import pytest
from psycopg import sql

from services.gateway.identity.accounts import Accounts
from services.gateway.identity.schema import migrate
from services.gateway.identity.watchlists import MAX_WATCHED, Watchlists, WatchRefused
from services.knowledge.domain.watchlists import PageWatched
from shared.db import connect_pool
from shared.envelope import CommandMeta, new_envelope

OLD_READ_MODEL = """
CREATE TABLE {} (user_id text NOT NULL, item_id text NOT NULL, watched_at timestamptz NOT NULL,
                 PRIMARY KEY (user_id, item_id))
"""
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def read_models(database_url):
    """A schema standing for an older deployment's read models."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


def someone(pool) -> str:
    return Accounts(pool).create(f"{uuid.uuid4().hex[:10]}@example.org", "a long enough password")


def watched(pool, account_id: str) -> set[str]:
    with pool.connection() as conn:
        return {r[0] for r in conn.execute("SELECT item_id FROM watched_pages WHERE account_id = %s", [account_id])}


def test_each_person_watches_pages_on_their_own_list(auth_pool):
    watchlists, alice, bob = Watchlists(auth_pool), someone(auth_pool), someone(auth_pool)

    watchlists.watch(alice, "page-1")
    watchlists.watch(alice, "page-2")
    watchlists.watch(bob, "page-1")

    assert watched(auth_pool, alice) == {"page-1", "page-2"} and watched(auth_pool, bob) == {"page-1"}


def test_watching_a_page_twice_is_refused(auth_pool):
    watchlists, alice = Watchlists(auth_pool), someone(auth_pool)
    watchlists.watch(alice, "page-1")

    with pytest.raises(WatchRefused) as refused:
        watchlists.watch(alice, "page-1")

    assert refused.value.status == 409 and watched(auth_pool, alice) == {"page-1"}


def test_unwatching_takes_the_page_off_and_a_page_not_watched_cannot_be_unwatched(auth_pool):
    watchlists, alice = Watchlists(auth_pool), someone(auth_pool)
    watchlists.watch(alice, "page-1")

    watchlists.unwatch(alice, "page-1")
    with pytest.raises(WatchRefused) as refused:
        watchlists.unwatch(alice, "page-1")

    assert refused.value.status == 404 and watched(auth_pool, alice) == set()


def test_a_watch_list_holds_a_bounded_number_of_pages(auth_pool):
    watchlists, alice = Watchlists(auth_pool), someone(auth_pool)
    with auth_pool.connection() as conn:
        conn.execute("INSERT INTO watched_pages (account_id, item_id) SELECT %s, 'page-' || n"
                     " FROM generate_series(1, %s) n", [alice, MAX_WATCHED])

    with pytest.raises(WatchRefused) as refused:
        watchlists.watch(alice, "one-too-many")
    watchlists.unwatch(alice, "page-1")
    watchlists.watch(alice, "one-too-many")

    assert refused.value.status == 409 and len(watched(auth_pool, alice)) == MAX_WATCHED


def test_an_older_deployments_watch_lists_move_out_of_its_read_models_once(database_url, schema, auth_pool,
                                                                          read_models):
    watchlists, alice = Watchlists(auth_pool), someone(auth_pool)
    watchlists.watch(alice, "page-2")
    retired = sql.Identifier(read_models, "kb_watches")
    rows = [(alice, "page-1", T0), (alice, "page-2", T0), ("no-account", "page-1", T0)]
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL(OLD_READ_MODEL).format(retired))
        conn.cursor().executemany(sql.SQL("INSERT INTO {} VALUES (%s, %s, %s)").format(retired), rows)

        migrate(conn, schema, read_models=read_models)
        adopted = watched(auth_pool, alice)
        left = conn.execute("SELECT to_regclass(%s)", [f"{read_models}.kb_watches"]).fetchone()[0]
        watchlists.unwatch(alice, "page-1")
        migrate(conn, schema, read_models=read_models)

    assert adopted == {"page-1", "page-2"} and left is None
    assert watched(auth_pool, alice) == {"page-2"}
    with auth_pool.connection() as conn:
        assert conn.execute("SELECT count(*) FROM watched_pages WHERE account_id = 'no-account'").fetchone()[0] == 0


def test_the_read_models_skip_the_watch_events_of_an_older_log(database_url, schema):
    from deploy.migrate import migrate as migrate_all
    from services.gateway.projector import build_projection

    migrate_all(database_url, gateway_schema=schema)
    event = PageWatched("user-alice", str(uuid.uuid4()), "barrier", "2025-03-03T09:00:00Z")
    envelope = new_envelope(event, stream_type="watchlist", stream_id="watchlist:user-alice", version=1, position=1,
                            occurred_at=T0, producer="knowledge", meta=CommandMeta("user-alice", "c", "c"),
                            prev_hash="0" * 64) | {"hash": "0" * 64}
    pool = connect_pool(database_url, max_size=1, name="old-log", search_path=schema)
    try:
        applied = build_projection(pool, schema).apply([envelope])
        with pool.connection() as conn:
            tables = {r[0] for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])}
    finally:
        pool.close()

    assert applied == 1 and "kb_watches" not in tables
