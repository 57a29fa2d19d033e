"""Charters: drafting rounds opened and closed by the steward, and the versions adopted."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.pledge.domain.charters import (
    CloseRound,
    OpenRound,
    RoundClosed,
    RoundOpened,
    close_round,
    evolve,
    open_round,
)
from services.pledge.domain.errors import Forbidden, Invalid, PledgeError, RoundClosedError

from .builders import STEWARD, T0, a_charter, apply, closed, later


def test_the_steward_closes_the_open_round():
    charter = a_charter()

    events = close_round(charter, CloseRound(charter.charter_id, STEWARD))

    assert events == [RoundClosed(charter.charter_id, 1)]
    assert not apply(evolve, charter, events).round_open


def test_only_the_steward_closes_a_round():
    charter = a_charter()

    with pytest.raises(Forbidden):
        close_round(charter, CloseRound(charter.charter_id, "alice"))


def test_closing_a_round_that_is_not_open_is_refused():
    charter = closed(a_charter())

    with pytest.raises(RoundClosedError):
        close_round(charter, CloseRound(charter.charter_id, STEWARD))


def test_the_steward_opens_the_next_round_with_a_closing_date():
    charter = closed(a_charter())

    events = open_round(charter, OpenRound(charter.charter_id, later(72), STEWARD), T0)

    assert events == [RoundOpened(charter.charter_id, 2, later(72).isoformat())]


def test_a_round_stops_accepting_drafts_at_its_closing_date():
    charter = closed(a_charter())

    charter = apply(evolve, charter, open_round(charter, OpenRound(charter.charter_id, later(72), STEWARD), T0))

    assert charter.accepts_drafts(later(71)) and not charter.accepts_drafts(later(72))


def test_only_the_steward_opens_a_round():
    charter = closed(a_charter())

    with pytest.raises(Forbidden):
        open_round(charter, OpenRound(charter.charter_id, None, "alice"), T0)


def test_a_second_round_cannot_open_while_one_is_open():
    charter = a_charter()

    with pytest.raises(PledgeError) as refused:
        open_round(charter, OpenRound(charter.charter_id, None, STEWARD), T0)

    assert refused.value.status == 409


def test_a_round_past_its_closing_date_is_closed_when_the_next_opens():
    charter = closed(a_charter())
    charter = apply(evolve, charter, open_round(charter, OpenRound(charter.charter_id, later(1), STEWARD), T0))

    events = open_round(charter, OpenRound(charter.charter_id, None, STEWARD), later(2))

    assert events == [RoundClosed(charter.charter_id, 2), RoundOpened(charter.charter_id, 3, None)]


@pytest.mark.parametrize("closes_at", [T0, T0 - timedelta(days=1), datetime(2030, 1, 1)])
def test_a_closing_date_must_be_in_the_future_and_carry_a_time_zone(closes_at):
    charter = closed(a_charter())

    with pytest.raises(Invalid) as refused:
        open_round(charter, OpenRound(charter.charter_id, closes_at, STEWARD), T0)

    assert refused.value.field == "closes_at"
