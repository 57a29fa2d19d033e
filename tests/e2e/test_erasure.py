"""Erasure by crypto-shredding: a signatory signs, a steward erases them on request, and they are gone.

Their name and role read "erased" on every page and in every read, the log and its export hold nothing of them
in the clear (only the sealed value, whose key is deleted), every chain still verifies, and a replay of the log
builds the same read models as the live system.
"""

import time
import uuid

import psycopg
import pytest

from services.pledge.domain.abuse import email_hash

from .auditor import audit
from .test_audit import projector_caught_up
from .test_my_signatures import a_browser

RULE = "uk-gdpr-17-1-b"  # consent withdrawn


@pytest.fixture
def charter(web, steward):
    """A charter whose first version is adopted, read by the gateway."""
    charter_id = steward.create_charter(title="Erasure charter").body["charter_id"]
    draft = web.as_user().propose_draft(charter_id, "We will forget on request.")
    adopted = steward.adopt_draft(charter_id, draft.body["draft_id"])
    steward.wait_until_read(adopted.body["consistency_token"])
    return charter_id


def a_confirmed_signature(signer, charter_id: str, email: str, name: str, role: str) -> str:
    signed = signer.sign_charter(charter_id, 1, f"Erasable Council {uuid.uuid4().hex[:6]}", email,
                                 signatory=name, role=role)
    assert signed.status == 201, signed.body
    confirmed = signer.follow_verification_link(signed.body["signature_id"])
    signer.wait_until_read(confirmed.body["consistency_token"])
    return signed.body["signature_id"]


def listed(reader, charter_id: str, signature_id: str) -> dict:
    return next(s for s in reader.read_signatories(charter_id, limit="100").body["items"]
                if s["signature_id"] == signature_id)


def wait_for_the_projector(stack) -> None:
    asked, deadline = time.time(), time.monotonic() + 30
    while not projector_caught_up(stack.wait_healthy(), asked) and time.monotonic() < deadline:
        time.sleep(0.2)


def test_an_erased_signatory_reads_erased_the_export_holds_none_of_them_and_the_log_still_verifies(
        web, steward, charter, settings, stack, tmp_path):
    email, name, role = (f"erin-{uuid.uuid4().hex[:8]}@example.org", f"Erin {uuid.uuid4().hex[:8]}",
                         f"Head of {uuid.uuid4().hex[:8]}")
    signer = web.as_user()
    signature_id = a_confirmed_signature(signer, charter, email, name, role)
    kept = a_confirmed_signature(web.as_user(), charter, f"kay-{uuid.uuid4().hex[:8]}@example.org", "Kay Kept",
                                 "Clerk")
    before = listed(web, charter, signature_id)

    erased = steward.request("POST", "/api/v1/erasures", {"email": email, "rule": RULE})
    steward.wait_until_read(erased.body["consistency_token"])

    assert erased.status == 201, erased.body
    assert (before["signatory_name"], before["signatory_role"]) == (name, role)
    after = listed(web, charter, signature_id)
    assert (after["signatory_name"], after["signatory_role"]) == ("erased", "erased")
    assert after["organisation_name"] == before["organisation_name"]  # listed, so it still counts
    assert listed(web, charter, kept)["signatory_name"] == "Kay Kept"  # opened with its key, lent by pledge
    page = a_browser(web).open(f"/signatures/{signature_id}")
    assert page.status == 200 and "erased" in page.body and name not in page.body and role not in page.body
    log = steward.request("GET", "/api/v1/erasures", None).body["items"]
    entry = next(e for e in log if e["erasure_id"] == erased.body["erasure_id"])
    assert (entry["service"], entry["rule"], entry["requested_by"], entry["records"]) == (
        "pledge", RULE, steward.actor, 1)

    export = tmp_path / "log.jsonl"
    assert audit(settings, "export", "--out", str(export)).code == 0
    exported = export.read_text()
    hashed = email_hash(email, settings.email_salt)
    assert erased.body["erasure_id"] in exported  # the ErasureCompleted is in the log...
    assert [found for found in (name, role, email, hashed) if found in exported] == []  # ...and they are not
    with psycopg.connect(settings.database_url) as conn:  # nor in what councils receive: the feed, webhooks, stream
        delivered = "".join(r[0] for r in conn.execute("SELECT envelope::text FROM gateway.feed"))
    assert signature_id in delivered and not any(found in delivered for found in (name, role, email, hashed))

    verified = audit(settings, "verify")
    assert verified.code == 0, verified.out + verified.err

    wait_for_the_projector(stack)
    replayed = audit(settings, "replay", timeout=600)  # opens `kept` with its key again, and `signature_id` not
    assert replayed.code == 0, replayed.out + replayed.err
    assert replayed.json == {"equal": True, "differences": {}}


def test_a_participants_request_to_erase_someone_is_refused_and_leaves_their_key(web, steward, charter):
    email = f"kept-{uuid.uuid4().hex[:8]}@example.org"
    a_confirmed_signature(web.as_user(), charter, email, "Still Here", "Clerk")

    refused = web.as_user().request("POST", "/api/v1/erasures", {"email": email, "rule": RULE})
    erased = steward.request("POST", "/api/v1/erasures", {"email": email, "rule": RULE})

    assert (refused.status, refused.body["code"]) == (403, "forbidden")
    assert erased.status == 201, erased.body  # the key was still there to delete: found by its subject


def test_erasing_again_finds_no_one_and_writes_nothing(web, steward, charter):
    email = f"once-{uuid.uuid4().hex[:8]}@example.org"
    a_confirmed_signature(web.as_user(), charter, email, "Once Only", "Clerk")
    first = steward.request("POST", "/api/v1/erasures", {"email": email, "rule": RULE})
    head = steward.store_head("pledge")

    second = steward.request("POST", "/api/v1/erasures", {"email": email, "rule": RULE})

    assert first.status == 201, first.body
    assert second.status == 404 and second.body["code"] == "not_found" and list(second.body["errors"]) == ["email"]
    assert steward.store_head("pledge") == head


def test_the_same_person_signing_after_their_erasure_is_a_new_data_subject_shown_by_name(web, steward, charter):
    email = f"back-{uuid.uuid4().hex[:8]}@example.org"
    a_confirmed_signature(web.as_user(), charter, email, "Gone Soon", "Clerk")
    erased = steward.request("POST", "/api/v1/erasures", {"email": email, "rule": RULE})
    steward.wait_until_read(erased.body["consistency_token"])

    again = a_confirmed_signature(web.as_user(), charter, email, "Back Again", "Deputy clerk")

    assert (listed(web, charter, again)["signatory_name"], listed(web, charter, again)["signatory_role"]) == (
        "Back Again", "Deputy clerk")


def test_a_steward_erases_from_the_screen_and_sees_the_erasure_in_its_log(web, steward, charter):
    email = f"screen-{uuid.uuid4().hex[:8]}@example.org"
    signature_id = a_confirmed_signature(web.as_user(), charter, email, "Sid Screen", "Clerk")
    browser = a_browser(web, steward)
    assert browser.open("/stewardship/erasures").status == 200

    sent = browser.submit("/stewardship/erasures", {"email": email, "rule": RULE})
    shown = browser.follow(sent)

    assert sent.status == 303
    assert shown.status == 200 and "Their personal data is erased" in shown.body
    assert "consent withdrawn" in shown.body and email not in shown.body
    assert listed(web, charter, signature_id)["signatory_name"] == "erased"
