"""The draft aggregate: an immutable text, proposed from scratch or remixed, then rated and discussed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from shared.errors import Forbidden, Invalid, NotFound, optional_text, require_text
from shared.events import Event

from .charters import Charter, require_open_round
from .comments import Comment, CommentPosted
from .errors import EMPTY, PledgeConflict

STREAM_TYPE = "draft"
MAX_TITLE_CHARS = 200
MAX_TEXT_CHARS = 20_000
MAX_SUMMARY_CHARS = 1_000


@dataclass(frozen=True)
class DraftProposed(Event):
    draft_id: str
    charter_id: str
    round_number: int
    title: str
    text: str
    change_summary: str
    parents: tuple[str, ...]
    author: str


@dataclass(frozen=True)
class DraftRated(Event):
    draft_id: str
    rater: str
    stars: int


@dataclass(frozen=True)
class RatingRetracted(Event):
    draft_id: str
    rater: str


@dataclass(frozen=True)
class DraftWithdrawn(Event):
    draft_id: str


@dataclass(frozen=True)
class ProposeDraft:
    draft_id: str
    charter_id: str
    title: str
    text: str
    change_summary: str
    parents: tuple[str, ...]
    actor: str


@dataclass(frozen=True)
class RateDraft:
    draft_id: str
    stars: int
    actor: str


@dataclass(frozen=True)
class RetractRating:
    draft_id: str
    actor: str


@dataclass(frozen=True)
class WithdrawDraft:
    draft_id: str
    actor: str


@dataclass(frozen=True)
class Draft:
    draft_id: str
    charter_id: str
    round_number: int
    title: str
    text: str
    change_summary: str
    parents: tuple[str, ...]
    author: str
    ratings: dict[str, int] = field(default_factory=dict)
    comments: tuple[Comment, ...] = ()
    withdrawn: bool = False

    def require_live(self) -> None:
        """Refuse work on a draft its author has withdrawn."""
        if self.withdrawn:
            raise PledgeConflict("the draft has been withdrawn", field="draft_id")

    def comment(self, comment_id: str) -> Comment | None:
        """The comment with this id, or None."""
        return next((c for c in self.comments if c.comment_id == comment_id), None)


def evolve(state: Draft | None, event: Event) -> Draft | None:
    """Apply one draft event to the state."""
    if isinstance(event, DraftProposed):
        return Draft(**event.to_data() | {"parents": event.parents})
    if state is None:
        raise ValueError(f"a draft stream starts with DraftProposed, not {event.type_name()}")
    match event:
        case DraftRated():
            return replace(state, ratings=state.ratings | {event.rater: event.stars})
        case RatingRetracted():
            return replace(state, ratings={r: s for r, s in state.ratings.items() if r != event.rater})
        case CommentPosted():
            return replace(state, comments=(*state.comments, Comment.from_event(event)))
        case DraftWithdrawn():
            return replace(state, withdrawn=True)
    return state


def require_draft(state: Draft | None, field_name: str = "draft_id") -> Draft:
    """The draft, or NotFound naming the field that referred to it."""
    if state is None:
        raise NotFound("no draft with this id", field=field_name)
    return state


def propose_draft(
    charter: Charter, parents: dict[str, Draft | None], command: ProposeDraft, now: datetime
) -> list[Event]:
    """Propose a draft in the charter's open round; every parent must be a draft of the same charter."""
    require_open_round(charter, now)
    title = require_text(command.title, "title", MAX_TITLE_CHARS, blank=EMPTY)
    text = require_text(command.text, "text", MAX_TEXT_CHARS, blank=EMPTY)
    summary = optional_text(command.change_summary, "change_summary", MAX_SUMMARY_CHARS) or ""
    for parent_id in command.parents:
        parent = parents.get(parent_id)
        if parent is None:
            raise NotFound(f"no draft with id {parent_id}", field="parents")
        if parent.charter_id != charter.charter_id:
            raise Invalid(f"draft {parent_id} belongs to another charter", field="parents")
    return [
        DraftProposed(
            command.draft_id,
            charter.charter_id,
            charter.round_number,
            title,
            text,
            summary,
            tuple(dict.fromkeys(command.parents)),
            command.actor,
        )
    ]


def rate_draft(charter: Charter, draft: Draft, command: RateDraft, now: datetime) -> list[Event]:
    """Give a draft 1 to 5 stars, or change one's rating; rating one's own draft is refused."""
    require_open_round(charter, now)
    draft.require_live()
    if command.actor == draft.author:
        raise Forbidden("authors do not rate their own drafts", field="draft_id")
    if type(command.stars) is not int or not 1 <= command.stars <= 5:
        raise Invalid("a rating is a whole number of stars from 1 to 5", field="stars")
    if draft.ratings.get(command.actor) == command.stars:
        return []
    return [DraftRated(draft.draft_id, command.actor, command.stars)]


def retract_rating(charter: Charter, draft: Draft, command: RetractRating, now: datetime) -> list[Event]:
    """Take back one's rating of a draft."""
    require_open_round(charter, now)
    if command.actor not in draft.ratings:
        raise NotFound("you have not rated this draft", field="draft_id")
    return [RatingRetracted(draft.draft_id, command.actor)]


def withdraw_draft(draft: Draft, command: WithdrawDraft) -> list[Event]:
    """The author withdraws their draft from rating and adoption; its text stays in the lineage."""
    if command.actor != draft.author:
        raise Forbidden("only the draft's author may withdraw it", field="draft_id")
    draft.require_live()
    return [DraftWithdrawn(draft.draft_id)]
