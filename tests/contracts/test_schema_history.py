"""Changing an event is a new schema version plus an upcaster, never an edit of history."""

import json

from deploy.contracts import SCHEMAS, registries
from shared import upcasting


def test_every_older_version_keeps_its_published_schema_and_has_an_upcaster_to_the_next():
    missing = []
    for producer, registry in registries().items():
        for cls in registry:
            for version in range(1, cls.SCHEMA_VERSION + 1):
                if not (SCHEMAS / "events" / producer / f"{cls.type_name()}.v{version}.json").exists():
                    missing.append(f"{producer} {cls.type_name()} v{version}: no schema")
            for version in range(1, cls.SCHEMA_VERSION):
                if upcasting.step(cls.type_name(), version, producer) is None:
                    missing.append(f"{producer} {cls.type_name()} v{version}: no upcaster to v{version + 1}")

    assert missing == []


def test_an_upcast_old_event_satisfies_its_newest_schema():
    from jsonschema import Draft202012Validator

    old = {"type": "SignatureRequested", "schema_version": 1, "producer": "pledge", "data": {
        "signature_id": "s1", "charter_id": "c1", "version": 1, "organisation_name": "  Borough of  Bath ",
        "organisation_type": "council", "area": None, "signatory_name": "Sam", "signatory_role": "CEO",
        "email_hash": "e", "statement": None, "token_hash": "t", "token_expires_at": "2026-01-01T00:00:00+00:00",
        "requested_by": "u1"}}
    schema = json.loads((SCHEMAS / "events" / "pledge" / "SignatureRequested.v5.json").read_text())

    new = upcasting.upcast(old)

    assert new["schema_version"] == 5 and new["data"]["organisation_id"] == "borough of bath"
    assert new["data"]["withdrawal_token_hash"] is None  # a v1 or v2 signature had no withdrawal link
    assert new["data"]["assurance"] == "self-declared"  # nor could it prove an organisation's domain
    assert new["data"]["subject_id"] is None and new["data"]["sealed"] is None  # its signatory is in the clear
    assert list(Draft202012Validator(schema).iter_errors(new["data"])) == []
    assert upcasting.as_stored(new) is old
