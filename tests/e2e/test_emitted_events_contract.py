"""Every event the suite made the system emit satisfies the published contract and chains its hash."""

import json
from pathlib import Path

import psycopg
import pytest
from jsonschema import Draft202012Validator

from shared.config import DOMAIN_SERVICES
from shared.hashchain import first_broken_link

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
ENVELOPE = Draft202012Validator(json.loads((SCHEMAS / "envelope.json").read_text()))


def data_validator(producer: str, type_name: str, version: int) -> Draft202012Validator:
    path = SCHEMAS / "events" / producer / f"{type_name}.v{version}.json"
    assert path.exists(), f"no published schema for {producer} {type_name} v{version}"
    return Draft202012Validator(json.loads(path.read_text()))


@pytest.mark.after_everything
@pytest.mark.parametrize("producer", DOMAIN_SERVICES)
def test_every_stored_event_validates_against_its_schema_and_the_chain_verifies(stack, settings, producer):
    with psycopg.connect(settings.database_url) as conn:
        envelopes = [r[0] for r in conn.execute(f"SELECT envelope FROM {producer}.events ORDER BY position")]

    problems = []
    for env in envelopes:
        problems += [f"{env['position']} envelope: {e.message}" for e in ENVELOPE.iter_errors(env)]
        validator = data_validator(producer, env["type"], env["schema_version"])
        problems += [f"{env['position']} {env['type']}: {e.message}" for e in validator.iter_errors(env["data"])]

    assert envelopes or producer != "pledge", "the suite emitted no pledge events: run the whole suite"
    assert problems == []
    assert first_broken_link(envelopes) is None
