import pytest

from services.knowledge.domain.diff import diff_revisions
from services.knowledge.domain.moderation import ModerateItem, decide_hide
from shared.errors import NotFound

from .builders import MODERATOR, MODERATOR_MO, act, barrier, edit


def test_two_revisions_are_diffed_word_by_word():
    page = edit(
        barrier(description="The IT policy blocks Slack for all staff."),
        "The IT policy blocks every chat tool for all staff.",
    )

    diff = diff_revisions(page, 1, 2)

    assert diff["description"] == [
        {"op": "equal", "text": "The IT policy blocks "},
        {"op": "delete", "text": "Slack"},
        {"op": "insert", "text": "every chat tool"},
        {"op": "equal", "text": " for all staff."},
    ]
    assert diff["title"] == [{"op": "equal", "text": page.current.content.title}]


def test_a_diff_involving_a_hidden_revision_is_refused_unless_a_moderator_asks():
    page = edit(barrier(), "Abusive text.")
    page = act(page, decide_hide, ModerateItem(MODERATOR_MO, "abuse", revision=2, actor_roles=MODERATOR))

    with pytest.raises(NotFound):
        diff_revisions(page, 1, 2)

    assert any(c["op"] == "insert" for c in diff_revisions(page, 1, 2, include_hidden=True)["description"])

