"""Drafts: proposed and remixed in an open round, rated 1 to 5 by others, withdrawn by their author."""

from __future__ import annotations

import pytest

from services.pledge.domain.drafts import (
    MAX_TEXT_CHARS,
    Draft,
    ProposeDraft,
    RateDraft,
    WithdrawDraft,
    evolve,
    propose_draft,
    rate_draft,
    require_draft,
    withdraw_draft,
)
from services.pledge.domain.errors import PledgeConflict, RoundClosedError
from shared.errors import Forbidden, Invalid, NotFound

from .builders import T0, a_charter, a_draft, apply, closed


def proposal(text: str = "We commit.", parents: tuple[str, ...] = ()) -> ProposeDraft:
    return ProposeDraft("draft-9", "charter-1", "A title", text, "why", parents, "bob")


def withdrawn(draft: Draft) -> Draft:
    return apply(evolve, draft, withdraw_draft(draft, WithdrawDraft(draft.draft_id, draft.author)))


def test_a_remix_records_its_parents_once_each_in_order():
    charter = a_charter()
    first, second = a_draft(charter, "draft-1"), a_draft(charter, "draft-2")
    parents = {"draft-1": first, "draft-2": second}

    events = propose_draft(charter, parents, proposal(parents=("draft-2", "draft-1", "draft-2")), T0)

    assert apply(evolve, None, events).parents == ("draft-2", "draft-1")


def test_a_closed_round_refuses_new_drafts():
    charter = closed(a_charter())

    with pytest.raises(RoundClosedError):
        propose_draft(charter, {}, proposal(), T0)


def test_a_remix_of_an_unknown_draft_is_refused():
    charter = a_charter()

    with pytest.raises(NotFound) as refused:
        propose_draft(charter, {"ghost": None}, proposal(parents=("ghost",)), T0)

    assert refused.value.field == "parents"


def test_a_remix_of_a_draft_from_another_charter_is_refused():
    charter = a_charter()
    foreign = a_draft(a_charter("charter-2"), "draft-x")

    with pytest.raises(Invalid) as refused:
        propose_draft(charter, {"draft-x": foreign}, proposal(parents=("draft-x",)), T0)

    assert refused.value.field == "parents"


@pytest.mark.parametrize("text", ["", "   \n", "x" * (MAX_TEXT_CHARS + 1)])
def test_empty_or_overlong_text_is_refused(text):
    charter = a_charter()

    with pytest.raises(Invalid) as refused:
        propose_draft(charter, {}, proposal(text=text), T0)

    assert refused.value.field == "text"


def test_a_missing_draft_is_not_found():
    with pytest.raises(NotFound):
        require_draft(None)


def test_the_author_withdraws_their_draft():
    charter = a_charter()

    draft = withdrawn(a_draft(charter, author="alice"))

    assert draft.withdrawn


def test_only_the_author_withdraws_a_draft():
    draft = a_draft(a_charter(), author="alice")

    with pytest.raises(Forbidden):
        withdraw_draft(draft, WithdrawDraft(draft.draft_id, "bob"))


def test_withdrawing_twice_is_refused():
    draft = withdrawn(a_draft(a_charter()))

    with pytest.raises(PledgeConflict):
        withdraw_draft(draft, WithdrawDraft(draft.draft_id, draft.author))


def test_a_withdrawn_draft_cannot_be_rated():
    charter = a_charter()
    draft = withdrawn(a_draft(charter))

    with pytest.raises(PledgeConflict):
        rate_draft(charter, draft, RateDraft(draft.draft_id, 4, "bob"), T0)


def test_a_withdrawn_draft_can_still_be_remixed_as_lineage_is_history():
    charter = a_charter()
    draft = withdrawn(a_draft(charter, "draft-1"))

    events = propose_draft(charter, {"draft-1": draft}, proposal(parents=("draft-1",)), T0)

    assert apply(evolve, None, events).parents == ("draft-1",)
