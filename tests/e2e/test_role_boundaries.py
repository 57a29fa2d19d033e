"""Roles give no power over what belongs to another organisation's signatory."""

import random
import uuid

from .clients import PageReader
from .pilot_steps import adopted_charter, eventually, organisation_name, sign_and_verify


def test_a_moderator_cannot_withdraw_another_organisations_signature(web):
    charter_id = adopted_charter(web)
    signature_id, _signer = sign_and_verify(web, charter_id, organisation_name())
    moderator = web.as_user("moderator")
    before = web.store_head("pledge")

    r = moderator.withdraw_signature(signature_id, "not ours to keep")

    assert r.status == 403, r.body
    assert web.store_head("pledge") == before


def test_a_moderator_cannot_make_a_signature_for_another_organisation_count_without_its_e_mailed_token(web):
    charter_id = adopted_charter(web)
    signer = web.as_user().from_address(f"10.9.{random.randrange(1, 250)}.{random.randrange(1, 250)}")
    signed = signer.sign_charter(charter_id, 1, organisation_name(), f"ceo-{uuid.uuid4().hex[:8]}@example.org")
    moderator = web.as_user("moderator")
    before = web.store_head("pledge")

    r = moderator.verify_signature(signed.body["signature_id"], "a-guessed-token")

    assert r.status == 422 and "token" in r.body["errors"]
    assert web.store_head("pledge") == before


def test_only_a_pilot_lead_may_propose_a_pilot_even_for_a_signatory(web):
    organisation = organisation_name()
    sign_and_verify(web, adopted_charter(web), organisation)
    participant, lead = web.as_user(), web.as_user("pilot_lead")
    before = web.store_head("pilots")

    refused = participant.propose_pilot(organisation)
    form = PageReader.signed_in(participant).open("/pilots/new")

    assert refused.status == 403 and "pilot lead" in refused.body["message"], refused.body
    assert form.status == 403
    assert web.store_head("pilots") == before
    assert eventually(lambda: lead.propose_pilot(organisation), lambda r: r.status == 201).status == 201
