"""Numbered SQL migrations: each schema's files applied once, in order, recorded, one process at a time.

A component (the event store, the relay's checkpoint, a service's own tables...) keeps its files as
`NNNN_name.sql` in one directory. `migrate(conn, schema, *components)` applies those a schema has not
had yet, in order, each in its own transaction with its row in `<schema>.schema_migrations`. Several
components share a schema, so a row names its component; each component numbers its own files.

History is not edited: a file once applied keeps its checksum, and a change is a new file. The
runner refuses, before applying anything, when an applied file changed, was removed, or a new file
is numbered below one already applied, and when two files share a number.

In a file, `{schema}` is the schema (as an identifier, quoted by psycopg) and `{schema_name}` its
name as a string literal; nothing else is substituted, so braces and percent signs are plain SQL.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus

FILE_NAME = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")
PLACEHOLDER = re.compile(r"\{(schema|schema_name)\}")
HERE = Path(__file__).parent

TRACKING = """
CREATE TABLE IF NOT EXISTS {}.schema_migrations (
    component  text NOT NULL,
    version    integer NOT NULL,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (component, version)
)
"""


class MigrationError(Exception):
    """The files and what the schema has applied disagree; nothing was applied."""


@dataclass(frozen=True)
class Migration:
    """One numbered file of a component."""

    component: str
    version: int
    name: str
    text: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def label(self) -> str:
        return f"{self.component}/{self.version:04d}_{self.name}.sql"

    def statement(self, schema: str) -> sql.Composed:
        """The file's SQL with its placeholders filled in for `schema`."""
        parts: list[sql.Composable] = []
        for i, piece in enumerate(PLACEHOLDER.split(self.text)):
            if i % 2 == 0:
                parts.append(sql.SQL(piece))
            else:
                parts.append(sql.Identifier(schema) if piece == "schema" else sql.Literal(schema))
        return sql.Composed(parts)


@dataclass(frozen=True)
class Migrations:
    """A component's numbered files, `NNNN_name.sql` in `directory`."""

    component: str
    directory: Path

    def files(self) -> list[Migration]:
        """The files in version order; refuses a `.sql` file misnamed, or two files with one number."""
        found: dict[int, Migration] = {}
        for path in sorted(self.directory.glob("*.sql")):
            match = FILE_NAME.fullmatch(path.name)
            if match is None:
                raise MigrationError(f"{self.component}: {path.name} is not named NNNN_name.sql")
            version = int(match[1])
            if version in found:
                raise MigrationError(f"{self.component}: {found[version].label} and {path.name} share the number"
                                     f" {version:04d}; give the newer file the next free number")
            found[version] = Migration(self.component, version, match[2], path.read_text())
        if not found:
            raise MigrationError(f"{self.component}: no migrations in {self.directory}")
        return [found[v] for v in sorted(found)]


# The shared components every store or subscriber schema is made of.
EVENT_STORE = Migrations("eventstore", HERE / "eventstore")
RELAY = Migrations("relay", HERE / "relay")
HEARTBEATS = Migrations("heartbeats", HERE / "heartbeats")
PROJECTION = Migrations("projection", HERE / "projection")
PARKING = Migrations("parking", HERE / "parking")
CONSUMER = (PROJECTION, PARKING, HEARTBEATS)
"""What a consumer keeps beside its tables: checkpoints, held and parked events, heartbeats."""


