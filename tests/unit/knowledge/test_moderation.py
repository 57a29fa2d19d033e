import pytest

from services.knowledge.domain.errors import NotPermitted
from services.knowledge.domain.moderation import FlagItem, ModerateItem, decide_flag_item, decide_hide, decide_unhide
from shared.errors import Conflict, Invalid

from .builders import ALICE, BOB, MODERATOR, MODERATOR_MO, T0, act, barrier, edit, new_id


def test_anyone_can_flag_a_revision_with_a_reason():
    page = edit(barrier(), "Rude words.")

    flagged = act(page, decide_flag_item, FlagItem(ALICE, "abusive language", revision=2), flag_id=new_id())

    assert [(f.revision, f.reason, f.flagged_by) for f in flagged.flags] == [(2, "abusive language", ALICE)]


def test_a_flag_without_a_reason_is_refused():
    with pytest.raises(Invalid) as refused:
        decide_flag_item(barrier(), FlagItem(ALICE, "  "), flag_id=new_id(), now=T0)

    assert refused.value.field == "reason"


@pytest.mark.parametrize("decide", [decide_hide, decide_unhide])
@pytest.mark.parametrize("revision", [None, 1])
def test_a_non_moderator_cannot_hide_or_restore_content(decide, revision):
    with pytest.raises(NotPermitted):
        decide(barrier(), ModerateItem(BOB, "I dislike it", revision=revision), now=T0)


def test_a_moderator_hides_a_page_and_the_decision_is_public():
    page = barrier()

    hidden = act(page, decide_hide, ModerateItem(MODERATOR_MO, "libellous", actor_roles=MODERATOR))

    assert hidden.hidden
    decision = hidden.decisions[-1]
    assert (decision.action, decision.moderator, decision.reason) == ("ItemHidden", MODERATOR_MO, "libellous")


def test_a_hidden_page_refuses_edits_until_a_moderator_restores_it():
    page = act(barrier(), decide_hide, ModerateItem(MODERATOR_MO, "libellous", actor_roles=MODERATOR))

    with pytest.raises(Conflict):
        edit(page, "Trying anyway.")

    restored = act(page, decide_unhide, ModerateItem(MODERATOR_MO, "cleared by legal", actor_roles=MODERATOR))
    assert edit(restored, "Now it can be edited.").current.number == 2


def test_a_hidden_revision_is_left_out_of_the_current_text_but_kept_in_history():
    page = edit(barrier(description="Original."), "Someone's phone number.")

    hidden = act(page, decide_hide, ModerateItem(MODERATOR_MO, "personal data", revision=2, actor_roles=MODERATOR))

    assert hidden.current.content.description == "Original."
    assert hidden.revisions[1].hidden
    assert hidden.decisions[-1].revision == 2


def test_an_edit_based_on_the_public_text_is_not_stale_when_later_revisions_are_hidden():
    page = edit(barrier(), "Someone's phone number.")
    page = act(page, decide_hide, ModerateItem(MODERATOR_MO, "personal data", revision=2, actor_roles=MODERATOR))

    edited = edit(page, "A better text.", based_on=1)

    assert (edited.current.number, edited.current.content.description) == (3, "A better text.")


def test_hiding_what_is_already_hidden_is_refused():
    page = act(barrier(), decide_hide, ModerateItem(MODERATOR_MO, "spam", actor_roles=MODERATOR))

    with pytest.raises(Conflict):
        decide_hide(page, ModerateItem(MODERATOR_MO, "spam again", actor_roles=MODERATOR), now=T0)
