"""Numbered migrations: applied once each, in order, recorded; history never edited; one runner at a time."""

import threading
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from deploy.local.stack import database_env
from services.gateway.delivery.webhooks import schema as webhooks
from services.gateway.identity import schema as identity
from services.knowledge import migrations as knowledge
from services.pilots import migrations as pilots
from services.pledge import migrations as pledge
from shared import migrations, outbox
from shared.config import DOMAIN_SERVICES
from shared.migrations import Migration, MigrationError, Migrations
from shared.projection import Projection

BEFORE = Path(__file__).parents[1] / "fixtures" / "schemas_before_numbered_migrations"
SCHEMAS = {"pledge": pledge.migrate, "knowledge": knowledge.migrate, "pilots": pilots.migrate,
           "gateway_auth": identity.migrate, "gateway_hooks": webhooks.migrate}


@pytest.fixture
def conn(database_url):
    with psycopg.connect(database_url, autocommit=True) as c:
        yield c


@pytest.fixture
def other_schema(database_url, schema):
    name = f"{schema}_b"
    yield name
    with psycopg.connect(database_url, autocommit=True) as c:
        c.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


@pytest.fixture
def component(tmp_path) -> Migrations:
    """A component of two files: a table, then a row in it (which a second run would duplicate)."""
    (tmp_path / "0001_notes.sql").write_text("CREATE TABLE {schema}.notes (body text NOT NULL);")
    (tmp_path / "0002_first_note.sql").write_text("INSERT INTO {schema}.notes VALUES ('{first}');")
    return Migrations("notes", tmp_path)


def recorded(conn, schema) -> list[tuple]:
    return conn.execute(sql.SQL("SELECT component, version, name, checksum, applied_at FROM {}"
                                " ORDER BY component, version").format(sql.Identifier(schema, "schema_migrations"))
                        ).fetchall()


def notes(conn, schema) -> list[str]:
    return [r[0] for r in conn.execute(sql.SQL("SELECT body FROM {}").format(sql.Identifier(schema, "notes")))]


def test_a_fresh_schema_gets_every_file_applied_in_order_and_recorded(conn, schema, component):
    applied = migrations.migrate(conn, schema, component)

    assert [(m.version, m.name) for m in applied] == [(1, "notes"), (2, "first_note")]
    assert [r[:4] for r in recorded(conn, schema)] == [("notes", m.version, m.name, m.checksum) for m in applied]
    assert notes(conn, schema) == ["{first}"]


def test_running_again_applies_nothing(conn, schema, component):
    migrations.migrate(conn, schema, component)
    before = recorded(conn, schema)

    applied = migrations.migrate(conn, schema, component)

    assert applied == []
    assert recorded(conn, schema) == before
    assert notes(conn, schema) == ["{first}"]


def test_a_new_file_is_applied_after_the_ones_already_there(conn, schema, component):
    migrations.migrate(conn, schema, component)
    (component.directory / "0003_second_note.sql").write_text("INSERT INTO {schema}.notes VALUES ('second');")

    applied = migrations.migrate(conn, schema, component)

    assert [m.version for m in applied] == [3]
    assert notes(conn, schema) == ["{first}", "second"]


def test_an_applied_file_that_was_edited_is_refused_and_nothing_is_applied(conn, schema, component):
    migrations.migrate(conn, schema, component)
    (component.directory / "0001_notes.sql").write_text("CREATE TABLE {schema}.notes (body text);")
    (component.directory / "0003_second_note.sql").write_text("INSERT INTO {schema}.notes VALUES ('second');")

    with pytest.raises(MigrationError, match=r"notes/0001_notes.sql changed after it was applied.*new file"):
        migrations.migrate(conn, schema, component)

    assert notes(conn, schema) == ["{first}"]


def test_two_files_with_one_number_are_refused(conn, schema, component):
    (component.directory / "0002_other_note.sql").write_text("SELECT 1;")

    with pytest.raises(MigrationError, match="share the number 0002"):
        migrations.migrate(conn, schema, component)


def test_a_new_file_numbered_below_an_applied_one_is_refused(conn, schema, component):
    (component.directory / "0002_first_note.sql").rename(component.directory / "0005_first_note.sql")
    migrations.migrate(conn, schema, component)
    (component.directory / "0003_late.sql").write_text("SELECT 1;")

    with pytest.raises(MigrationError, match="0003_late.sql is new, but notes 0005 is already applied"):
        migrations.migrate(conn, schema, component)


