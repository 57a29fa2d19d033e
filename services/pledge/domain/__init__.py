"""The pledge's domain: charters, drafting rounds, drafts, organisations, memberships and signatures, free of I/O."""

from shared.checkpoints import CheckpointPublished
from shared.events import EventRegistry

from . import charters, comments, drafts, erasures, memberships, organisations, signatures

EVENTS = EventRegistry(
    CheckpointPublished,  # the store's signed tree heads, appended by its relay (shared/checkpointing.py)
    charters.CharterCreated,
    charters.RoundOpened,
    charters.RoundClosed,
    charters.VersionAdopted,
    drafts.DraftProposed,
    drafts.DraftRated,
    drafts.RatingRetracted,
    comments.CommentPosted,
    drafts.DraftWithdrawn,
    signatures.SignatureRequested,
    signatures.SignatureVerified,
    signatures.SignatureWithdrawn,
    signatures.SignatureTokensReissued,
    signatures.SignatureStewardVerified,
    organisations.OrganisationRecorded,
    organisations.OrganisationDomainVerified,
    organisations.OrganisationDomainRemoved,
    memberships.MembershipClaimed,
    memberships.MembershipConfirmed,
    memberships.MembershipEnded,
    erasures.ErasureCompleted,
)
