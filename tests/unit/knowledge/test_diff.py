import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.knowledge.domain.diff import DELETE, EQUAL, INSERT, WordChange, diff_revisions, diff_words
from services.knowledge.domain.errors import NotFound
from services.knowledge.domain.moderation import ModerateItem, decide_hide

from .builders import MODERATOR, MODERATOR_MO, act, barrier, edit


def test_two_revisions_are_diffed_word_by_word():
    page = edit(
        barrier(description="The IT policy blocks Slack for all staff."),
        "The IT policy blocks every chat tool for all staff.",
    )

    diff = diff_revisions(page, 1, 2)

    assert diff["description"] == (
        WordChange(EQUAL, "The IT policy blocks "),
        WordChange(DELETE, "Slack "),
        WordChange(INSERT, "every chat tool "),
        WordChange(EQUAL, "for all staff."),
    )
    assert diff["title"] == (WordChange(EQUAL, page.current.content.title),)


def test_a_diff_involving_a_hidden_revision_is_refused_unless_a_moderator_asks():
    page = edit(barrier(), "Abusive text.")
    page = act(page, decide_hide, ModerateItem(MODERATOR_MO, "abuse", revision=2, actor_roles=MODERATOR))

    with pytest.raises(NotFound):
        diff_revisions(page, 1, 2)

    assert diff_revisions(page, 1, 2, include_hidden=True)["description"][-1].op == INSERT


@given(st.text(), st.text())
def test_the_chunks_of_a_word_diff_rebuild_both_texts(old, new):
    changes = diff_words(old, new)

    assert "".join(c.text for c in changes if c.op != INSERT) == old
    assert "".join(c.text for c in changes if c.op != DELETE) == new
