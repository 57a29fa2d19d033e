from deploy.local.stack import database_env
from shared.config import Settings

EMBEDDED = "postgresql://postgres:@/charter?host=/srv/pg"


def test_on_the_embedded_server_each_kind_of_process_connects_as_its_own_role():
    settings = Settings.from_env({}, database_url=EMBEDDED, database_roles=True)

    processes = ("pledge", "knowledge-relay", "pilots-subscriptions", "gateway", "projector", "webhook-dispatcher")
    urls = {p: database_env(settings, p)["DATABASE_URL"] for p in processes}

    assert urls == {p: f"postgresql://charter_{kind}@/charter?host=%2Fsrv%2Fpg" for p, kind in (
        ("pledge", "pledge"), ("knowledge-relay", "knowledge"), ("pilots-subscriptions", "pilots"),
        ("gateway", "gateway"), ("projector", "projector"), ("webhook-dispatcher", "webhooks"))}
    assert database_env(settings, "broker") == {}


def test_a_deployments_own_url_for_a_role_wins_and_no_process_learns_another_roles_url():
    environ = {"KNOWLEDGE_DATABASE_URL": "postgresql://charter_knowledge@db/kb?passfile=/run/pg",
               "PLEDGE_DATABASE_URL": "postgresql://charter_pledge@db/pledge"}
    settings = Settings.from_env(environ, database_url=EMBEDDED)

    env = database_env(settings, "knowledge-subscriptions")

    assert env["DATABASE_URL"] == "postgresql://charter_knowledge@db/kb?passfile=/run/pg"
    assert env["PLEDGE_DATABASE_URL"] == "" and env["DATABASE_ROLES"] == "False"


def test_without_roles_every_process_keeps_the_one_database_url():
    assert database_env(Settings.from_env({}, database_url=EMBEDDED), "pilots")["DATABASE_URL"] == EMBEDDED
