import pytest

from services.knowledge.domain.discussion import HideComment, PostComment, decide_hide_comment, decide_post_comment
from services.knowledge.domain.errors import NotPermitted
from shared.errors import NotFound

from .builders import ALICE, BOB, MODERATOR, MODERATOR_MO, T0, act, barrier, new_id

FIRST = "comment-1"


def discussed():
    """A barrier with Alice's first comment on it."""
    return act(barrier(), decide_post_comment, PostComment(ALICE, "We hit this in Leeds."), comment_id=FIRST)


def test_a_reply_is_threaded_under_the_comment_it_answers():
    page = discussed()

    page = act(page, decide_post_comment, PostComment(BOB, "Same in Kent.", reply_to=FIRST), comment_id=new_id())

    assert [(c.posted_by, c.reply_to) for c in page.comments] == [(ALICE, None), (BOB, FIRST)]


def test_a_reply_to_an_unknown_comment_is_refused():
    with pytest.raises(NotFound) as refused:
        decide_post_comment(barrier(), PostComment(BOB, "Agreed.", reply_to="nope"), comment_id=new_id(), now=T0)

    assert refused.value.field == "reply_to"


def test_a_moderator_hides_a_comment_and_says_why():
    command = HideComment(MODERATOR_MO, FIRST, "names a member of staff", actor_roles=MODERATOR)

    page = act(discussed(), decide_hide_comment, command)

    assert page.comments[0].hidden
    assert page.decisions[-1].reason == "names a member of staff"


def test_a_non_moderator_cannot_hide_a_comment():
    with pytest.raises(NotPermitted):
        decide_hide_comment(discussed(), HideComment(BOB, FIRST, "I disagree"), now=T0)
