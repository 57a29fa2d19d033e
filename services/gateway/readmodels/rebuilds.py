"""Read models are never altered in place: each release's are built from the log into a fresh schema and swapped in.

A read-model schema records the fingerprint of the code that built it: `VERSION` (raised by hand when a handler's
output changes, e.g. a projection fix) and a hash of every read model's DDL (so a changed table can never be
forgotten). Migrating a schema whose fingerprint differs builds `<schema>_next` from the whole log, tops it up with
what was stored meanwhile while the live projector waits, and renames it into place in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping

import psycopg
from psycopg import sql

from shared import migrations
from shared.db import connect_pool, table_exists
from shared.projection import Projection

from . import ddl, handlers

VERSION = 1
# Envelopes stored after each producer's position (a producer missing from the map: from its start).
Log = Callable[[Mapping[str, int]], list[dict]]
# Grants the rebuilt schema what the live one has, in the swap's transaction (the deployment knows the roles).
Prepare = Callable[[psycopg.Connection, str], None]


def fingerprint() -> str:
    """What built a read-model schema: the handlers' version and the tables' shape, its consumer's bookkeeping too."""
    shape = ddl() + "".join(m.checksum for c in migrations.CONSUMER for m in c.files())
    return f"{VERSION}-{hashlib.sha256(shape.encode()).hexdigest()[:16]}"


def create(conn: psycopg.Connection, schema: str) -> None:
    """Empty read models and their consumer's bookkeeping in a new `schema`, stamped with the fingerprint."""
    Projection(None, schema, {}).migrate(conn)
    target = sql.Identifier(schema)
    conn.execute(sql.SQL("SET search_path TO {}").format(target))
    conn.execute(ddl())
    conn.execute(sql.SQL("CREATE TABLE {}.read_model_version (fingerprint text NOT NULL)").format(target))
    conn.execute(sql.SQL("INSERT INTO {}.read_model_version VALUES (%s)").format(target), [fingerprint()])


def recorded(conn: psycopg.Connection, schema: str) -> str | None:
    """The fingerprint `schema` was built with; '' for read models built before fingerprints, None for none."""
    if not table_exists(conn, schema, "stream_checkpoints"):
        return None
    if not table_exists(conn, schema, "read_model_version"):
        return ""
    row = conn.execute(sql.SQL("SELECT fingerprint FROM {}.read_model_version")
                       .format(sql.Identifier(schema))).fetchone()
    return row[0] if row else ""


def build(database_url: str, envelopes: Iterable[dict], schema: str,
          progress: Callable[[int], None] | None = None, batch: int = 2000) -> dict[str, int]:
    """Project `envelopes` into `schema` (created if new); returns the last position applied per producer.

    Events are applied in the order they occurred across services, so read models that join streams see them
    as the live projector normally does.
    """
    with psycopg.connect(database_url, autocommit=True) as conn:
        if recorded(conn, schema) is None:
            create(conn, schema)
    chosen = sorted(envelopes, key=lambda e: (e["occurred_at"], e["producer"], e["position"]))
    reached: dict[str, int] = {}
    pool = connect_pool(database_url, max_size=1, name="rebuild", search_path=schema)
    try:
        projection = Projection(pool, schema, handlers())
        for i in range(0, len(chosen), batch):
            projection.apply(chosen[i:i + batch])
            if progress:
                progress(len(chosen[i:i + batch]))
    finally:
        pool.close()
    for env in chosen:
        reached[env["producer"]] = max(reached.get(env["producer"], 0), env["position"])
    return reached


def migrate(database_url: str, schema: str, log: Log, prepare: Prepare | None = None) -> str:
    """Bring the read models in `schema` to this release: 'created', 'current' or 'rebuilt' (and swapped in)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        found = recorded(conn, schema)
        if found is None:
            create(conn, schema)
            return "created"
        if found == fingerprint():
            return "current"
    swap_in(database_url, schema, log, prepare)
    return "rebuilt"


def swap_in(database_url: str, live: str, log: Log, prepare: Prepare | None = None) -> None:
    """Rebuild `live` from the whole log beside it, then rename the rebuilt schema into its place."""
    fresh, retired = f"{live}_next", f"{live}_retired"
    with psycopg.connect(database_url, autocommit=True) as conn:
        for schema in (fresh, retired):  # what a rebuild that died half-way left behind
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
    reached = build(database_url, log({}), fresh)
    with psycopg.connect(database_url) as conn, conn.transaction():
        # The live projector may still be applying: holding its checkpoints makes it wait at its next commit, so
        # whatever it applied is stored by now and this top-up brings the rebuilt schema level with it.
        conn.execute(sql.SQL("LOCK TABLE {}.stream_checkpoints IN EXCLUSIVE MODE").format(sql.Identifier(live)))
        build(database_url, log(reached), fresh)
        _keep_feed_order(conn, live, fresh)
        if prepare:
            prepare(conn, fresh)
        conn.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(live), sql.Identifier(retired)))
        conn.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(fresh), sql.Identifier(live)))
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(retired)))


def _keep_feed_order(conn: psycopg.Connection, live: str, fresh: str) -> None:
    """The feed's `seq` is the live stream's resume point (Last-Event-ID): a rebuild keeps every live row's seq
    and numbers only the events the live feed lacks, after them."""
    old, new = sql.Identifier(live, "feed"), sql.Identifier(fresh, "feed")
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in _shared_columns(conn, live, fresh, "feed"))
    conn.execute(sql.SQL("DELETE FROM {} f WHERE EXISTS (SELECT 1 FROM {} o WHERE o.event_id = f.event_id)")
                 .format(new, old))
    # Past every seq either feed holds, so no renumbered row meets another on the way.
    conn.execute(sql.SQL("UPDATE {} SET seq = seq + (SELECT coalesce(max(seq), 0) FROM {})"
                         " + (SELECT coalesce(max(seq), 0) FROM {})").format(new, old, new))
    conn.execute(sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(new, columns, columns, old))
    conn.execute(sql.SQL("SELECT setval(pg_get_serial_sequence(%s, 'seq'), (SELECT coalesce(max(seq), 0) + 1 FROM {}),"
                         " false)").format(new), [f"{fresh}.feed"])


def _shared_columns(conn: psycopg.Connection, a: str, b: str, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s"
        " AND column_name IN (SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = %s AND table_name = %s) ORDER BY ordinal_position", [a, table, b, table])
    return [r[0] for r in rows]
