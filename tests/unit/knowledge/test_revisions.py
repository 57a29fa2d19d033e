import pytest

from services.knowledge.domain.errors import NotPermitted
from services.knowledge.domain.moderation import ModerateItem, decide_hide
from services.knowledge.domain.revisions import (
    RestoreRevision,
    RevertEdits,
    decide_restore_revision,
    decide_revert_edits,
)
from shared.errors import Conflict

from .builders import ALICE, BOB, MALLORY, MODERATOR, MODERATOR_MO, T0, act, apply, barrier, edit, later


def test_restoring_an_old_revision_creates_a_new_revision_with_its_content():
    page = edit(barrier(), "A worse text.")

    restored = act(page, decide_restore_revision, RestoreRevision(ALICE, revision=1, based_on_revision=2))

    latest = restored.revisions[-1]
    assert (latest.number, latest.restored_from, latest.author) == (3, 1, ALICE)
    assert latest.content == page.revisions[0].content
    assert len(restored.revisions) == 3


def test_restoring_from_a_stale_revision_is_refused_like_an_edit():
    page = edit(edit(barrier(), "Second."), "Third.")

    with pytest.raises(Conflict):
        decide_restore_revision(page, RestoreRevision(ALICE, revision=1, based_on_revision=2), now=T0)


def test_a_hidden_revision_cannot_be_restored():
    page = edit(edit(barrier(), "Someone's home address."), "Clean text.")
    page = act(page, decide_hide, ModerateItem(MODERATOR_MO, "personal data", revision=2, actor_roles=MODERATOR))

    with pytest.raises(Conflict) as refused:
        decide_restore_revision(page, RestoreRevision(ALICE, revision=2, based_on_revision=3), now=T0)

    assert refused.value.field == "revision"


def test_a_moderator_reverts_a_run_of_bad_edits_by_one_author_in_one_action():
    page = edit(barrier(), "A fair edit.", actor=BOB)
    for n in range(3):
        page = edit(page, f"Spam {n}", actor=MALLORY, now=later(n))
    command = RevertEdits(MODERATOR_MO, author=MALLORY, reason="spam", actor_roles=MODERATOR)

    events = decide_revert_edits(page, command, now=later(10))
    reverted = apply(page, events)

    assert (events[0].restored_revision, events[0].reverted_revisions) == (2, (3, 4, 5))
    assert reverted.current.content.description == "A fair edit."
    assert (reverted.current.number, reverted.current.author) == (6, MODERATOR_MO)
    assert reverted.decisions[-1].action == "EditsReverted"


def test_a_revert_is_refused_when_the_latest_revision_is_by_someone_else():
    page = edit(edit(barrier(), "Spam", actor=MALLORY), "Fixed it", actor=BOB)
    command = RevertEdits(MODERATOR_MO, author=MALLORY, reason="spam", actor_roles=MODERATOR)

    with pytest.raises(Conflict) as refused:
        decide_revert_edits(page, command, now=T0)

    assert refused.value.field == "author"


def test_a_non_moderator_cannot_revert_edits():
    page = edit(barrier(), "Spam", actor=MALLORY)

    with pytest.raises(NotPermitted):
        decide_revert_edits(page, RevertEdits(BOB, author=MALLORY, reason="spam"), now=T0)
