"""The pledge domain's own refusals; the kinds they are (Conflict, Invalid...) are shared.errors'."""

from __future__ import annotations

from shared.errors import Conflict, Invalid

# How pledge has always worded the refusal of blank text (its replies name the field beside it).
EMPTY = "must not be empty"


class PledgeConflict(Conflict):
    """The charter, draft, signature or comment is already in a state that refuses the command."""

    code = "pledge_error"  # what clients have always read for these refusals


class RoundClosedError(Conflict):
    """Drafting happens only while a round is open."""


class DraftAlreadyAdopted(PledgeConflict):
    """A draft becomes a version of its charter once; adopting it again is refused."""


class TokenWrong(Invalid):
    """A mailed link's token that is not the signature's latest: mistyped, forged, or replaced by a fresh link."""


class TokenExpired(Invalid):
    """A verification link past its expiry; a fresh one can be sent."""
