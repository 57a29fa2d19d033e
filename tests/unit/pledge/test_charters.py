"""Charters: created by stewards, drafting rounds opened and closed by any steward, and the versions adopted."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.pledge.domain.charters import (
    CharterCreated,
    CloseRound,
    CreateCharter,
    OpenRound,
    RoundClosed,
    RoundOpened,
    close_round,
    create_charter,
    evolve,
    open_round,
)
from services.pledge.domain.errors import PledgeConflict, RoundClosedError
from shared.envelope import rfc3339
from shared.errors import Forbidden, Invalid

from .builders import PARTICIPANT, STEWARD, STEWARDS, T0, a_charter, apply, closed, later


def test_a_steward_creates_a_charter_with_its_first_round_open():
    command = CreateCharter("charter-9", "The pledge", "Make government interactive", STEWARD, STEWARDS)

    events = create_charter(command)

    assert events == [
        CharterCreated("charter-9", "The pledge", "Make government interactive", STEWARD),
        RoundOpened("charter-9", 1, None),
    ]


def test_a_participant_cannot_create_a_charter():
    command = CreateCharter("charter-9", "The pledge", "Make government interactive", "alice", PARTICIPANT)

    with pytest.raises(Forbidden) as refused:
        create_charter(command)

    assert "steward" in refused.value.message


def test_the_steward_closes_the_open_round():
    charter = a_charter()

    events = close_round(charter, CloseRound(charter.charter_id, STEWARD, STEWARDS))

    assert events == [RoundClosed(charter.charter_id, 1)]
    assert not apply(evolve, charter, events).round_open


def test_a_participant_without_the_steward_role_cannot_close_a_round():
    charter = a_charter()

    with pytest.raises(Forbidden):
        close_round(charter, CloseRound(charter.charter_id, "alice", PARTICIPANT))


def test_any_steward_closes_the_round_of_a_charter_another_steward_created():
    charter = a_charter()

    events = close_round(charter, CloseRound(charter.charter_id, "steward-2", STEWARDS))

    assert events == [RoundClosed(charter.charter_id, 1)]


def test_closing_a_round_that_is_not_open_is_refused():
    charter = closed(a_charter())

    with pytest.raises(RoundClosedError):
        close_round(charter, CloseRound(charter.charter_id, STEWARD, STEWARDS))


def test_the_steward_opens_the_next_round_with_a_closing_date():
    charter = closed(a_charter())

    events = open_round(charter, OpenRound(charter.charter_id, later(72), STEWARD, STEWARDS), T0)

    assert events == [RoundOpened(charter.charter_id, 2, rfc3339(later(72)))]


def test_a_round_stops_accepting_drafts_at_its_closing_date():
    charter = closed(a_charter())
    command = OpenRound(charter.charter_id, later(72), STEWARD, STEWARDS)

    charter = apply(evolve, charter, open_round(charter, command, T0))

    assert charter.accepts_drafts(later(71)) and not charter.accepts_drafts(later(72))


def test_a_participant_without_the_steward_role_cannot_open_a_round():
    charter = closed(a_charter())

    with pytest.raises(Forbidden):
        open_round(charter, OpenRound(charter.charter_id, None, "alice", PARTICIPANT), T0)


def test_the_creator_of_a_charter_who_is_no_longer_a_steward_cannot_open_a_round():
    charter = closed(a_charter())

    with pytest.raises(Forbidden):
        open_round(charter, OpenRound(charter.charter_id, None, STEWARD, PARTICIPANT), T0)


def test_a_second_round_cannot_open_while_one_is_open():
    charter = a_charter()

    with pytest.raises(PledgeConflict) as refused:
        open_round(charter, OpenRound(charter.charter_id, None, STEWARD, STEWARDS), T0)

    assert refused.value.field == "charter_id"


def test_a_round_past_its_closing_date_is_closed_when_the_next_opens():
    charter = closed(a_charter())
    opened = open_round(charter, OpenRound(charter.charter_id, later(1), STEWARD, STEWARDS), T0)
    charter = apply(evolve, charter, opened)

    events = open_round(charter, OpenRound(charter.charter_id, None, STEWARD, STEWARDS), later(2))

    assert events == [RoundClosed(charter.charter_id, 2), RoundOpened(charter.charter_id, 3, None)]


@pytest.mark.parametrize("closes_at", [T0, T0 - timedelta(days=1), datetime(2030, 1, 1)])
def test_a_closing_date_must_be_in_the_future_and_carry_a_time_zone(closes_at):
    charter = closed(a_charter())

    with pytest.raises(Invalid) as refused:
        open_round(charter, OpenRound(charter.charter_id, closes_at, STEWARD, STEWARDS), T0)

    assert refused.value.field == "closes_at"
