"""Rebuilding any aggregate from its logged events gives the state its commands produced."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from services.pledge.domain import charters, comments, drafts, signatures
from shared.errors import Refused
from shared.events import Event, replay

from .builders import (
    PARTICIPANT,
    SALT,
    STEWARD,
    STEWARDS,
    SUBJECTS,
    T0,
    a_charter,
    a_draft,
    an_adopted_charter,
    apply,
    through_the_log,
)

Decide = Callable[[object, datetime], list[Event]]
hours = st.integers(min_value=0, max_value=30)


def play(evolve: Callable[[Any, Event], Any], state: Any, steps: list[tuple[int, Decide]], log: list[Event]) -> Any:
    """Decide each step on the state so far, keeping what was accepted; refusals change nothing."""
    now = T0
    for wait, decide in steps:
        now += timedelta(hours=wait)
        try:
            events = decide(state, now)
        except Refused:
            continue
        log.extend(events)
        state = apply(evolve, state, events)
    return state


def charter_steps() -> st.SearchStrategy:
    charter = a_charter()
    pool = {
        "mine": a_draft(charter, "mine"),
        "foreign": a_draft(a_charter("charter-2"), "foreign"),
        "gone": apply(drafts.evolve, a_draft(charter, "gone"), [drafts.DraftWithdrawn("gone")]),
        "missing": None,
    }
    actor = st.sampled_from([(STEWARD, STEWARDS), ("alice", PARTICIPANT)])
    closes = st.one_of(st.none(), st.integers(min_value=-2, max_value=40))
    open_ = st.builds(
        lambda a, c: (
            lambda s, now: charters.open_round(
                s, charters.OpenRound("charter-1", None if c is None else now + timedelta(hours=c), *a), now
            )
        ),
        actor,
        closes,
    )
    close = st.builds(lambda a: lambda s, now: charters.close_round(s, charters.CloseRound("charter-1", *a)), actor)
    adopt = st.builds(
        lambda a, d: lambda s, now: charters.adopt_version(s, pool[d], charters.AdoptVersion("charter-1", d, *a), now),
        actor,
        st.sampled_from(sorted(pool)),
    )
    return st.lists(st.tuples(hours, st.one_of(open_, close, adopt)), max_size=25)


@settings(max_examples=200)
@given(charter_steps())
def test_a_charter_rebuilt_from_its_events_is_the_charter_its_commands_produced(steps):
    log = charters.create_charter(charters.CreateCharter("charter-1", "T", "P", STEWARD, STEWARDS))
    state = play(charters.evolve, replay(charters.evolve, log, None), steps, log)

    rebuilt = replay(charters.evolve, through_the_log(log), None)

    assert rebuilt == state
    assert [v.number for v in state.versions] == list(range(1, len(state.versions) + 1))
    assert len({v.round_number for v in state.versions}) == len(state.versions)


def draft_steps() -> tuple[charters.Charter, st.SearchStrategy]:
    charter = a_charter()
    person = st.sampled_from(["alice", "bob", "carol"])
    rate = st.builds(
        lambda p, n: ("rate", p, lambda s, now: drafts.rate_draft(charter, s, drafts.RateDraft("draft-1", n, p), now)),
        person,
        st.integers(min_value=0, max_value=6),
    )
    retract = st.builds(
        lambda p: (
            "retract",
            p,
            lambda s, now: drafts.retract_rating(charter, s, drafts.RetractRating("draft-1", p), now),
        ),
        person,
    )
    comment = st.builds(
        lambda p, cid, reply, span: (
            "comment",
            p,
            lambda s, now: comments.post_comment(
                charter, s, comments.PostComment("draft-1", cid, "note", p, reply, *_passage(s.text, span)), now
            ),
        ),
        person,
        st.sampled_from(["c1", "c2", "c3", "c4"]),
        st.sampled_from([None, "c1", "c2", "c3", "nope"]),
        st.one_of(st.none(), st.tuples(st.integers(-1, 40), st.integers(-1, 40))),
    )
    withdraw = st.builds(
        lambda p: ("withdraw", p, lambda s, now: drafts.withdraw_draft(s, drafts.WithdrawDraft("draft-1", p))), person
    )
    return charter, st.lists(st.one_of(rate, retract, comment, withdraw), max_size=30)


def _passage(text: str, span: tuple[int, int] | None) -> tuple[int | None, int | None, str | None]:
    return (None, None, None) if span is None else (span[0], span[1], text[span[0] : span[1]])


@settings(max_examples=200)
@given(st.data())
def test_a_draft_rebuilt_from_its_events_is_the_draft_its_commands_produced(data):
    charter, steps_strategy = draft_steps()
    log = drafts.propose_draft(
        charter, {}, drafts.ProposeDraft("draft-1", "charter-1", "T", "We commit to open data.", "s", (), "alice"), T0
    )
    expected: dict[str, int] = {}
    state = replay(drafts.evolve, log, None)

    for kind, person, decide in data.draw(steps_strategy):
        before = len(log)
        state = play(drafts.evolve, state, [(0, decide)], log)
        if len(log) > before and kind == "rate":
            expected[person] = log[-1].stars
        if len(log) > before and kind == "retract":
            expected.pop(person)

    assert replay(drafts.evolve, through_the_log(log), None) == state
    assert state.ratings == expected and "alice" not in state.ratings
    assert all(c.reply_to is None or state.comment(c.reply_to).reply_to is None for c in state.comments)


def signature_steps() -> st.SearchStrategy:
    email = st.sampled_from(["ceo@leeds.gov.uk", "C.E.O+x@leeds.gov.uk", "deputy@leeds.gov.uk"])
    actor = st.sampled_from(["signer-1", "signer-2"])
    token = st.sampled_from(["t0", "t1", "t2", "wrong"])
    request = st.builds(
        lambda e, a, t: (
            lambda s, now, charter: signatures.request_signature(
                charter,
                s,
                signatures.RequestSignature("charter-1", 1, "Leeds City Council", "council", "J", "CEO", e, a),
                t,
                SALT,
                now,
                subjects=SUBJECTS,
            )
        ),
        email,
        actor,
        token,
    )
    verify = st.builds(
        lambda t: (
            lambda s, now, charter: signatures.verify_signature(s, signatures.VerifySignature(_sid(), t, "x"), now)
        ),
        token,
    )
    withdraw = st.builds(
        lambda a: (
            lambda s, now, charter: signatures.withdraw_signature(
                s, signatures.WithdrawSignature(_sid(), a, "reason"), now
            )
        ),
        actor,
    )
    return st.lists(st.tuples(hours, st.one_of(request, verify, withdraw)), max_size=25)


def _sid() -> str:
    return signatures.signature_stream_id("charter-1", 1, "Leeds City Council")


@settings(max_examples=200)
@given(signature_steps())
def test_a_signature_rebuilt_from_its_events_is_the_signature_its_commands_produced(steps):
    charter = an_adopted_charter()
    log: list[Event] = []

    state = play(signatures.evolve, None, [(w, lambda s, now, d=d: d(s, now, charter)) for w, d in steps], log)

    assert replay(signatures.evolve, through_the_log(log), None) == state
    assert state is None or state.request.signature_id == _sid()
