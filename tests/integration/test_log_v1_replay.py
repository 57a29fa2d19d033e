"""A log written before upcasting existed replays, through today's code and upcasters, to the same read models.

`tests/fixtures/log_v1.jsonl` is the three stores as the code of commit 512130b wrote them (every event
type; see tests/fixtures/record_log_v1.py), and `read_models_v1.json`
the gateway's read models that code rebuilt from it. History is never edited: if this test fails, an event
changed shape without an upcaster, or a read model changed what it makes of the same events.
"""

import json
from pathlib import Path

from services.gateway.audit.replay import drop, rebuild

from ..fixtures.read_models import VOLATILE, dump

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_a_log_written_before_upcasting_replays_to_the_same_read_models(database_url):
    log = [json.loads(line) for line in (FIXTURES / "log_v1.jsonl").read_text().splitlines()]
    recorded = json.loads((FIXTURES / "read_models_v1.json").read_text())

    schema = rebuild(database_url, log)
    try:
        rebuilt = dump(database_url, schema)
    finally:
        drop(database_url, schema)

    assert {t: rows for t, rows in rebuilt.items() if t in recorded} == recorded, VOLATILE
    assert set(rebuilt) >= set(recorded)
