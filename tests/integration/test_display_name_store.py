"""Display names in the gateway's account store against a real PostgreSQL: chosen, changed, reset with a record,
and given to accounts made before names existed."""

import shutil
import uuid

import psycopg
import pytest
from psycopg import sql

from services.gateway.identity.accounts import Accounts
from services.gateway.identity.names import NameRefused
from services.gateway.migrations import IDENTITY
from shared import migrations
from shared.migrations import Migrations


def new_email() -> str:
    return f"{uuid.uuid4().hex[:10]}@example.org"


def test_an_account_keeps_the_name_chosen_at_sign_up_trimmed(auth_pool):
    accounts = Accounts(auth_pool)

    account_id = accounts.create(new_email(), "a long enough password", "  Sam   Jones ")

    assert accounts.get(account_id).display_name == "Sam Jones"
    assert accounts.names([account_id, str(uuid.uuid4())]) == {account_id: "Sam Jones"}


def test_an_e_mail_like_name_is_refused_and_no_account_is_opened(auth_pool):
    accounts = Accounts(auth_pool)
    email = new_email()

    with pytest.raises(NameRefused):
        accounts.create(email, "a long enough password", "sam@example.org")

    assert accounts.find(email) is None


def test_an_owner_renames_and_a_moderator_resets_recording_who_and_why(auth_pool):
    accounts = Accounts(auth_pool)
    account_id = accounts.create(new_email(), "a long enough password", "Sam")

    accounts.rename(account_id, "Samantha")
    reset = accounts.reset_name(account_id, by="moderator-1", reason="abusive")

    assert reset.startswith("Participant ") and accounts.get(account_id).display_name == reset
    changes = [(c["change"], c["changed_by"], c["reason"]) for c in accounts.name_changes(account_id)]
    assert changes == [("changed", account_id, None), ("reset", "moderator-1", "abusive")]


def test_resetting_the_name_of_no_account_changes_nothing(auth_pool):
    assert Accounts(auth_pool).reset_name(str(uuid.uuid4()), by="moderator-1", reason="abusive") is None


def test_accounts_made_before_names_existed_get_a_neutral_name(database_url, schema, tmp_path):
    baseline = tmp_path / "identity"
    baseline.mkdir()
    shutil.copy(IDENTITY.directory / "0001_baseline.sql", baseline)
    with psycopg.connect(database_url, autocommit=True) as conn:
        migrations.migrate(conn, schema, Migrations("identity", baseline))
        conn.execute(sql.SQL("INSERT INTO {}.accounts (account_id, email) VALUES ('old-1', 'old@example.org')")
                     .format(sql.Identifier(schema)))

        applied = migrations.migrate(conn, schema, IDENTITY)
        name = conn.execute(sql.SQL("SELECT display_name FROM {}.accounts WHERE account_id = 'old-1'")
                            .format(sql.Identifier(schema))).fetchone()[0]

    assert [m.version for m in applied] == [2]
    assert name.startswith("Participant ") and name[12:].isdigit()
