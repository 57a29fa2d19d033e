"""Comments on a draft and on a quoted passage of it, threaded one level."""

from __future__ import annotations

import pytest

from services.pledge.domain.charters import Charter
from services.pledge.domain.comments import CommentPosted, PostComment, post_comment
from services.pledge.domain.drafts import Draft, DraftWithdrawn, evolve
from services.pledge.domain.errors import PledgeConflict, RoundClosedError
from shared.errors import Invalid, NotFound

from .builders import T0, a_charter, a_draft, apply, closed

TEXT = "We commit to overcoming the barriers to interactive working."


def commented(charter: Charter, draft: Draft, *commands: PostComment) -> Draft:
    for command in commands:
        draft = apply(evolve, draft, post_comment(charter, draft, command, T0))
    return draft


def test_a_participant_comments_on_a_draft():
    charter = a_charter()
    draft = a_draft(charter, text=TEXT)

    events = post_comment(charter, draft, PostComment(draft.draft_id, "c1", "Good start.", "bob"), T0)

    assert events == [CommentPosted(draft.draft_id, "c1", "bob", "Good start.", None, None, None, None)]
    assert [c.body for c in apply(evolve, draft, events).comments] == ["Good start."]


def test_a_participant_comments_on_a_quoted_passage():
    charter = a_charter()
    draft = a_draft(charter, text=TEXT)
    start = TEXT.index("the barriers")
    command = PostComment(draft.draft_id, "c1", "Which ones?", "bob", None, start, start + 12, "the barriers")

    draft = commented(charter, draft, command)

    assert (draft.comments[0].passage_start, draft.comments[0].quote) == (start, "the barriers")


def test_a_quote_that_does_not_match_the_text_at_its_range_is_refused():
    charter = a_charter()
    draft = a_draft(charter, text=TEXT)
    command = PostComment(draft.draft_id, "c1", "Hmm", "bob", None, 0, 7, "We vow ")

    with pytest.raises(Invalid) as refused:
        post_comment(charter, draft, command, T0)

    assert refused.value.field == "quote"


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (9, 3), (0, len(TEXT) + 1)])
def test_a_passage_outside_the_text_is_refused(start, end):
    charter = a_charter()
    draft = a_draft(charter, text=TEXT)
    command = PostComment(draft.draft_id, "c1", "Hmm", "bob", None, start, end, TEXT[start:end])

    with pytest.raises(Invalid) as refused:
        post_comment(charter, draft, command, T0)

    assert refused.value.field == "passage_start"


def test_a_passage_without_its_quote_is_refused():
    charter = a_charter()
    draft = a_draft(charter, text=TEXT)

    with pytest.raises(Invalid):
        post_comment(charter, draft, PostComment(draft.draft_id, "c1", "Hmm", "bob", None, 0, 2), T0)


def test_a_reply_answers_a_top_level_comment():
    charter = a_charter()
    draft = commented(charter, a_draft(charter), PostComment("draft-1", "c1", "Why?", "bob"))

    draft = commented(charter, draft, PostComment("draft-1", "c2", "Because.", "alice", reply_to="c1"))

    assert draft.comment("c2").reply_to == "c1"


def test_a_reply_to_a_reply_is_refused():
    charter = a_charter()
    draft = commented(
        charter,
        a_draft(charter),
        PostComment("draft-1", "c1", "Why?", "bob"),
        PostComment("draft-1", "c2", "Because.", "alice", reply_to="c1"),
    )

    with pytest.raises(Invalid) as refused:
        post_comment(charter, draft, PostComment("draft-1", "c3", "But...", "bob", reply_to="c2"), T0)

    assert refused.value.field == "reply_to"


def test_a_reply_to_an_unknown_comment_is_refused():
    charter = a_charter()
    draft = a_draft(charter)

    with pytest.raises(NotFound):
        post_comment(charter, draft, PostComment("draft-1", "c1", "Yes", "bob", reply_to="nope"), T0)


def test_a_comment_id_cannot_be_used_twice():
    charter = a_charter()
    draft = commented(charter, a_draft(charter), PostComment("draft-1", "c1", "Why?", "bob"))

    with pytest.raises(PledgeConflict):
        post_comment(charter, draft, PostComment("draft-1", "c1", "Again", "bob"), T0)


def test_an_empty_comment_is_refused():
    charter = a_charter()
    draft = a_draft(charter)

    with pytest.raises(Invalid) as refused:
        post_comment(charter, draft, PostComment("draft-1", "c1", "  ", "bob"), T0)

    assert refused.value.field == "body"


def test_comments_are_refused_once_the_round_closes():
    charter = a_charter()
    draft = a_draft(charter)

    with pytest.raises(RoundClosedError):
        post_comment(closed(charter), draft, PostComment("draft-1", "c1", "Late", "bob"), T0)


def test_a_withdrawn_draft_takes_no_more_comments():
    charter = a_charter()
    draft = apply(evolve, a_draft(charter), [DraftWithdrawn("draft-1")])

    with pytest.raises(PledgeConflict):
        post_comment(charter, draft, PostComment("draft-1", "c1", "Hello", "bob"), T0)
