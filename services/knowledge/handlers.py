"""Command handlers: load the page, let the domain decide, append with the expected version."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from shared.contract.vocabulary import AUDITOR, MODERATOR
from shared.envelope import CommandMeta
from shared.errors import Conflict, NotFound
from shared.events import Event, replay
from shared.eventstore import AppendResult, EventStore

from . import photostore
from .conflicts import explaining_stale_edits
from .domain import EVENTS, EVOLVE, barriers, discussion, endorsements, moderation, protection, revisions, solutions
from .domain.model import BARRIER, SOLUTION, Item, require_item
from .domain.photos import AttachPhoto, RemovePhoto, decide_attach_photo, decide_remove_photo, find_photo


@runtime_checkable
class NewRevision(Protocol):
    """An event that makes a page's next revision (an edit, a restore, a revert)."""

    revision: int


def now() -> datetime:
    """The clock every decision is taken at."""
    return datetime.now(UTC)


def load_page(store: EventStore, kind: str, item_id: str) -> tuple[Item, int]:
    """A barrier or solution and its stream version, or NotFound naming `<kind>_id`."""
    envelopes = store.read_stream(item_id)
    if not envelopes or envelopes[0]["stream_type"] != kind:
        raise NotFound(f"there is no {kind} {item_id}", field=f"{kind}_id")
    events = (EVENTS.from_envelope(e) for e in envelopes)
    return require_item(replay(EVOLVE[kind], events, None)), len(envelopes)


def revision_after(item: Item, events: list[Event]) -> int:
    """The page's current revision once `events` are applied."""
    if not events:
        return item.current.number
    if not isinstance(events[0], NewRevision):
        raise TypeError(f"{events[0].type_name()} makes no revision")
    return events[0].revision


def propose_barrier(store: EventStore, barrier_id: str, command: barriers.ProposeBarrier,
                    meta: CommandMeta) -> AppendResult:
    """Propose a new barrier at revision 1."""
    events = barriers.decide_propose_barrier(None, command, barrier_id=barrier_id, now=now())
    return store.append(BARRIER, barrier_id, 0, events, meta)


def propose_solution(store: EventStore, solution_id: str, command: solutions.ProposeSolution,
                     meta: CommandMeta) -> AppendResult:
    """Propose a new solution to barriers that exist and are visible."""
    require_barriers(store, command.barrier_ids)
    events = solutions.decide_propose_solution(None, command, solution_id=solution_id, now=now())
    return store.append(SOLUTION, solution_id, 0, events, meta)


def edit_barrier(store: EventStore, barrier_id: str, command: barriers.EditBarrier,
                 meta: CommandMeta) -> tuple[AppendResult, int]:
    """Edit a barrier as a new revision, or refuse showing what changed since the editor's revision."""
    item, version = load_page(store, BARRIER, barrier_id)
    with explaining_stale_edits(item):
        events = barriers.decide_edit_barrier(item, command, now=now())
    return store.append(BARRIER, barrier_id, version, events, meta), revision_after(item, events)


def edit_solution(store: EventStore, solution_id: str, command: solutions.EditSolution,
                  meta: CommandMeta) -> tuple[AppendResult, int]:
    """Edit a solution as a new revision; a barrier it newly addresses must exist and be visible."""
    item, version = load_page(store, SOLUTION, solution_id)
    content = item.current.content
    addressed = set(content.barrier_ids) if isinstance(content, solutions.SolutionContent) else set()
    require_barriers(store, set(command.barrier_ids) - addressed)
    with explaining_stale_edits(item):
        events = solutions.decide_edit_solution(item, command, now=now())
    return store.append(SOLUTION, solution_id, version, events, meta), revision_after(item, events)


def restore_revision(store: EventStore, kind: str, item_id: str, command: revisions.RestoreRevision,
                     meta: CommandMeta) -> tuple[AppendResult, int]:
    """Restore an older revision of a page as its next revision."""
    item, version = load_page(store, kind, item_id)
    with explaining_stale_edits(item):
        events = revisions.decide_restore_revision(item, command, now=now())
    return store.append(kind, item_id, version, events, meta), revision_after(item, events)


def revert_edits(store: EventStore, kind: str, item_id: str, command: revisions.RevertEdits,
                 meta: CommandMeta) -> tuple[AppendResult, int]:
    """A moderator reverts the latest run of edits by one author."""
    item, version = load_page(store, kind, item_id)
    events = revisions.decide_revert_edits(item, command, now=now())
    return store.append(kind, item_id, version, events, meta), revision_after(item, events)


def endorse(store: EventStore, kind: str, item_id: str, command: endorsements.EndorseItem,
            meta: CommandMeta) -> AppendResult:
    """Endorse a page for an organisation."""
    item, version = load_page(store, kind, item_id)
    return store.append(kind, item_id, version, endorsements.decide_endorse(item, command, now=now()), meta)


