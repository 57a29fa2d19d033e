import pytest

from services.knowledge.domain.errors import NotPermitted
from services.knowledge.domain.model import Item
from services.knowledge.domain.moderation import (
    DismissFlag,
    FlagDismissed,
    FlagItem,
    ModerateItem,
    decide_dismiss_flag,
    decide_flag_item,
    decide_hide,
)
from shared.errors import Conflict, Invalid, NotFound

from .builders import ALICE, BOB, MODERATOR, MODERATOR_MO, T0, act, barrier, edit, new_id


def flagged(page: Item | None = None, revision: int | None = None) -> tuple[Item, str]:
    """The page after Alice flags it (or one revision of it), and the flag's id."""
    flag_id = new_id()
    page = act(page or barrier(), decide_flag_item, FlagItem(ALICE, "looks like spam", revision), flag_id=flag_id)
    return page, flag_id


def dismissal(flag_id: str, reason: str = "a genuine barrier, not spam", roles=MODERATOR) -> DismissFlag:
    return DismissFlag(MODERATOR_MO, flag_id, reason, roles)


def test_a_moderator_dismisses_an_open_flag_and_the_decision_is_public():
    page, flag_id = flagged()

    events = decide_dismiss_flag(page, dismissal(flag_id), now=T0)
    dismissed = act(page, decide_dismiss_flag, dismissal(flag_id))

    assert events == [FlagDismissed(page.id, flag_id, None, "a genuine barrier, not spam", MODERATOR_MO,
                                    "2025-03-03T09:00:00.000000Z")]
    assert [f.status for f in dismissed.flags] == ["dismissed"] and not dismissed.hidden
    decision = dismissed.decisions[-1]
    assert (decision.action, decision.moderator, decision.reason) == ("FlagDismissed", MODERATOR_MO,
                                                                      "a genuine barrier, not spam")


def test_dismissing_a_flag_on_a_revision_records_the_revision_and_leaves_other_flags_open():
    page, other = flagged(edit(barrier(), "A second text."))
    page, flag_id = flagged(page, revision=2)

    dismissed = act(page, decide_dismiss_flag, dismissal(flag_id))

    assert [(f.flag_id, f.status) for f in dismissed.flags] == [(other, "open"), (flag_id, "dismissed")]
    assert dismissed.decisions[-1].revision == 2 and not dismissed.revisions[1].hidden


def test_a_participant_cannot_dismiss_a_flag():
    page, flag_id = flagged()

    with pytest.raises(NotPermitted):
        decide_dismiss_flag(page, DismissFlag(BOB, flag_id, "I think it is fine"), now=T0)


def test_dismissing_a_flag_the_page_does_not_have_is_refused_naming_the_flag():
    page, _ = flagged()

    with pytest.raises(NotFound) as refused:
        decide_dismiss_flag(page, dismissal(new_id()), now=T0)

    assert refused.value.field == "flag_id"


def test_a_flag_cannot_be_dismissed_twice():
    page, flag_id = flagged()
    page = act(page, decide_dismiss_flag, dismissal(flag_id))

    with pytest.raises(Conflict, match="already dismissed"):
        decide_dismiss_flag(page, dismissal(flag_id, "still fine"), now=T0)


@pytest.mark.parametrize("hidden_revision", [None, 2])
def test_a_flag_actioned_by_hiding_its_content_cannot_be_dismissed(hidden_revision):
    page, flag_id = flagged(edit(barrier(), "Spam."), revision=2)
    page = act(page, decide_hide, ModerateItem(MODERATOR_MO, "spam", hidden_revision, MODERATOR))

    with pytest.raises(Conflict, match="already actioned"):
        decide_dismiss_flag(page, dismissal(flag_id), now=T0)


def test_hiding_another_revision_leaves_the_flag_open_to_dismissal():
    page, flag_id = flagged(edit(edit(barrier(), "Fine."), "Spam."), revision=2)
    page = act(page, decide_hide, ModerateItem(MODERATOR_MO, "spam", 3, MODERATOR))

    dismissed = act(page, decide_dismiss_flag, dismissal(flag_id))

    assert [f.status for f in dismissed.flags] == ["dismissed"]


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_a_dismissal_without_a_reason_or_with_an_over_long_one_is_refused(reason):
    page, flag_id = flagged()

    with pytest.raises(Invalid) as refused:
        decide_dismiss_flag(page, dismissal(flag_id, reason), now=T0)

    assert refused.value.field == "reason"
