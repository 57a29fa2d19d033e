from services.gateway.identity import roles
from services.gateway.identity.credentials import (
    TOKEN_PREFIX,
    digest,
    email_key,
    hash_password,
    new_secret,
    normalise_email,
    verify_password,
)


def test_a_password_is_kept_as_an_argon2id_hash_that_verifies_only_the_same_password():
    stored = hash_password("correct horse battery")

    assert stored.startswith("$argon2id$") and "correct horse battery" not in stored
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse battery!")


def test_without_a_stored_hash_no_password_verifies():
    assert not verify_password(None, "anything at all")


def test_a_broken_stored_hash_does_not_verify_and_does_not_raise():
    assert not verify_password("not-a-hash", "anything")


def test_random_secrets_are_long_distinct_and_token_prefixed_when_asked():
    a, b = new_secret(TOKEN_PREFIX), new_secret(TOKEN_PREFIX)

    assert a != b and a.startswith(TOKEN_PREFIX) and len(a) >= 40


def test_a_secret_is_stored_as_its_sha256_never_as_itself():
    secret = new_secret()

    assert len(digest(secret)) == 32 and secret.encode() not in digest(secret)
    assert digest(secret) == digest(secret)


def test_e_mails_are_compared_trimmed_and_lower_case_and_keyed_without_revealing_them():
    assert normalise_email("  Alice@Example.ORG ") == "alice@example.org"
    assert email_key("Alice@Example.org", "salt") == email_key("alice@example.org ", "salt")
    assert "alice" not in email_key("alice@example.org", "salt")
    assert email_key("alice@example.org", "salt") != email_key("alice@example.org", "pepper")


def test_every_account_is_a_participant_and_roles_are_forwarded_sorted():
    held = roles.effective({"steward", "admin"})

    assert held == {"participant", "steward", "admin"}
    assert roles.header_value(held) == "admin,participant,steward"
