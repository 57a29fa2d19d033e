"""The knowledge base's domain: barriers, solutions and what every page carries, free of I/O."""

from shared.checkpoints import CheckpointPublished
from shared.events import EventRegistry

from . import (
    barriers,
    discussion,
    endorsements,
    evidence,
    moderation,
    photos,
    protection,
    revisions,
    solutions,
    watchlists,
)

EVENTS = EventRegistry(
    CheckpointPublished,  # the store's signed tree heads, appended by its relay (shared/checkpointing.py)
    barriers.BarrierProposed,
    barriers.BarrierEdited,
    solutions.SolutionProposed,
    solutions.SolutionEdited,
    revisions.RevisionRestored,
    revisions.EditsReverted,
    endorsements.BarrierEndorsed,
    endorsements.SolutionEndorsed,
    endorsements.EndorsementWithdrawn,
    moderation.ItemFlagged,
    moderation.ItemHidden,
    moderation.ItemRestored,
    moderation.RevisionHidden,
    moderation.RevisionReinstated,
    moderation.FlagDismissed,
    protection.PageProtected,
    protection.PageUnprotected,
    photos.PhotoAttached,
    photos.PhotoRemoved,
    discussion.CommentPosted,
    discussion.CommentHidden,
    evidence.BarrierRemovalEvidenced,
    watchlists.PageWatched,
    watchlists.PageUnwatched,
)

# Which fold loads a page, by the stream type its events are stored under.
EVOLVE = {barriers.STREAM_TYPE: barriers.evolve, solutions.STREAM_TYPE: solutions.evolve}
