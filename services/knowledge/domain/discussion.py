"""The discussion thread of a page: comments and replies, which a moderator can hide."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from shared.errors import Conflict, NotFound, require_text
from shared.events import Event

from .errors import AlreadyExists
from .model import (
    Comment,
    Decision,
    Evolver,
    Item,
    iso,
    record_decision,
    require_item,
    require_moderator,
    require_reason,
)


@dataclass(frozen=True)
class CommentPosted(Event):
    item_id: str
    comment_id: str
    body: str
    reply_to: str | None
    posted_by: str
    posted_at: str


@dataclass(frozen=True)
class CommentHidden(Event):
    item_id: str
    comment_id: str
    reason: str
    moderator: str
    hidden_at: str


@dataclass(frozen=True)
class PostComment:
    actor: str
    body: str
    reply_to: str | None = None


@dataclass(frozen=True)
class HideComment:
    actor: str
    comment_id: str
    reason: str
    actor_roles: frozenset[str] = frozenset()


def find_comment(item: Item, comment_id: str, field: str = "comment_id") -> Comment:
    """The comment, or NotFound naming `field`."""
    found = next((c for c in item.comments if c.comment_id == comment_id), None)
    if found is None:
        raise NotFound(f"this page has no comment {comment_id}", field=field)
    return found


def decide_post_comment(state: Item | None, command: PostComment, *, comment_id: str, now: datetime) -> list[Event]:
    """Post a comment, or a reply to one, on a visible page."""
    item = require_item(state)
    if item.hidden:
        raise Conflict("a hidden page cannot be discussed")
    if any(c.comment_id == comment_id for c in item.comments):
        raise AlreadyExists(f"comment {comment_id} already exists", field="comment_id")
    body = require_text(command.body, "body", 10_000)
    if command.reply_to is not None:
        find_comment(item, command.reply_to, field="reply_to")
    return [CommentPosted(item.id, comment_id, body, command.reply_to, command.actor, iso(now))]


def decide_hide_comment(state: Item | None, command: HideComment, *, now: datetime) -> list[Event]:
    """Hide a comment from public reads, saying why."""
    item = require_item(state)
    require_moderator(command.actor_roles, "hide a comment")
    reason = require_reason(command.reason)
    if find_comment(item, command.comment_id).hidden:
        raise Conflict("this comment is already hidden", field="comment_id")
    return [CommentHidden(item.id, command.comment_id, reason, command.actor, iso(now))]


def _on_posted(item: Item, event: CommentPosted) -> Item:
    comment = Comment(event.comment_id, event.body, event.reply_to, event.posted_by, event.posted_at)
    return replace(item, comments=(*item.comments, comment))


def _on_hidden(item: Item, event: CommentHidden) -> Item:
    comments = tuple(replace(c, hidden=True) if c.comment_id == event.comment_id else c for c in item.comments)
    decision = Decision(event.type_name(), event.moderator, event.reason, event.hidden_at)
    return record_decision(replace(item, comments=comments), decision)


EVOLVERS: dict[type[Event], Evolver] = {CommentPosted: _on_posted, CommentHidden: _on_hidden}
