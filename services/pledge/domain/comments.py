"""Comments on a draft, or on a quoted passage of it, threaded one level; part of the draft stream."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from shared.errors import Invalid, NotFound, require_text
from shared.events import Event

from .charters import Charter, require_open_round
from .errors import EMPTY, PledgeConflict

if TYPE_CHECKING:
    from .drafts import Draft

MAX_COMMENT_CHARS = 4_000


@dataclass(frozen=True)
class CommentPosted(Event):
    draft_id: str
    comment_id: str
    author: str
    body: str
    reply_to: str | None
    passage_start: int | None
    passage_end: int | None
    quote: str | None


@dataclass(frozen=True)
class PostComment:
    draft_id: str
    comment_id: str
    body: str
    actor: str
    reply_to: str | None = None
    passage_start: int | None = None
    passage_end: int | None = None
    quote: str | None = None


@dataclass(frozen=True)
class Comment:
    comment_id: str
    author: str
    body: str
    reply_to: str | None
    passage_start: int | None
    passage_end: int | None
    quote: str | None

    @classmethod
    def from_event(cls, event: CommentPosted) -> Comment:
        """The comment a CommentPosted event records."""
        return cls(
            event.comment_id,
            event.author,
            event.body,
            event.reply_to,
            event.passage_start,
            event.passage_end,
            event.quote,
        )


def post_comment(charter: Charter, draft: Draft, command: PostComment, now: datetime) -> list[Event]:
    """Comment on a draft or a quoted passage of it, or reply to a top-level comment."""
    require_open_round(charter, now)
    draft.require_live()
    body = require_text(command.body, "body", MAX_COMMENT_CHARS, blank=EMPTY)
    if draft.comment(command.comment_id) is not None:
        raise PledgeConflict("a comment with this id exists", field="comment_id")
    if command.reply_to is not None:
        _require_top_level(draft, command.reply_to)
    if (command.passage_start, command.passage_end, command.quote) != (None, None, None):
        _require_passage(draft.text, command.passage_start, command.passage_end, command.quote)
    return [
        CommentPosted(
            draft.draft_id,
            command.comment_id,
            command.actor,
            body,
            command.reply_to,
            command.passage_start,
            command.passage_end,
            command.quote,
        )
    ]


def _require_top_level(draft: Draft, comment_id: str) -> None:
    parent = draft.comment(comment_id)
    if parent is None:
        raise NotFound("no comment with this id on this draft", field="reply_to")
    if parent.reply_to is not None:
        raise Invalid("replies are threaded one level: answer the comment, not a reply", field="reply_to")


def _require_passage(text: str, start: int | None, end: int | None, quote: str | None) -> None:
    # Offsets count Unicode code points (Python string indices); the quote is checked as well as the
    # range so a client counting differently (UTF-16, bytes) is refused instead of silently misquoting.
    if start is None or end is None or quote is None:
        raise Invalid("a passage needs its start, end and quoted text", field="quote")
    if not 0 <= start < end <= len(text):
        raise Invalid("the passage lies outside the draft's text", field="passage_start")
    if text[start:end] != quote:
        raise Invalid("the quote does not match the draft's text at that range", field="quote")
