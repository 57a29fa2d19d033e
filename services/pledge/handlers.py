"""Command handlers: load the aggregate, let the domain decide, append with the expected version."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.envelope import CommandMeta
from shared.eventstore import AppendResult, EventStore

from .domain import EVENTS, charters, drafts


def create_charter(store: EventStore, command: charters.CreateCharter, meta: CommandMeta) -> AppendResult:
    """Create a charter with its first drafting round open."""
    return store.append(charters.STREAM_TYPE, command.charter_id, 0, charters.create_charter(command), meta)


def propose_draft(store: EventStore, command: drafts.ProposeDraft, meta: CommandMeta) -> AppendResult:
    """Propose a draft, from scratch or remixing parents, in the charter's open round."""
    charter, _ = store.load(EVENTS, charters.evolve, command.charter_id)
    parents = {p: store.load(EVENTS, drafts.evolve, p)[0] for p in command.parents}
    events = drafts.propose_draft(charters.require_charter(charter), parents, command, datetime.now(UTC))
    return store.append(drafts.STREAM_TYPE, command.draft_id, 0, events, meta)
