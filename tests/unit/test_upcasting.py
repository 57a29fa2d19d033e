"""Old events are read as new through upcasters; the stored envelope is never changed; newer data is refused."""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared import upcasting
from shared.events import Event, EventRegistry, UnknownSchemaVersion
from shared.hashchain import first_broken_link

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "log_v1.jsonl"


@dataclass(frozen=True)
class Greeted(Event):
    SCHEMA_VERSION = 3

    greeting_id: str
    words: str
    loud: bool


@pytest.fixture
def chain(monkeypatch):
    """Greeted v1 {text} -> v2 {words} -> v3 {words, loud}, in a registry of its own."""
    monkeypatch.setattr(upcasting, "UPCASTERS", {})
    upcasting.upcaster("Greeted", 1)(lambda d: {"greeting_id": d["greeting_id"], "words": d.pop("text")})
    upcasting.upcaster("Greeted", 2)(lambda d: d | {"loud": d["words"].isupper()})


def envelope(version: int, data: dict) -> dict:
    return {"type": "Greeted", "schema_version": version, "producer": "pledge", "stream_id": "g1", "version": 1,
            "data": data, "hash": "h"}


def test_an_old_envelope_is_raised_through_every_step_and_the_stored_one_is_untouched(chain):
    stored = envelope(1, {"greeting_id": "g1", "text": "HELLO"})
    before = json.dumps(stored, sort_keys=True)

    newest = upcasting.upcast(stored)

    assert (newest["schema_version"], newest["data"]) == (3, {"greeting_id": "g1", "words": "HELLO", "loud": True})
    assert newest["hash"] == "h" and newest["stream_id"] == "g1"
    assert json.dumps(stored, sort_keys=True) == before
    assert upcasting.as_stored(newest) is stored


def test_an_envelope_at_its_newest_version_is_passed_on_as_it_is(chain):
    stored = envelope(3, {"greeting_id": "g1", "words": "hi", "loud": False})

    assert upcasting.upcast(stored) is stored
    assert upcasting.as_stored(stored) is stored


def test_the_registry_reads_any_older_version_as_its_class(chain):
    events = EventRegistry(Greeted)

    assert events.from_envelope(envelope(1, {"greeting_id": "g1", "text": "hi"})) == Greeted("g1", "hi", False)
    assert events.from_data("Greeted", {"greeting_id": "g1", "words": "HI"}, 2) == Greeted("g1", "HI", True)
    assert events.from_data("Greeted", {"greeting_id": "g1", "words": "hi", "loud": True}) == Greeted("g1", "hi", True)


def test_a_version_newer_than_the_code_or_a_field_it_does_not_know_is_refused_not_dropped(chain):
    events = EventRegistry(Greeted)

    with pytest.raises(UnknownSchemaVersion, match="v4 is newer"):
        events.from_envelope(envelope(4, {"greeting_id": "g1", "words": "hi", "loud": False, "colour": "red"}))
    with pytest.raises(UnknownSchemaVersion, match="no field colour"):
        events.from_envelope(envelope(3, {"greeting_id": "g1", "words": "hi", "loud": False, "colour": "red"}))


def test_a_missing_step_is_refused(monkeypatch):
    monkeypatch.setattr(upcasting, "UPCASTERS", {})
    upcasting.upcaster("Greeted", 1)(lambda d: {"greeting_id": d["greeting_id"], "words": d["text"]})

    with pytest.raises(UnknownSchemaVersion, match="from v2 towards v3"):
        EventRegistry(Greeted).from_envelope(envelope(1, {"greeting_id": "g1", "text": "hi"}))


def test_two_upcasters_for_one_step_are_refused(chain):
    with pytest.raises(ValueError, match="two upcasters"):
        upcasting.upcaster("Greeted", 1)(lambda d: d)


def test_a_step_for_one_producer_leaves_the_other_producers_type_of_that_name_alone(monkeypatch):
    monkeypatch.setattr(upcasting, "UPCASTERS", {})
    monkeypatch.setattr(upcasting, "_BY_PRODUCER", {})
    upcasting.upcaster("CommentPosted", 1, producer="knowledge")(lambda d: d | {"seen": True})
    knowledge, pledge = ({"type": "CommentPosted", "schema_version": 1, "producer": p, "data": {}}
                         for p in ("knowledge", "pledge"))

    assert upcasting.upcast(knowledge)["data"] == {"seen": True}
    assert upcasting.upcast(pledge) is pledge


def test_every_event_of_the_log_written_before_upcasting_loads_into_todays_event_classes():
    from services.knowledge.domain import EVENTS as KNOWLEDGE
    from services.pilots.domain import EVENTS as PILOTS
    from services.pledge.domain import EVENTS as PLEDGE

    registries = {"pledge": PLEDGE, "knowledge": KNOWLEDGE, "pilots": PILOTS}
    log = [json.loads(line) for line in FIXTURE.read_text().splitlines()]

    loaded = [registries[e["producer"]].from_envelope(e) for e in log]

    assert len(loaded) == len(log)
    for producer in registries:  # and upcasting on read left the stored chain as it was
        assert first_broken_link([e for e in log if e["producer"] == producer]) is None


def test_an_endorsement_of_the_old_log_names_its_organisation_by_id():
    from services.knowledge.domain import EVENTS as KNOWLEDGE
    from shared.contract.organisations import canonical_organisation

    old = [json.loads(line) for line in FIXTURE.read_text().splitlines()
           if '"BarrierEndorsed"' in line or '"SolutionEndorsed"' in line]

    loaded = [KNOWLEDGE.from_envelope(e) for e in old]

    assert old and all(e["schema_version"] == 1 for e in old)
    assert [e.organisation_id for e in loaded] == [canonical_organisation(e["data"]["organisation"]) for e in old]
