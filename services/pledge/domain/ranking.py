"""The leaderboard: drafts ranked by a Bayesian average of their star ratings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from shared.contract.vocabulary import PRIOR_MEAN, PRIOR_WEIGHT

from .drafts import Draft

# Why a Bayesian average and not a Wilson lower bound: Wilson bounds a proportion of yes/no votes,
# and squeezing 1-5 stars into "positive or not" throws the scale away. The Bayesian average counts
# PRIOR_WEIGHT imaginary ratings of PRIOR_MEAN (the middle of the scale) alongside the real ones, so a
# draft with few ratings sits near the middle and moves towards its own mean as ratings arrive:
# a single 5 scores (5*3 + 5) / 6 = 3.33, a hundred 4s score (5*3 + 400) / 105 = 3.95.
# The prior is fixed rather than the charter's running mean so that a draft's score depends on its own
# ratings only: the leaderboard does not reshuffle when other drafts are rated, and a projection can
# update one row per rating event.


@dataclass(frozen=True)
class Ranked:
    draft_id: str
    score: float
    count: int
    mean: float | None


def bayesian_average(stars: Iterable[int], prior_mean: float = PRIOR_MEAN, prior_weight: int = PRIOR_WEIGHT) -> float:
    """The mean of the ratings shrunk towards `prior_mean` as if `prior_weight` such ratings were added."""
    values = list(stars)
    return (prior_mean * prior_weight + sum(values)) / (prior_weight + len(values))


def rank(ratings_by_draft: Mapping[str, Iterable[int]]) -> list[Ranked]:
    """Best first; ties go to the draft with more ratings, then the smaller id, so the order is stable."""
    ranked = [_ranked(draft_id, list(stars)) for draft_id, stars in ratings_by_draft.items()]
    return sorted(ranked, key=lambda r: (-r.score, -r.count, r.draft_id))


def rank_drafts(drafts: Iterable[Draft]) -> list[Ranked]:
    """Rank the drafts that are not withdrawn by their current ratings."""
    return rank({d.draft_id: d.ratings.values() for d in drafts if not d.withdrawn})


def _ranked(draft_id: str, stars: list[int]) -> Ranked:
    mean = sum(stars) / len(stars) if stars else None
    return Ranked(draft_id, bayesian_average(stars), len(stars), mean)
