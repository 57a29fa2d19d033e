"""A whole pledge cycle through the gateway: drafting, rating, commenting, adoption, signing, withdrawal."""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from ..integration.topics import read_topic
from .clients import WebClient

TEXT_A = "We will open our services to the people who use them."
TEXT_B = "We commit to removing the barriers that stop our staff working interactively."
TEXT_C = f"{TEXT_A} {TEXT_B[:-1]}, starting this year."
QUOTE = "starting this year"


@dataclass
class Cycle:
    people: dict[str, WebClient]
    charter_id: str = ""
    drafts: dict[str, str] = field(default_factory=dict)
    signatures: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    last_position: int = 0

    def did(self, response, status: int = 201) -> dict:
        assert response.status == status, response.body
        self.tokens.append(response.body["consistency_token"])
        self.last_position = max(self.last_position, response.body["position"])
        return response.body


@pytest.fixture(scope="module")
def cycle(stack, settings) -> Cycle:
    """Act out the issue's cycle once; the tests below each check what one reader sees of it."""
    base = f"http://{settings.host}:{settings.gateway_port}"
    c = Cycle({name: WebClient(base, actor=f"{name}-{uuid.uuid4().hex[:6]}",
                               roles=("steward",) if name == "steward" else ())
               for name in ("steward", "alice", "bob", "carol", "dave", "pat", "lee")})
    steward, alice, bob, carol, dave = (c.people[n] for n in ("steward", "alice", "bob", "carol", "dave"))
    c.charter_id = c.did(steward.create_charter(title="The cycle's pledge"))["charter_id"]
    c.did(steward.close_round(c.charter_id))
    c.did(steward.open_round(c.charter_id, (datetime.now(UTC) + timedelta(days=7)).isoformat()))
    c.drafts["A"] = c.did(alice.propose_draft(c.charter_id, TEXT_A, title="Open services"))["draft_id"]
    c.drafts["B"] = c.did(bob.propose_draft(c.charter_id, TEXT_B, title="Remove barriers"))["draft_id"]
    c.drafts["C"] = c.did(carol.remix_drafts(c.charter_id, (c.drafts["A"], c.drafts["B"]), TEXT_C))["draft_id"]
    for rater, name, stars in (("alice", "B", 3), ("alice", "C", 4), ("alice", "C", 5), ("bob", "A", 2),
                               ("bob", "C", 4), ("carol", "A", 4), ("carol", "B", 2), ("dave", "A", 5),
                               ("dave", "C", 5)):
        c.did(c.people[rater].rate_draft(c.drafts[name], stars), 200)  # setting a rating is an update
    c.did(dave.retract_rating(c.drafts["A"]), 200)  # a removal answers 200, with where its event landed
    comment = c.did(alice.comment_on_passage(c.drafts["C"], TEXT_C, QUOTE, "Which year is 'this year'?"))
    c.did(carol.comment_on_draft(c.drafts["C"], "The year the charter is adopted.", reply_to=comment["comment_id"]))
    steward.wait_until_read(*c.tokens)
    best = steward.read_leaderboard(c.charter_id).body["items"][0]["draft_id"]
    c.did(steward.adopt_draft(c.charter_id, best))
    for signer, organisation, kind in (("pat", "Riverside Council", "council"), ("lee", "Data Agency", "agency")):
        c.emails[signer] = f"{signer}.{uuid.uuid4().hex[:6]}+pledge@Example.org"
        person = c.people[signer].from_address(f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}")
        signed = c.did(person.sign_charter(c.charter_id, 1, organisation, c.emails[signer], organisation_type=kind,
                                           signatory=f"{signer.title()} Smith", statement=f"{organisation} is in."))
        c.signatures[signer] = signed["signature_id"]
        c.did(person.follow_verification_link(signed["signature_id"]))
    c.did(c.people["lee"].withdraw_signature(c.signatures["lee"], reason="Board decision"))
    steward.wait_until_read(*c.tokens)
    return c


def test_the_charter_shows_its_adopted_version_and_no_open_round(cycle):
    charter = cycle.people["steward"].read_charter(cycle.charter_id).body

    assert charter["open_round"] is None and charter["round_number"] == 2
    assert charter["current_version"]["version"] == 1
    assert charter["current_version"]["draft_id"] == cycle.drafts["C"]
    assert charter["current_version"]["text"] == TEXT_C


def test_the_leaderboard_ranks_drafts_by_their_bayesian_score(cycle):
    board = cycle.people["dave"].read_leaderboard(cycle.charter_id).body

    ranked = [(i["draft_id"], round(i["score"], 3), i["rating_count"]) for i in board["items"]]
    d = cycle.drafts
    # (3 * 5 + sum) / (5 + n): C has 5, 4, 5; A has 2, 4 after dave's retraction; B has 3, 2.
    assert ranked == [(d["C"], 3.625, 3), (d["A"], 3.0, 2), (d["B"], 2.857, 2)]
    assert [i["rank"] for i in board["items"]] == [1, 2, 3] and board["total"] == 3


