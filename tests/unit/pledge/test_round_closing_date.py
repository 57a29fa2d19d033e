"""A round with a closing date stops taking drafts, ratings and comments at that moment, recorded closed or not."""

from __future__ import annotations

import pytest

from services.pledge.domain import charters, comments, drafts
from services.pledge.domain.errors import RoundClosedError

from .builders import STEWARD, STEWARDS, T0, a_charter, a_draft, apply, closed, later, rated


def a_round_closing_in(hours: float) -> charters.Charter:
    """A charter whose second round, opened at T0, closes `hours` later (and nobody closes it by hand)."""
    charter = closed(a_charter())
    command = charters.OpenRound(charter.charter_id, later(hours), STEWARD, STEWARDS)
    return apply(charters.evolve, charter, charters.open_round(charter, command, T0))


def test_a_draft_proposed_after_the_closing_date_is_refused():
    charter = a_round_closing_in(24)
    command = drafts.ProposeDraft("draft-9", charter.charter_id, "Late", "Too late.", "", (), "alice")

    with pytest.raises(RoundClosedError) as refused:
        drafts.propose_draft(charter, {}, command, later(24))

    assert refused.value.field == "charter_id"
    assert drafts.propose_draft(charter, {}, command, later(23.9))


def test_a_rating_given_or_retracted_after_the_closing_date_is_refused():
    charter = a_round_closing_in(24)
    draft = rated(charter, a_draft(charter), ("bob", 3))

    with pytest.raises(RoundClosedError):
        drafts.rate_draft(charter, draft, drafts.RateDraft(draft.draft_id, 4, "carol"), later(25))
    with pytest.raises(RoundClosedError):
        drafts.retract_rating(charter, draft, drafts.RetractRating(draft.draft_id, "bob"), later(25))


def test_a_comment_posted_after_the_closing_date_is_refused():
    charter = a_round_closing_in(24)
    draft = a_draft(charter)

    with pytest.raises(RoundClosedError):
        comments.post_comment(charter, draft, comments.PostComment(draft.draft_id, "c1", "Late", "bob"), later(24))


def test_the_round_past_its_closing_date_is_still_recorded_open_until_a_steward_closes_it():
    charter = a_round_closing_in(24)

    events = charters.close_round(charter, charters.CloseRound(charter.charter_id, STEWARD, STEWARDS))

    assert charter.round_open and not charter.accepts_drafts(later(24))
    assert events == [charters.RoundClosed(charter.charter_id, 2)]
