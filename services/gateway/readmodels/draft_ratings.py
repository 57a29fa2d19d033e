"""Read model of ratings and the leaderboard: each draft's Bayesian score, updated as every rating arrives."""

from __future__ import annotations

from typing import Any

from shared.contract.vocabulary import PRIOR_MEAN, PRIOR_WEIGHT

DDL = """
CREATE TABLE draft_standings (
    draft_id     text PRIMARY KEY,
    charter_id   text NOT NULL,
    round_number integer NOT NULL,
    rating_count integer NOT NULL DEFAULT 0,
    star_total   integer NOT NULL DEFAULT 0,
    score        double precision NOT NULL,
    withdrawn    boolean NOT NULL DEFAULT false
);
CREATE INDEX draft_standings_ranked
    ON draft_standings (charter_id, score DESC, rating_count DESC, draft_id);
CREATE TABLE draft_ratings (
    draft_id text NOT NULL,
    rater    text NOT NULL,
    stars    integer NOT NULL,
    rated_at timestamptz NOT NULL,
    PRIMARY KEY (draft_id, rater)
);
CREATE INDEX draft_ratings_by_rater ON draft_ratings (rater, rated_at, draft_id);
"""

# The one definition of a draft's score (see PRIOR_MEAN in the vocabulary), one statement rescoring one draft per
# event; tests/integration/test_leaderboard.py shows what it ranks.
RESCORE = """
UPDATE draft_standings s
   SET rating_count = r.n, star_total = r.total,
       score = (%(prior_mean)s * %(prior_weight)s + r.total) / (%(prior_weight)s + r.n)
  FROM (SELECT count(*)::int AS n, coalesce(sum(stars), 0)::int AS total
          FROM draft_ratings WHERE draft_id = %(draft_id)s) r
 WHERE s.draft_id = %(draft_id)s
"""


def on_draft_proposed(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(
        "INSERT INTO draft_standings (draft_id, charter_id, round_number, score) VALUES (%s, %s, %s, %s)",
        [d["draft_id"], d["charter_id"], d["round_number"], PRIOR_MEAN],
    )


def on_draft_rated(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(
        "INSERT INTO draft_ratings (draft_id, rater, stars, rated_at) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (draft_id, rater) DO UPDATE SET stars = excluded.stars, rated_at = excluded.rated_at",
        [d["draft_id"], d["rater"], d["stars"], env["occurred_at"]],
    )
    _rescore(conn, d["draft_id"])


def on_rating_retracted(conn, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("DELETE FROM draft_ratings WHERE draft_id = %s AND rater = %s", [d["draft_id"], d["rater"]])
    _rescore(conn, d["draft_id"])


def on_draft_withdrawn(conn, env: dict[str, Any]) -> None:
    conn.execute("UPDATE draft_standings SET withdrawn = true WHERE draft_id = %s", [env["data"]["draft_id"]])


def _rescore(conn, draft_id: str) -> None:
    conn.execute(RESCORE, {"draft_id": draft_id, "prior_mean": PRIOR_MEAN, "prior_weight": PRIOR_WEIGHT})


HANDLERS = {
    "DraftProposed": on_draft_proposed,
    "DraftRated": on_draft_rated,
    "RatingRetracted": on_rating_retracted,
    "DraftWithdrawn": on_draft_withdrawn,
}