def withdraw_endorsement(store: EventStore, kind: str, item_id: str, command: endorsements.WithdrawEndorsement,
                         meta: CommandMeta) -> AppendResult:
    """Withdraw an endorsement one gave."""
    item, version = load_page(store, kind, item_id)
    events = endorsements.decide_withdraw_endorsement(item, command, now=now())
    return store.append(kind, item_id, version, events, meta)


def flag(store: EventStore, kind: str, item_id: str, flag_id: str, command: moderation.FlagItem,
         meta: CommandMeta) -> AppendResult:
    """Flag a page, or one revision of it, for a moderator."""
    item, version = load_page(store, kind, item_id)
    events = moderation.decide_flag_item(item, command, flag_id=flag_id, now=now())
    return store.append(kind, item_id, version, events, meta)


def hide(store: EventStore, kind: str, item_id: str, command: moderation.ModerateItem,
         meta: CommandMeta) -> AppendResult:
    """A moderator hides a page, or one revision, from public reads."""
    item, version = load_page(store, kind, item_id)
    return store.append(kind, item_id, version, moderation.decide_hide(item, command, now=now()), meta)


def unhide(store: EventStore, kind: str, item_id: str, command: moderation.ModerateItem,
           meta: CommandMeta) -> AppendResult:
    """A moderator brings a hidden page or revision back."""
    item, version = load_page(store, kind, item_id)
    return store.append(kind, item_id, version, moderation.decide_unhide(item, command, now=now()), meta)


def dismiss_flag(store: EventStore, kind: str, item_id: str, command: moderation.DismissFlag,
                 meta: CommandMeta) -> AppendResult:
    """A moderator dismisses an open flag, leaving the content as it is."""
    item, version = load_page(store, kind, item_id)
    return store.append(kind, item_id, version, moderation.decide_dismiss_flag(item, command, now=now()), meta)


def protect(store: EventStore, kind: str, item_id: str, command: protection.ProtectPage,
            meta: CommandMeta) -> AppendResult:
    """A moderator protects a page from edits until a time."""
    item, version = load_page(store, kind, item_id)
    return store.append(kind, item_id, version, protection.decide_protect_page(item, command, now=now()), meta)


def unprotect(store: EventStore, kind: str, item_id: str, command: protection.UnprotectPage,
              meta: CommandMeta) -> AppendResult:
    """A moderator lifts a page's protection."""
    item, version = load_page(store, kind, item_id)
    return store.append(kind, item_id, version, protection.decide_unprotect_page(item, command, now=now()), meta)


def post_comment(store: EventStore, kind: str, item_id: str, comment_id: str, command: discussion.PostComment,
                 meta: CommandMeta) -> AppendResult:
    """Post a comment, or a reply, in a page's discussion."""
    item, version = load_page(store, kind, item_id)
    events = discussion.decide_post_comment(item, command, comment_id=comment_id, now=now())
    return store.append(kind, item_id, version, events, meta)


def hide_comment(store: EventStore, kind: str, item_id: str, command: discussion.HideComment,
                 meta: CommandMeta) -> AppendResult:
    """A moderator hides a comment from a page's discussion."""
    item, version = load_page(store, kind, item_id)
    return store.append(kind, item_id, version, discussion.decide_hide_comment(item, command, now=now()), meta)


def remove_photo(store: EventStore, kind: str, item_id: str, command: RemovePhoto,
                 meta: CommandMeta) -> AppendResult:
    """Remove a photo from a page (who attached it, or a moderator)."""
    item, version = load_page(store, kind, item_id)
    return store.append(kind, item_id, version, decide_remove_photo(item, command, now=now()), meta)


def attach_photo(store: EventStore, kind: str, item_id: str, command: AttachPhoto, meta: CommandMeta) -> AppendResult:
    """Store the cleaned image's bytes and record the attachment, in one transaction."""
    item, version = load_page(store, kind, item_id)
    events = decide_attach_photo(item, command, now=now())
    with store.pool.connection() as conn:
        photostore.save(conn, store.schema, command.image)
        return store.append(kind, item_id, version, events, meta, conn=conn)


def require_barriers(store: EventStore, barrier_ids) -> None:
    """Refuse a solution naming a barrier that does not exist or is hidden."""
    for barrier_id in sorted(barrier_ids):
        try:
            barrier, _ = load_page(store, BARRIER, barrier_id)
        except NotFound:
            raise NotFound(f"there is no barrier {barrier_id}", field="barrier_ids") from None
        if barrier.hidden:
            raise Conflict(f"barrier {barrier_id} is hidden by a moderator", field="barrier_ids")


def visible_photo(store: EventStore, sha256: str, roles: frozenset[str]) -> tuple[str, bytes] | None:
    """A photo's type and bytes if a visible page carries it (any page, for moderators and auditors)."""
    with store.pool.connection() as conn:
        photo = photostore.load(conn, store.schema, sha256)
        pages = photostore.pages_with(conn, store.schema, sha256)
    if photo is None:
        return None
    if roles & {MODERATOR, AUDITOR}:
        return photo
    for kind, item_id in pages:
        item, _ = load_page(store, kind, item_id)
        if not item.hidden and find_photo(item, sha256) is not None:
            return photo
    return None
