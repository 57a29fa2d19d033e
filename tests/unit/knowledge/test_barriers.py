import pytest

from services.knowledge.domain.barriers import CATEGORIES, EditBarrier, decide_edit_barrier
from services.knowledge.domain.errors import StaleRevision
from shared.errors import Invalid, NotFound

from .builders import ALICE, BOB, T0, barrier, edit, later


def test_a_proposed_barrier_is_its_first_revision():
    page = barrier(tags=(" Photos ", "photos", "Intranet"))

    first = page.revisions[0]

    assert (first.number, first.author, first.at) == (1, ALICE, "2025-03-03T09:00:00.000000Z")
    assert page.current.content.tags == ("photos", "intranet")


def test_barriers_are_sorted_into_the_knowledge_base_categories():
    categories = set(CATEGORIES)

    assert categories == {
        "culture_and_leadership",
        "it_policy_and_tools",
        "consent_and_moderation_policy",
        "legal_and_data_protection",
        "skills",
        "procurement",
        "other",
    }


def test_a_barrier_in_an_unknown_category_is_refused_naming_the_field():
    with pytest.raises(Invalid) as refused:
        barrier(category="weather")

    assert refused.value.field == "category"


def test_a_barrier_without_a_title_is_refused_naming_the_field():
    with pytest.raises(Invalid) as refused:
        barrier(title="   ")

    assert refused.value.field == "title"


def test_an_edit_makes_a_new_revision_with_author_time_and_summary():
    page = barrier()

    edited = edit(page, "Uploads from phones are blocked by the firewall.", now=later(5))

    latest = edited.revisions[-1]
    assert (latest.number, latest.author, latest.summary) == (2, BOB, f"edit by {BOB}")
    assert latest.at == "2025-03-03T09:05:00.000000Z"
    assert edited.revisions[0] == page.revisions[0]


def test_an_edit_based_on_a_stale_revision_is_refused_with_what_changed_since():
    page = edit(edit(barrier(), "Second text.", actor=BOB), "Third text.", actor=ALICE)

    with pytest.raises(StaleRevision) as refused:
        edit(page, "My text, from revision 1.", based_on=1)

    assert [r.number for r in refused.value.changes] == [2, 3]
    assert refused.value.changes[-1].content.description == "Third text."
    assert (refused.value.latest, refused.value.field) == (3, "based_on_revision")


def test_an_edit_based_on_a_revision_that_does_not_exist_is_refused():
    with pytest.raises(NotFound) as refused:
        edit(barrier(), "Text.", based_on=7)

    assert refused.value.field == "based_on_revision"


def test_an_edit_that_changes_nothing_makes_no_revision():
    page = barrier()
    content = page.current.content
    command = EditBarrier(BOB, 1, content.title, f" {content.description} ", content.category, content.tags)

    events = decide_edit_barrier(page, command, now=T0)

    assert events == []
