import pytest

from services.knowledge.domain.errors import StaleRevision
from services.knowledge.domain.solutions import EditSolution, decide_edit_solution
from shared.errors import Invalid

from .builders import BOB, T0, act, solution


def _edit(page, body, based_on):
    content = page.current.content
    return EditSolution(BOB, based_on, content.title, body, content.barrier_ids, steps=("Draft it", "Agree it"))


def test_a_solution_must_address_at_least_one_barrier():
    with pytest.raises(Invalid) as refused:
        solution(barrier_ids=())

    assert refused.value.field == "barrier_ids"


def test_a_solution_records_its_steps_and_the_organisations_where_it_was_applied():
    page = solution(steps=("Meet IG", "Write the policy", "Meet IG"), organisations=("Leeds", "Kent"))

    content = page.current.content

    assert content.steps == ("Meet IG", "Write the policy")
    assert content.organisations == ("Leeds", "Kent")


def test_a_solution_is_edited_as_a_new_revision():
    page = solution()

    edited = act(page, decide_edit_solution, _edit(page, "A policy the DPO signs.", based_on=1))

    assert [r.number for r in edited.revisions] == [1, 2]
    assert edited.current.content.steps == ("Draft it", "Agree it")


def test_a_stale_solution_edit_is_refused_like_a_barrier_edit():
    original = solution()
    page = act(original, decide_edit_solution, _edit(original, "Newer body.", based_on=1))

    with pytest.raises(StaleRevision) as refused:
        decide_edit_solution(page, _edit(page, "Older body.", based_on=1), now=T0)

    assert refused.value.changes[0].content.body == "Newer body."
