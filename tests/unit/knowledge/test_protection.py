from datetime import timedelta

import pytest

from services.knowledge.domain.errors import NotPermitted, PageIsProtected
from services.knowledge.domain.protection import (
    ProtectPage,
    UnprotectPage,
    decide_protect_page,
    decide_unprotect_page,
)
from shared.errors import Conflict, Invalid

from .builders import BOB, MODERATOR, MODERATOR_MO, T0, act, barrier, edit, later

A_DAY_LATER = T0 + timedelta(days=1)


def protected():
    """A barrier a moderator protected for a day from T0."""
    command = ProtectPage(MODERATOR_MO, "edit war", until=A_DAY_LATER, actor_roles=MODERATOR)
    return act(barrier(), decide_protect_page, command)


def test_a_protected_page_refuses_edits_by_non_moderators():
    page = protected()

    with pytest.raises(PageIsProtected) as refused:
        edit(page, "My version.", now=later(60))

    assert refused.value.until == "2025-03-04T09:00:00.000000Z"
    assert refused.value.reason == "edit war"


def test_a_moderator_can_edit_a_protected_page():
    page = protected()

    edited = edit(page, "Settled text.", actor=MODERATOR_MO, roles=MODERATOR, now=later(60))

    assert edited.current.author == MODERATOR_MO


def test_a_protection_lapses_at_its_expiry():
    page = protected()

    edited = edit(page, "After the cooling-off.", now=A_DAY_LATER)

    assert edited.current.content.description == "After the cooling-off."


def test_a_non_moderator_cannot_protect_or_unprotect_a_page():
    with pytest.raises(NotPermitted):
        decide_protect_page(barrier(), ProtectPage(BOB, "mine", until=A_DAY_LATER), now=T0)

    with pytest.raises(NotPermitted):
        decide_unprotect_page(protected(), UnprotectPage(BOB, "let me in"), now=T0)


def test_a_protection_must_expire_in_the_future():
    command = ProtectPage(MODERATOR_MO, "edit war", until=T0, actor_roles=MODERATOR)

    with pytest.raises(Invalid) as refused:
        decide_protect_page(barrier(), command, now=T0)

    assert refused.value.field == "until"


def test_a_moderator_unprotects_a_page_early_and_it_is_editable_again():
    command = UnprotectPage(MODERATOR_MO, "the dispute is settled", actor_roles=MODERATOR)

    page = act(protected(), decide_unprotect_page, command, now=later(5))

    assert edit(page, "Open again.", now=later(6)).current.number == 2
    assert [d.action for d in page.decisions] == ["PageProtected", "PageUnprotected"]


def test_unprotecting_a_page_that_is_not_protected_is_refused():
    with pytest.raises(Conflict):
        decide_unprotect_page(barrier(), UnprotectPage(MODERATOR_MO, "tidy", actor_roles=MODERATOR), now=T0)
