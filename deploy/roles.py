"""Least privilege in the database: a role per kind of process, owning its schema and reaching no other.

Run by the migrations, as the owner of the database (the embedded server's superuser, or a production
admin that may create roles), after every table exists; each step is idempotent.

- Each domain service's role owns its schema: its event store, relay checkpoint, heartbeats, parked and held
  events. Owning it, the service creates what its processes create at start, and nobody else can read it.
- The projector's role owns the read models (`gateway`) and writes nothing else.
- The webhook dispatcher's role owns `gateway_hooks` (subscriptions, deliveries, its consumer's bookkeeping).
- The gateway's role owns the accounts (`gateway_auth`), reads the read models and `gateway_hooks`, and writes
  exactly what its HTTP API changes there: subscriptions, a dead delivery sent again, an operator's retry or
  skip of a parked event. It may create schemas: the as-of read models it rebuilds on request are its own.
- The auditor's role reads every schema and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg import sql

from shared.config import DATABASE_ROLES

OWNERS = {"pledge": "pledge", "knowledge": "knowledge", "pilots": "pilots",
          "gateway": "projector", "gateway_auth": "gateway", "gateway_hooks": "webhooks"}
READERS = {"gateway": ("gateway",), "gateway_hooks": ("gateway",)}
WRITERS = {  # (schema, table): (role, what it may do to the rows)
    ("gateway_hooks", "subscriptions"): ("gateway", "INSERT, UPDATE, DELETE"),
    ("gateway_hooks", "deliveries"): ("gateway", "UPDATE"),
    ("gateway_hooks", "parked_events"): ("gateway", "UPDATE"),
    ("gateway", "parked_events"): ("gateway", "UPDATE"),
}
# Tables no reader is granted, the auditor included: the data subjects' keys (shared/subject_keys.py), which only
# their own service uses; a copy read elsewhere would outlive an erasure.
UNREAD = (("pledge", "data_subjects"), ("pilots", "data_subjects"))
# Tables, partitioned tables, views, materialized views; a sequence owned by a column follows its table.
RELATIONS = """
SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relowner <> to_regrole(%s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.deptype IN ('a', 'i'))
"""
KINDS = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
# Roles are the server's, not one database's: migrations of two databases may create one at the same moment.
CREATE_ROLE = """
DO $$ BEGIN
    CREATE ROLE {role} LOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$
"""


def apply(conn: psycopg.Connection, passwords_dir: str = "") -> None:
    """Create every role, hand each schema to its owner, and grant the readers and writers what they need."""
    superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
    for role in DATABASE_ROLES.values():
        conn.execute(sql.SQL(CREATE_ROLE).format(role=sql.Identifier(role)))
        _password(conn, role, Path(passwords_dir) / role if passwords_dir else None)
        if not superuser:  # an admin that is not a superuser hands objects to a role only as a member of it
            conn.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(role)))
    database = sql.Identifier(conn.info.dbname)
    conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
        database, sql.SQL(", ").join(sql.Identifier(r) for r in DATABASE_ROLES.values())))
    conn.execute(sql.SQL("GRANT CREATE ON DATABASE {} TO {}").format(database, _role("gateway")))
    for schema, owner in OWNERS.items():
        if not _exists(conn, schema):  # a migration into other schema names (a test's) has no `gateway`
            continue
        _own(conn, schema, owner)
        for reader in (*READERS.get(schema, ()), "auditor"):
            _read(conn, schema, owner, reader)
    for schema, table in UNREAD:
        if conn.execute("SELECT to_regclass(%s)", [f"{schema}.{table}"]).fetchone()[0] is not None:
            conn.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(schema, table), _role("auditor")))
    for (schema, table), (role, privileges) in WRITERS.items():
        if _exists(conn, schema):
            conn.execute(sql.SQL("GRANT {} ON {} TO {}").format(sql.SQL(privileges), sql.Identifier(schema, table),
                                                                _role(role)))


def hand_over(conn: psycopg.Connection, schema: str, like: str) -> None:
    """Give `schema` the owner and grants `like` has (a rebuilt read-model schema, before it is swapped in)."""
    if like not in OWNERS:
        return
    _own(conn, schema, OWNERS[like])
    for reader in (*READERS.get(like, ()), "auditor"):
        _read(conn, schema, OWNERS[like], reader)
    for (of, table), (role, privileges) in WRITERS.items():
        if of == like:
            conn.execute(sql.SQL("GRANT {} ON {} TO {}").format(sql.SQL(privileges), sql.Identifier(schema, table),
                                                                _role(role)))


def _exists(conn: psycopg.Connection, schema: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema]).fetchone() is not None


def _own(conn: psycopg.Connection, schema: str, owner: str) -> None:
    # Tables made by an earlier migration (as the admin) change hands too, so an upgrade lands in the same state.
    conn.execute(sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(sql.Identifier(schema), _role(owner)))
    for name, kind in conn.execute(RELATIONS, [schema, DATABASE_ROLES[owner]]).fetchall():
        conn.execute(sql.SQL("ALTER {} {} OWNER TO {}").format(sql.SQL(KINDS[kind]), sql.Identifier(schema, name),
                                                               _role(owner)))


def _read(conn: psycopg.Connection, schema: str, owner: str, reader: str) -> None:
    # The default privileges cover tables the owner creates later (a process at its start, a newer release).
    s, r, o = sql.Identifier(schema), _role(reader), _role(owner)
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, r))
    conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(s, r))
    conn.execute(sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT SELECT ON TABLES TO {}")
                 .format(o, s, r))


def _password(conn: psycopg.Connection, role: str, path: Path | None) -> None:
    if path is not None and path.exists():
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role),
                                                                 sql.Literal(path.read_text().strip())))


def _role(kind: str) -> sql.Identifier:
    return sql.Identifier(DATABASE_ROLES[kind])
