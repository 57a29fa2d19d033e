from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from shared.envelope import CONTRACT_FIELDS, CommandMeta, new_envelope, rfc3339
from shared.events import Event, EventRegistry
from shared.hashchain import GENESIS


@dataclass(frozen=True)
class ThingNamed(Event):
    thing_id: str
    names: tuple[str, ...]


def test_an_event_round_trips_through_its_envelope_data():
    event = ThingNamed("t1", ("a", "b"))

    back = EventRegistry(ThingNamed).from_data("ThingNamed", event.to_data())

    assert back == event


def test_a_new_envelope_carries_every_contract_field_but_its_hash():
    meta = CommandMeta(actor="u1", correlation_id="c1", causation_id="r1")

    env = new_envelope(ThingNamed("t1", ()), stream_type="thing", stream_id="t1", version=1, position=7,
                       occurred_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC), producer="pledge", meta=meta,
                       prev_hash=GENESIS)

    assert set(CONTRACT_FIELDS) - set(env) == {"hash"}
    assert env["type"] == "ThingNamed"
    assert env["occurred_at"] == "2026-03-01T12:00:00.000000Z"
    assert env["data"] == {"thing_id": "t1", "names": []}


def test_a_timestamp_is_rfc_3339_in_utc_with_microseconds_and_a_four_digit_year_whatever_its_zone():
    assert rfc3339(datetime(2026, 12, 1, 10, 0, tzinfo=UTC)) == "2026-12-01T10:00:00.000000Z"
    early = datetime(265, 1, 28, 16, 26, 50, 400000, tzinfo=timezone(timedelta(hours=23, minutes=57)))
    assert rfc3339(early) == "0265-01-27T16:29:50.400000Z"