def test_two_concurrent_runners_apply_each_file_once(database_url, schema, component):
    (component.directory / "0001_notes.sql").write_text(
        "SELECT pg_sleep(0.3); CREATE TABLE {schema}.notes (body text NOT NULL);")
    applied: list[list[Migration]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with psycopg.connect(database_url, autocommit=True) as c:
                applied.append(migrations.migrate(c, schema, component))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    runners = [threading.Thread(target=run) for _ in range(2)]
    for t in runners:
        t.start()
    for t in runners:
        t.join(30)

    assert errors == []
    assert sorted(len(a) for a in applied) == [0, 2]
    with psycopg.connect(database_url) as c:
        assert notes(c, schema) == ["{first}"]
        assert len(recorded(c, schema)) == 2


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_a_schema_made_by_the_code_before_numbered_migrations_upgrades_to_a_fresh_ones_state(
        conn, schema, other_schema, kind):
    legacy = Migration("before", 1, kind, (BEFORE / f"{kind}.sql").read_text())
    conn.execute(legacy.statement(schema))
    migrate = SCHEMAS[kind]

    migrate(conn, schema)
    migrate(conn, other_schema)

    assert shape(conn, schema) == shape(conn, other_schema)
    assert [r[:4] for r in recorded(conn, schema)] == [r[:4] for r in recorded(conn, other_schema)]
    before = recorded(conn, schema)
    migrate(conn, schema)
    assert recorded(conn, schema) == before


def test_a_read_model_schema_is_built_without_a_migration_record(conn, schema):
    Projection(None, schema, {}).migrate(conn)
    Projection(None, schema, {}).migrate(conn)

    tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])}
    assert tables == {"stream_checkpoints", "held_events", "producer_positions", "parked_events", "heartbeats"}


def shape(conn, schema: str) -> dict[str, list[tuple]]:
    """Every column, constraint and index of `schema`, with the schema's name taken out."""
    def rows(query: str) -> list[tuple]:
        return sorted(tuple(str(v).replace(f'"{schema}".', "S.").replace(f"{schema}.", "S.") for v in row)
                      for row in conn.execute(query, [schema]))

    return {
        "columns": rows("SELECT table_name, column_name, data_type, is_nullable, column_default"
                        " FROM information_schema.columns WHERE table_schema = %s"),
        "constraints": rows("SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
                            " JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
                            " WHERE n.nspname = %s"),
        "indexes": rows("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s"),
        "tables": rows("SELECT table_name FROM information_schema.tables WHERE table_schema = %s"),
    }


def test_a_mail_queue_from_the_first_release_gains_its_delivery_columns_and_keeps_its_rows(conn, schema):
    s = sql.Identifier(schema)
    conn.execute(sql.SQL("CREATE SCHEMA {s}; CREATE TABLE {s}.outgoing_mail (mail_id bigint GENERATED ALWAYS AS"
                         " IDENTITY PRIMARY KEY, signature_id text NOT NULL, recipient text, link text NOT NULL,"
                         " queued_at timestamptz NOT NULL DEFAULT now(), sent_at timestamptz);"
                         " INSERT INTO {s}.outgoing_mail (signature_id, link) VALUES ('s1', 'https://x/v')").format(s=s))

    pledge.migrate(conn, schema)

    row = conn.execute(sql.SQL("SELECT signature_id, attempts, last_error, given_up_at FROM {}.outgoing_mail")
                       .format(s)).fetchall()
    assert row == [("s1", 0, None, None)]


def test_a_relay_starting_as_its_services_role_finds_its_schema_migrated(settings):
    from deploy.migrate import migrate

    if not settings.database_roles:
        pytest.skip("the server is configured from outside (DATABASE_URL): its roles are the operator's")
    migrate(settings.database_url)

    for service in DOMAIN_SERVICES:
        with psycopg.connect(database_env(settings, f"{service}-relay")["DATABASE_URL"], autocommit=True) as c:
            assert outbox.migrate(c, service) is None
            assert c.execute(sql.SQL("SELECT count(*) FROM {}").format(
                sql.Identifier(service, "schema_migrations"))).fetchone()[0] >= 3