def test_a_draft_shows_its_lineage_ratings_and_threaded_passage_comments(cycle):
    draft = cycle.people["bob"].read_draft(cycle.drafts["C"]).body

    assert draft["ratings"]["histogram"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 2}
    assert [p["draft_id"] for p in draft["lineage"]["parents"]] == [cycle.drafts["A"], cycle.drafts["B"]]
    [thread] = draft["comments"]
    assert thread["quote"] == QUOTE and TEXT_C[thread["passage_start"]:thread["passage_end"]] == QUOTE
    assert [r["author"] for r in thread["replies"]] == [cycle.people["carol"].actor]
    parent = cycle.people["bob"].read_draft(cycle.drafts["A"]).body
    assert [r["draft_id"] for r in parent["remixes"]] == [cycle.drafts["C"]]


def test_two_drafts_compare_word_by_word(cycle):
    diff = cycle.people["bob"].compare_drafts(cycle.drafts["A"], cycle.drafts["C"]).body

    assert diff["segments"] == [{"op": "equal", "text": TEXT_A}, {"op": "insert", "text": TEXT_C[len(TEXT_A):]}]


def test_the_adopted_text_credits_each_passage_to_its_first_author(cycle):
    version = cycle.people["bob"].read_adopted_version(cycle.charter_id, 1).body

    credits = version["credits"]
    assert "".join(s["text"] for s in credits) == TEXT_C
    by_author = {}
    for segment in credits:
        by_author[segment["author"]] = by_author.get(segment["author"], "") + segment["text"]
    assert by_author[cycle.people["alice"].actor].strip() == TEXT_A
    assert "removing the barriers that stop our staff" in by_author[cycle.people["bob"].actor]
    assert QUOTE in by_author[cycle.people["carol"].actor]


def test_only_the_verified_unwithdrawn_signature_is_public_and_counted(cycle):
    web = cycle.people["steward"]

    signatories = web.read_signatories(cycle.charter_id).body
    counts = web.read_signatory_counts(cycle.charter_id).body
    timeline = web.read_signing_timeline(cycle.charter_id).body

    [only] = signatories["items"]
    assert (only["organisation_name"], only["signatory_name"], only["signatory_role"]) == (
        "Riverside Council", "Pat Smith", "chief executive")
    assert only["statement"] == "Riverside Council is in." and only["signed_at"]
    assert counts["by_type"] == {"council": 1, "department": 0, "agency": 0, "other": 0} and counts["total"] == 1
    assert sum(d["signed"] for d in timeline["days"]) == 2 and sum(d["withdrawn"] for d in timeline["days"]) == 1
    assert timeline["days"][-1]["total"] == 1


def test_participants_see_their_own_drafts_and_ratings(cycle):
    alice = cycle.people["alice"]

    drafts = alice.read_my_drafts().body
    ratings = alice.read_my_ratings().body

    assert [d["draft_id"] for d in drafts["items"]] == [cycle.drafts["A"]]
    assert {r["draft_id"]: r["stars"] for r in ratings["items"]} == {cycle.drafts["B"]: 3, cycle.drafts["C"]: 5}


def test_an_independent_kafka_consumer_sees_the_same_story(cycle, settings):
    envelopes = read_topic(settings.kafka_bootstrap_servers, "charter.pledge.v1", cycle.last_position)

    story = {}
    for e in sorted({(e["stream_id"], e["version"]): e for e in envelopes}.values(), key=lambda e: e["position"]):
        story.setdefault(e["stream_id"], []).append(e["type"])
    assert story[cycle.charter_id] == ["CharterCreated", "RoundOpened", "RoundClosed", "RoundOpened",
                                       "RoundClosed", "VersionAdopted"]
    assert story[cycle.drafts["A"]] == ["DraftProposed", "DraftRated", "DraftRated", "DraftRated", "RatingRetracted"]
    assert story[cycle.drafts["C"]] == ["DraftProposed", *["DraftRated"] * 4, "CommentPosted", "CommentPosted"]
    assert story[cycle.signatures["pat"]] == ["SignatureRequested", "SignatureVerified"]
    assert story[cycle.signatures["lee"]] == ["SignatureRequested", "SignatureVerified", "SignatureWithdrawn"]


def test_no_event_public_read_or_log_line_holds_a_signatorys_email(cycle, settings, workdir):
    envelopes = read_topic(settings.kafka_bootstrap_servers, "charter.pledge.v1", cycle.last_position)
    public = cycle.people["steward"].read_signatories(cycle.charter_id)
    logs = "".join(p.read_text(errors="replace") for p in (workdir / "logs").glob("*.log"))

    haystacks = [json.dumps(e).lower() for e in envelopes] + [json.dumps(public.body).lower(), logs.lower()]
    for email in cycle.emails.values():
        local = email.lower().split("+")[0]
        assert not any(local in text for text in haystacks)
    assert "email_hash" not in json.dumps(public.body) and "token" not in json.dumps(public.body)
    assert f'"signature_id": "{cycle.signatures["pat"]}"' in logs
