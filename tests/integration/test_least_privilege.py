"""Each process connects as its own role: a service reaches no other's schema, the auditor writes nothing."""

import psycopg
import pytest
from psycopg import sql

from deploy.local.stack import database_env
from deploy.roles import OWNERS, UNREAD

WRITES = ("INSERT INTO {} DEFAULT VALUES", "UPDATE {} SET {col} = {col}", "DELETE FROM {}")


@pytest.fixture(scope="module")
def roles_on(settings):
    """The database migrated as `make run` migrates it, its roles in place."""
    from deploy.migrate import migrate

    if not settings.database_roles:
        pytest.skip("the server is configured from outside (DATABASE_URL): its roles are the operator's")
    migrate(settings.database_url)
    return settings


def connect_as(settings, process: str) -> psycopg.Connection:
    """A connection with exactly the URL the stack gives `process` (see deploy/local/stack.py)."""
    return psycopg.connect(database_env(settings, process)["DATABASE_URL"])


def tables(settings, schema: str) -> dict[str, str]:
    """Every table of `schema`, with its first column, as the owner of the database sees them."""
    with psycopg.connect(settings.database_url) as conn:
        return dict(conn.execute(
            "SELECT table_name, min(column_name) FROM information_schema.columns WHERE table_schema = %s"
            " AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
            " AND table_schema = %s) GROUP BY table_name", [schema, schema]).fetchall())


def refused(conn: psycopg.Connection, statement: sql.Composable) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as denied:
        conn.execute(statement)
    conn.rollback()
    return str(denied.value)


def test_the_knowledge_service_is_refused_when_it_selects_from_pledges_events(roles_on):
    with connect_as(roles_on, "knowledge") as conn:
        who = conn.execute("SELECT current_user").fetchone()[0]
        own = conn.execute("SELECT count(*) FROM knowledge.events").fetchone()[0]

        message = refused(conn, sql.SQL("SELECT * FROM pledge.events"))

    assert who == "charter_knowledge" and own >= 0
    assert "permission denied" in message and "pledge" in message


def test_no_domain_service_reaches_another_services_schema_or_the_gateways(roles_on):
    for process in ("pledge", "knowledge-relay", "pilots-subscriptions"):
        with connect_as(roles_on, process) as conn:
            mine = process.split("-")[0]
            for schema in set(OWNERS) - {mine}:
                for table in tables(roles_on, schema):
                    assert "permission denied" in refused(
                        conn, sql.SQL("SELECT 1 FROM {} LIMIT 1").format(sql.Identifier(schema, table)))


def test_the_auditor_reads_every_schema_and_its_writes_are_refused(roles_on):
    with psycopg.connect(roles_on.database_url_of("auditor")) as conn:
        for schema in OWNERS:
            found = tables(roles_on, schema)
            assert found, schema
            for table, column in found.items():
                name = sql.Identifier(schema, table)
                if (schema, table) in UNREAD:
                    refused(conn, sql.SQL("SELECT count(*) FROM {}").format(name))
                    continue
                conn.execute(sql.SQL("SELECT count(*) FROM {}").format(name))
                for write in WRITES:
                    refused(conn, sql.SQL(write).format(name, col=sql.Identifier(column)))
            refused(conn, sql.SQL("CREATE TABLE {} (x int)").format(sql.Identifier(schema, "auditor_was_here")))


@pytest.mark.parametrize("service", ["pledge", "pilots"])
def test_no_one_but_its_own_service_reads_the_data_subjects_keys(roles_on, service):
    table = sql.Identifier(service, "data_subjects")
    with psycopg.connect(roles_on.database_url_of("auditor")) as auditor, connect_as(roles_on, service) as own:
        own.execute(sql.SQL("SELECT count(*) FROM {}").format(table))

        message = refused(auditor, sql.SQL("SELECT key FROM {}").format(table))

    assert "permission denied" in message


def test_the_projector_writes_the_read_models_and_nothing_else(roles_on):
    with connect_as(roles_on, "projector") as conn:
        conn.execute("CREATE TABLE gateway.projector_may_build_here (x int)")  # it owns the read models
        conn.rollback()
        for schema in set(OWNERS) - {"gateway"}:
            for table, column in tables(roles_on, schema).items():
                for write in WRITES:
                    refused(conn, sql.SQL(write).format(sql.Identifier(schema, table), col=sql.Identifier(column)))


def test_the_gateway_reads_the_read_models_but_writes_only_what_its_api_changes(roles_on):
    with connect_as(roles_on, "gateway") as conn:
        for table, column in tables(roles_on, "gateway").items():
            name = sql.Identifier("gateway", table)
            conn.execute(sql.SQL("SELECT count(*) FROM {}").format(name))
            refused(conn, sql.SQL("DELETE FROM {}").format(name))
            if table != "parked_events":  # an operator's retry or skip goes through the gateway
                refused(conn, sql.SQL("UPDATE {} SET {col} = {col}").format(name, col=sql.Identifier(column)))
        conn.execute("DELETE FROM gateway_hooks.subscriptions WHERE false")
        refused(conn, sql.SQL("DELETE FROM gateway_hooks.deliveries"))


def test_read_models_rebuilt_for_a_new_release_keep_every_roles_privileges_from_the_swap_on(roles_on):
    from deploy.migrate import read_models
    from services.gateway.readmodels import rebuilds

    with psycopg.connect(roles_on.database_url, autocommit=True) as conn:  # as if an older release built them
        conn.execute("UPDATE gateway.read_model_version SET fingerprint = '0-older'")
    # Only the rebuild, not the grants a whole migration ends with: the swapped-in schema must already carry
    # them, or a running projector would be refused (and park events) until the migration finished.
    assert read_models(roles_on.database_url, "gateway") == "rebuilt"

    with psycopg.connect(roles_on.database_url) as conn:
        found = conn.execute("SELECT fingerprint FROM gateway.read_model_version").fetchone()[0]
    assert found == rebuilds.fingerprint()
    with connect_as(roles_on, "projector") as conn:
        conn.execute("INSERT INTO gateway.stream_checkpoints VALUES ('privilege-check', 1)")
        conn.rollback()
    with connect_as(roles_on, "gateway") as conn:
        for table in tables(roles_on, "gateway"):
            conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("gateway", table)))
        conn.execute("UPDATE gateway.parked_events SET status = status WHERE false")
        refused(conn, sql.SQL("DELETE FROM gateway.charters"))
    with psycopg.connect(roles_on.database_url_of("auditor")) as conn:
        conn.execute("SELECT count(*) FROM gateway.charters")
        refused(conn, sql.SQL("DELETE FROM gateway.charters"))
