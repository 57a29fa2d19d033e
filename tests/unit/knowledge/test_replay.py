"""Replaying the events the commands produced, through their JSON form, gives the same page."""

import functools
import json
from datetime import timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from services.knowledge.domain import EVENTS, barriers, discussion, endorsements, moderation, protection, revisions
from shared.errors import Refused
from shared.events import replay

from .builders import ALICE, BOB, MALLORY, MODERATOR, MODERATOR_MO, T0, apply, later

PEOPLE = st.sampled_from([ALICE, BOB, MALLORY, MODERATOR_MO])
ROLES = st.sampled_from([frozenset(), MODERATOR])
TEXT = st.text(alphabet="ab ", min_size=1, max_size=8)
ORGANISATION = st.sampled_from(["Leeds", "Kent", "leeds"])
WHY = st.just("why")
NEW_ID_FIELD = {moderation.decide_flag_item: "flag_id", discussion.decide_post_comment: "comment_id"}


def step(decide, command):
    """A strategy for one (decision, command) pair."""
    return st.tuples(st.just(decide), command)


@functools.cache
def steps(revision_count, current):
    """A strategy for the next (decision, command) pair, naming revisions the page has, often its current one."""
    revision = st.integers(1, revision_count)
    based_on = st.just(current) | revision
    some_revision = st.none() | revision
    return st.one_of(
        step(
            barriers.decide_edit_barrier,
            st.builds(
                barriers.EditBarrier, PEOPLE, based_on, st.just("Title"), TEXT, st.just("skills"), actor_roles=ROLES
            ),
        ),
        step(revisions.decide_restore_revision, st.builds(revisions.RestoreRevision, PEOPLE, revision, based_on)),
        step(revisions.decide_revert_edits, st.builds(revisions.RevertEdits, PEOPLE, PEOPLE, WHY, ROLES)),
        step(endorsements.decide_endorse, st.builds(endorsements.EndorseItem, PEOPLE, ORGANISATION)),
        step(
            endorsements.decide_withdraw_endorsement, st.builds(endorsements.WithdrawEndorsement, PEOPLE, ORGANISATION)
        ),
        step(moderation.decide_flag_item, st.builds(moderation.FlagItem, PEOPLE, WHY, some_revision)),
        step(moderation.decide_hide, st.builds(moderation.ModerateItem, PEOPLE, WHY, some_revision, ROLES)),
        step(moderation.decide_unhide, st.builds(moderation.ModerateItem, PEOPLE, WHY, some_revision, ROLES)),
        step(
            protection.decide_protect_page,
            st.builds(protection.ProtectPage, PEOPLE, WHY, st.integers(0, 60).map(later), ROLES),
        ),
        step(protection.decide_unprotect_page, st.builds(protection.UnprotectPage, PEOPLE, WHY, ROLES)),
        step(discussion.decide_post_comment, st.builds(discussion.PostComment, PEOPLE, TEXT)),
    )


def run(data):
    """The page and its stream after a proposal and drawn commands a minute apart, skipping refusals."""
    proposal = barriers.ProposeBarrier(ALICE, "Title", "Text", "skills")
    log = barriers.decide_propose_barrier(None, proposal, barrier_id="b-1", now=T0)
    page = apply(None, log)
    for minute in range(1, data.draw(st.integers(0, 25)) + 1):
        decide, command = data.draw(steps(len(page.revisions), page.current.number))
        ids = {NEW_ID_FIELD[decide]: f"id-{minute}"} if decide in NEW_ID_FIELD else {}
        try:
            events = decide(page, command, now=T0 + timedelta(minutes=minute), **ids)
        except Refused as refusal:
            event(f"refused: {type(refusal).__name__}")
            continue
        page, log = apply(page, events), log + events
    event(f"revisions: {min(len(page.revisions), 5)}+")
    return page, log


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_replaying_the_events_the_commands_produced_gives_the_same_page(data):
    page, log = run(data)

    stored = [(e.type_name(), json.loads(json.dumps(e.to_data()))) for e in log]
    replayed = replay(barriers.evolve, [EVENTS.from_data(name, data) for name, data in stored], None)

    assert replayed == page
    assert [r.number for r in replayed.revisions] == list(range(1, len(replayed.revisions) + 1))
