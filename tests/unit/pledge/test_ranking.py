"""The leaderboard: a Bayesian average that a lone 5 cannot game, with a stable order."""

from __future__ import annotations

from services.pledge.domain.drafts import DraftWithdrawn, evolve
from services.pledge.domain.ranking import PRIOR_MEAN, bayesian_average, rank, rank_drafts

from .builders import a_charter, a_draft, apply, rated


def test_a_single_five_does_not_beat_a_hundred_fours():
    ratings = {"lone-five": [5], "many-fours": [4] * 100}

    ranked = rank(ratings)

    assert [r.draft_id for r in ranked] == ["many-fours", "lone-five"]


def test_an_unrated_draft_scores_the_middle_of_the_scale():
    score = bayesian_average([])

    assert score == PRIOR_MEAN


def test_many_ratings_pull_the_score_towards_their_mean():
    few, many = bayesian_average([5, 5]), bayesian_average([5] * 200)

    assert PRIOR_MEAN < few < many < 5


def test_equal_scores_go_to_the_draft_with_more_ratings_then_to_the_smaller_id():
    ratings = {"d-b": [3], "d-a": [3], "d-c": [3, 3]}

    ranked = rank(ratings)

    assert [r.draft_id for r in ranked] == ["d-c", "d-a", "d-b"]


def test_the_ranking_reports_count_and_plain_mean():
    ranked = rank({"d": [4, 5]})

    assert (ranked[0].count, ranked[0].mean) == (2, 4.5)


def test_withdrawn_drafts_leave_the_leaderboard():
    charter = a_charter()
    kept = rated(charter, a_draft(charter, "draft-1"), ("bob", 2))
    gone = apply(evolve, rated(charter, a_draft(charter, "draft-2"), ("bob", 5)), [DraftWithdrawn("draft-2")])

    ranked = rank_drafts([kept, gone])

    assert [r.draft_id for r in ranked] == ["draft-1"]
