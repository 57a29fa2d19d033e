"""A signature names its organisation by id (v2), and a v1 signature read today is given the same id."""

import json
from pathlib import Path

from services.pledge.domain import EVENTS
from services.pledge.domain.signatures import SignatureRequested, request_signature
from shared.contract.organisations import canonical_organisation

from .builders import SALT, SUBJECTS, T0, TOKEN, an_adopted_charter, sign_request

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "log_v1.jsonl"


def test_a_signature_request_carries_the_organisations_canonical_name_as_its_id():
    [event] = request_signature(an_adopted_charter(), None, sign_request(organisation="  Leeds  CITY Council "),
                                TOKEN, SALT, T0, subjects=SUBJECTS)

    assert SignatureRequested.SCHEMA_VERSION >= 2  # v3 added the withdrawal link's token hash
    assert (event.organisation_name, event.organisation_id) == ("Leeds  CITY Council", "leeds city council")


def test_a_v1_signature_request_from_the_old_log_loads_with_the_id_computed_from_its_name():
    old = [e for e in map(json.loads, FIXTURE.read_text().splitlines()) if e["type"] == "SignatureRequested"]

    loaded = [EVENTS.from_envelope(e) for e in old]

    assert old and all(e["schema_version"] == 1 and "organisation_id" not in e["data"] for e in old)
    assert [e.organisation_id for e in loaded] == [canonical_organisation(e["data"]["organisation_name"]) for e in old]
