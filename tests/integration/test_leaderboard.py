"""The leaderboard the gateway keeps: a Bayesian average that a lone 5 cannot game, in a stable order.

The score has one definition, the read model's (services/gateway/readmodels/draft_ratings.py); these tests
project rating events into it and read the leaderboard the API serves.
"""

from __future__ import annotations

import uuid
from itertools import count

import psycopg
from psycopg.rows import dict_row

from services.gateway.audit.replay import drop, rebuild
from services.gateway.readmodels.pledge_reads import ranked
from shared.contract.vocabulary import PRIOR_MEAN

CHARTER = str(uuid.uuid4())


class Log:
    """Pledge events in the order they are written, each envelope as the store would publish it."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self._position, self._versions = count(1), dict[str, int]()
        self.add("CharterCreated", CHARTER, {"charter_id": CHARTER, "title": "A charter", "purpose": "To test",
                                             "steward": "steward"})

    def add(self, type_: str, stream_id: str, data: dict) -> None:
        version = self._versions[stream_id] = self._versions.get(stream_id, 0) + 1
        position = next(self._position)
        self.events.append({
            "type": type_, "stream_id": stream_id, "version": version, "position": position, "producer": "pledge",
            "schema_version": 1, "event_id": str(uuid.uuid4()), "actor": "steward",
            "occurred_at": f"2026-12-01T10:00:00.{position:06d}Z", "data": data})

    def draft(self, draft_id: str, *stars: int) -> None:
        self.add("DraftProposed", draft_id, {
            "draft_id": draft_id, "charter_id": CHARTER, "round_number": 1, "title": draft_id, "text": "We will.",
            "change_summary": "", "parents": [], "author": "author"})
        for rater, n in enumerate(stars):
            self.add("DraftRated", draft_id, {"draft_id": draft_id, "rater": f"rater-{rater}", "stars": n})


def leaderboard(database_url: str, log: Log) -> list[tuple[str, float, int]]:
    schema = rebuild(database_url, log.events)
    try:
        with psycopg.connect(database_url, options=f"-c search_path={schema}") as conn, \
                conn.cursor(row_factory=dict_row) as cur:
            items, _ = ranked(cur, CHARTER, None, 50, 0)
    finally:
        drop(database_url, schema)
    return [(i["draft_id"], round(i["score"], 4), i["rating_count"]) for i in items]


def test_a_single_five_does_not_beat_a_hundred_fours(database_url):
    log = Log()
    log.draft("lone-five", 5)
    log.draft("many-fours", *[4] * 100)

    assert [d for d, _, _ in leaderboard(database_url, log)] == ["many-fours", "lone-five"]


def test_an_unrated_draft_scores_the_middle_of_the_scale_and_ratings_pull_it_towards_their_mean(database_url):
    log = Log()
    log.draft("unrated")
    log.draft("two-fives", 5, 5)
    log.draft("many-fives", *[5] * 200)

    scores = {d: score for d, score, _ in leaderboard(database_url, log)}

    assert scores["unrated"] == PRIOR_MEAN
    assert PRIOR_MEAN < scores["two-fives"] < scores["many-fives"] < 5


def test_equal_scores_go_to_the_draft_with_more_ratings_then_to_the_smaller_id(database_url):
    log = Log()
    log.draft("d-b", 3)
    log.draft("d-a", 3)
    log.draft("d-c", 3, 3)

    assert [d for d, _, _ in leaderboard(database_url, log)] == ["d-c", "d-a", "d-b"]


def test_withdrawn_drafts_leave_the_leaderboard(database_url):
    log = Log()
    log.draft("kept", 2)
    log.draft("gone", 5)
    log.add("DraftWithdrawn", "gone", {"draft_id": "gone"})

    assert [d for d, _, _ in leaderboard(database_url, log)] == ["kept"]
