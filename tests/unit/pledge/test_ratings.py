"""Ratings: 1 to 5 stars from anyone but the author, changeable and retractable while the round is open."""

from __future__ import annotations

import pytest

from services.pledge.domain.drafts import (
    DraftRated,
    RateDraft,
    RatingRetracted,
    RetractRating,
    evolve,
    rate_draft,
    retract_rating,
)
from services.pledge.domain.errors import RoundClosedError
from shared.errors import Forbidden, Invalid, NotFound

from .builders import T0, a_charter, a_draft, apply, closed, rated


def test_a_participant_rates_someone_elses_draft():
    charter = a_charter()
    draft = a_draft(charter, author="alice")

    events = rate_draft(charter, draft, RateDraft(draft.draft_id, 4, "bob"), T0)

    assert events == [DraftRated(draft.draft_id, "bob", 4)]
    assert apply(evolve, draft, events).ratings == {"bob": 4}


def test_rating_ones_own_draft_is_refused():
    charter = a_charter()
    draft = a_draft(charter, author="alice")

    with pytest.raises(Forbidden):
        rate_draft(charter, draft, RateDraft(draft.draft_id, 5, "alice"), T0)


@pytest.mark.parametrize("stars", [0, 6, -1, True, 4.5])
def test_a_rating_outside_one_to_five_whole_stars_is_refused(stars):
    charter = a_charter()
    draft = a_draft(charter)

    with pytest.raises(Invalid) as refused:
        rate_draft(charter, draft, RateDraft(draft.draft_id, stars, "bob"), T0)

    assert refused.value.field == "stars"


def test_a_participant_changes_their_rating_and_keeps_one_rating():
    charter = a_charter()
    draft = rated(charter, a_draft(charter), ("bob", 2))

    draft = rated(charter, draft, ("bob", 5))

    assert draft.ratings == {"bob": 5}


def test_giving_the_same_rating_again_records_nothing():
    charter = a_charter()
    draft = rated(charter, a_draft(charter), ("bob", 3))

    events = rate_draft(charter, draft, RateDraft(draft.draft_id, 3, "bob"), T0)

    assert events == []


def test_a_participant_retracts_their_rating():
    charter = a_charter()
    draft = rated(charter, a_draft(charter), ("bob", 3), ("carol", 5))

    events = retract_rating(charter, draft, RetractRating(draft.draft_id, "bob"), T0)

    assert events == [RatingRetracted(draft.draft_id, "bob")]
    assert apply(evolve, draft, events).ratings == {"carol": 5}


def test_retracting_a_rating_never_given_is_refused():
    charter = a_charter()
    draft = a_draft(charter)

    with pytest.raises(NotFound):
        retract_rating(charter, draft, RetractRating(draft.draft_id, "bob"), T0)


def test_ratings_are_refused_once_the_round_closes():
    charter = a_charter()
    draft = rated(charter, a_draft(charter), ("bob", 3))

    with pytest.raises(RoundClosedError):
        rate_draft(closed(charter), draft, RateDraft(draft.draft_id, 4, "carol"), T0)
    with pytest.raises(RoundClosedError):
        retract_rating(closed(charter), draft, RetractRating(draft.draft_id, "bob"), T0)