def migrate(conn: psycopg.Connection, schema: str, *components: Migrations) -> list[Migration]:
    """Apply to `schema` (created if missing) every file of `components` it lacks; returns those applied.

    Guarantees: each file runs in its own transaction together with its `schema_migrations` row, so
    a file is applied entirely and recorded, or not at all; files run in the order the components
    are given, each component's in version order; concurrent runners on one schema take turns
    (an advisory lock), so each file is applied once. On a connection already in a transaction,
    the files join it (as savepoints) and the lock is held until it ends.
    Raises MigrationError, having applied nothing, when history was edited (see the module).
    """
    components = tuple(dict.fromkeys(components))  # a component named twice (two groups share it) runs once
    files = [m for c in components for m in c.files()]
    with _locked(conn, schema):
        with conn.transaction():
            _create_schema(conn, schema)
            if _missing(conn, schema, "schema_migrations"):
                conn.execute(sql.SQL(TRACKING).format(sql.Identifier(schema)))
            rows = conn.execute(
                sql.SQL("SELECT component, version, name, checksum FROM {} WHERE component = ANY(%s)")
                .format(sql.Identifier(schema, "schema_migrations")), [[c.component for c in components]],
            ).fetchall()
        pending = _pending(schema, files, {(c, v): (n, s) for c, v, n, s in rows})
        for m in pending:
            with conn.transaction():
                conn.execute(m.statement(schema))
                conn.execute(sql.SQL("INSERT INTO {} (component, version, name, checksum) VALUES (%s, %s, %s, %s)")
                             .format(sql.Identifier(schema, "schema_migrations")),
                             [m.component, m.version, m.name, m.checksum])
    return pending


def build(conn: psycopg.Connection, schema: str, *components: Migrations) -> None:
    """Run every file of `components` into a schema that is built afresh, never upgraded: nothing recorded.

    For read-model schemas (rebuilt from the log and swapped in) and scratch schemas; a file may
    therefore run again on the same schema, so the components built this way keep their files
    re-runnable (IF NOT EXISTS). Long-lived schemas use `migrate`.
    """
    with _locked(conn, schema), conn.transaction():
        _create_schema(conn, schema)
        for c in dict.fromkeys(components):
            for m in c.files():
                conn.execute(m.statement(schema))


def _pending(schema: str, files: Sequence[Migration], applied: dict[tuple[str, int], tuple[str, str]]
             ) -> list[Migration]:
    known = {(m.component, m.version): m for m in files}
    newest = {m.component: m.version for m in files}
    for (component, version), (name, checksum) in sorted(applied.items()):
        m = known.get((component, version))
        if m is None:
            if version < newest[component]:
                raise MigrationError(f"{schema}: {component}/{version:04d}_{name}.sql was applied but is no longer"
                                     " among the files; history is not edited")
            continue  # applied by a newer release than this one: nothing of ours to do
        if (m.name, m.checksum) != (name, checksum):
            raise MigrationError(f"{schema}: {m.label} changed after it was applied (checksum {checksum[:12]} then,"
                                 f" {m.checksum[:12]} now); history is not edited: put the change in a new file")
    pending = [m for m in files if (m.component, m.version) not in applied]
    for m in pending:
        later = [v for c, v in applied if c == m.component and v > m.version]
        if later:
            raise MigrationError(f"{schema}: {m.label} is new, but {m.component} {max(later):04d} is already"
                                 " applied; number the new file after it")
    return pending


@contextlib.contextmanager
def _locked(conn: psycopg.Connection, schema: str) -> Iterator[None]:
    # Processes migrate at the same moment (a deployment's copies starting, tests sharing a server): the
    # second one waits here, and reads the schema_migrations the first one committed. The lock is the
    # two-key form, first key this module's, so never an event store's, a relay's or a projection's.
    keys = [_int4(zlib.crc32(b"migrations")), _int4(zlib.crc32(schema.encode()))]
    if conn.info.transaction_status == TransactionStatus.INTRANS:
        conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", keys)  # held until the caller's transaction ends
        yield
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_lock(%s, %s)", keys)
    try:
        yield
    finally:
        if conn.info.transaction_status == TransactionStatus.IDLE:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_unlock(%s, %s)", keys)


def _create_schema(conn: psycopg.Connection, schema: str) -> None:
    # Asked only when missing: a service's role, migrating at its start, owns its schema but may not create one.
    if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema]).fetchone() is None:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))


def _missing(conn: psycopg.Connection, schema: str, table: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s",
                        [schema, table]).fetchone() is None


def _int4(n: int) -> int:
    return n - (1 << 32) if n >= 1 << 31 else n
