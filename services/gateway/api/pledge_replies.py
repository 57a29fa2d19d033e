"""The replies of the pledge's reads (charters, drafts, versions, signatories), as the API document states them.

Each schema is what its read's SQL selects (pledge_reads.py and the read models' DDL): a column that can be
NULL allows None, every key the code always sends is required.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contract.vocabulary import ORGANISATION_TYPES

from ..edge.paging import page_of
from ..edge.people import person

# How a signatory's membership of their organisation is known (the pledge's SignatureRequested `assurance`).
ASSURANCES = ("domain-verified", "steward-verified", "self-declared")
ID = {"description": "a UUID"}


class Charter(Schema):
    """A charter and the state of its drafting round."""

    charter_id = fields.String(required=True, metadata=ID)
    title = fields.String(required=True)
    purpose = fields.String(required=True)
    steward = fields.String(required=True, metadata={"description": "the account id of the steward who created it"})
    steward_person = person("steward")
    round_number = fields.Integer(required=True, metadata={"description": "the latest round opened (0: none yet)"})
    round_open = fields.Boolean(required=True, metadata={
        "description": "whether the round takes drafts, ratings and comments now (false once it closes)"})
    round_closes_at = fields.DateTime(required=True, allow_none=True)
    draft_count = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)


class OpenRound(Schema):
    """The round accepting drafts now."""

    round_number = fields.Integer(required=True)
    closes_at = fields.DateTime(required=True, allow_none=True)


class Version(Schema):
    """An adopted version of a charter: the draft adopted, as it read then."""

    version = fields.Integer(required=True, metadata={"description": "1 for the first adopted, and so on"})
    round_number = fields.Integer(required=True)
    draft_id = fields.String(required=True, metadata=ID)
    title = fields.String(required=True)
    text = fields.String(required=True)
    adopted_at = fields.DateTime(required=True)


class Draft(Schema):
    """A draft of a charter's text."""

    draft_id = fields.String(required=True, metadata=ID)
    charter_id = fields.String(required=True, metadata=ID)
    round_number = fields.Integer(required=True)
    title = fields.String(required=True)
    text = fields.String(required=True)
    change_summary = fields.String(required=True)
    parents = fields.List(fields.String(), required=True, metadata={"description": "the drafts it remixes"})
    author = fields.String(required=True, metadata={"description": "the author's account id"})
    author_person = person("author")
    proposed_at = fields.DateTime(required=True)


Drafts = page_of(Draft, "Drafts", "A page of a charter's drafts, oldest first.")
Charters = page_of(Charter, "Charters", "A page of charters, oldest first.")


class CharterDetail(Charter):
    """A charter, its open round, its current version and a page of its drafts (`?limit=&offset=` page them)."""

    open_round = fields.Nested(OpenRound, required=True, allow_none=True)
    current_version = fields.Nested(Version, required=True, allow_none=True,
                                    metadata={"description": "the latest adopted version; null before any"})
    drafts = fields.Nested(Drafts, required=True)


class Ratings(Schema):
    """How a draft is rated."""

    count = fields.Integer(required=True)
    mean = fields.Float(required=True, allow_none=True, metadata={"description": "null while unrated"})
    score = fields.Float(required=True, metadata={"description": "the Bayesian score drafts are ranked by"})
    histogram = fields.Dict(keys=fields.String(validate=validate.OneOf(["1", "2", "3", "4", "5"])),
                            values=fields.Integer(), required=True,
                            metadata={"description": "how many ratings gave each number of stars, \"1\" to \"5\""})


class LineageNode(Schema):
    """A draft in the remix tree above a draft, with its own parents."""

    draft_id = fields.String(required=True, metadata=ID)
    title = fields.String(required=True)
    author = fields.String(required=True)
    author_person = person("author")
    round_number = fields.Integer(required=True)
    parents = fields.List(fields.Nested(lambda: LineageNode()), required=True)
    shown_above = fields.Boolean(metadata={"description": "true: met earlier in the tree, its parents shown there"})
    truncated = fields.Boolean(metadata={"description": "true: the tree is cut off at this depth"})


class Remix(Schema):
    """A draft that names this one as a parent."""

    draft_id = fields.String(required=True, metadata=ID)
    title = fields.String(required=True)
    author = fields.String(required=True)
    author_person = person("author")
    proposed_at = fields.DateTime(required=True)


class Comment(Schema):
    """A comment on a draft, or on a passage of it."""

    comment_id = fields.String(required=True, metadata=ID)
    author = fields.String(required=True)
    author_person = person("author")
    body = fields.String(required=True)
    reply_to = fields.String(required=True, allow_none=True, metadata={"description": "the comment it answers"})
    passage_start = fields.Integer(required=True, allow_none=True)
    passage_end = fields.Integer(required=True, allow_none=True)
    quote = fields.String(required=True, allow_none=True)
    posted_at = fields.DateTime(required=True)


class Thread(Comment):
    """A top-level comment and its replies, oldest first."""

    replies = fields.List(fields.Nested(Comment), required=True)


class DraftDetail(Draft):
    """A draft with what its page shows: standing, ratings, remix tree, remixes and comments."""

    withdrawn = fields.Boolean(required=True)
    ratings = fields.Nested(Ratings, required=True)
    lineage = fields.Nested(LineageNode, required=True)
    remixes = fields.List(fields.Nested(Remix), required=True)
    comments = fields.List(fields.Nested(Thread), required=True)


class Versions(Schema):
    """Every adopted version of a charter, oldest first."""

    items = fields.List(fields.Nested(Version), required=True)


class Credit(Schema):
    """A run of a draft's text, credited to the draft (and author) it first appeared in."""

    text = fields.String(required=True)
    draft_id = fields.String(required=True, metadata=ID)
    author = fields.String(required=True)
    author_person = person("author")


class CreditedVersion(Version):
    """An adopted version with its text credited to the drafts it came from."""

    credits = fields.List(fields.Nested(Credit), required=True)


class DraftCredits(Schema):
    """A draft's text, credited to the drafts (and authors) each part first appeared in."""

    draft_id = fields.String(required=True, metadata=ID)
    credits = fields.List(fields.Nested(Credit), required=True)


class RankedDraft(Schema):
    """A live draft on the leaderboard."""

    rank = fields.Integer(required=True, metadata={"description": "1 for the best, counted across pages"})
    draft_id = fields.String(required=True, metadata=ID)
    title = fields.String(required=True)
    author = fields.String(required=True)
    author_person = person("author")
    round_number = fields.Integer(required=True)
    parents = fields.List(fields.String(), required=True)
    proposed_at = fields.DateTime(required=True)
    score = fields.Float(required=True)
    rating_count = fields.Integer(required=True)
    mean = fields.Float(required=True, allow_none=True)


RankedDrafts = page_of(RankedDraft, "RankedDrafts", "A page of the leaderboard, best first.")


class DraftRef(Schema):
    """A draft named in a diff."""

    draft_id = fields.String(required=True, metadata=ID)
    title = fields.String(required=True)


class Segment(Schema):
    """A run of words kept, deleted or inserted."""

    op = fields.String(required=True, validate=validate.OneOf(("equal", "delete", "insert")))
    text = fields.String(required=True)


class Diff(Schema):
    """The word diff that turns one draft's text into another's."""

    from_ = fields.Nested(DraftRef, required=True, data_key="from")
    to = fields.Nested(DraftRef, required=True)
    segments = fields.List(fields.Nested(Segment), required=True)


class OwnDraft(Schema):
    """A draft a participant proposed, with its standing."""

    draft_id = fields.String(required=True, metadata=ID)
    charter_id = fields.String(required=True, metadata=ID)
    round_number = fields.Integer(required=True)
    title = fields.String(required=True)
    parents = fields.List(fields.String(), required=True)
    proposed_at = fields.DateTime(required=True)
    score = fields.Float(required=True)
    rating_count = fields.Integer(required=True)
    withdrawn = fields.Boolean(required=True)


class OwnRating(Schema):
    """A rating a participant gave."""

    draft_id = fields.String(required=True, metadata=ID)
    charter_id = fields.String(required=True, metadata=ID)
    title = fields.String(required=True)
    stars = fields.Integer(required=True, validate=validate.Range(1, 5))
    rated_at = fields.DateTime(required=True)


OwnDrafts = page_of(OwnDraft, "ParticipantDrafts", "A page of a participant's drafts, oldest first.")
OwnRatings = page_of(OwnRating, "ParticipantRatings", "A page of a participant's ratings, oldest first.")


class Signatory(Schema):
    """A verified signature, as published: never an e-mail address."""

    signature_id = fields.String(required=True)
    organisation_id = fields.String(required=True, metadata={"description": "the organisation's canonical name"})
    organisation_name = fields.String(required=True)
    organisation_type = fields.String(required=True, validate=validate.OneOf(ORGANISATION_TYPES))
    area = fields.String(required=True, allow_none=True)
    signatory_name = fields.String(required=True, metadata={"description": "\"erased\" once the signatory is erased"})
    signatory_role = fields.String(required=True)
    statement = fields.String(required=True, allow_none=True)
    assurance = fields.String(required=True, validate=validate.OneOf(ASSURANCES),
                              metadata={"description": "how the signatory's membership of the organisation is known"})
    assurance_method = fields.String(required=True, allow_none=True,
                                     metadata={"description": "how a steward checked it (steward-verified)"})
    signed_at = fields.DateTime(required=True, metadata={"description": "when the signature was verified"})
    verified_event_id = fields.String(required=True, metadata={"description": "the SignatureVerified event"})


class Signatories(page_of(Signatory, "SignatoryPage", "A page of signatories.")):  # type: ignore[misc]
    """A page of the version's signatories, first verified first."""

    version = fields.Integer(required=True, allow_none=True,
                             metadata={"description": "the version listed; null before any is adopted"})


class SignatoryCounts(Schema):
    """How many organisations of each type signed the version."""

    version = fields.Integer(required=True, allow_none=True)
    by_type = fields.Dict(keys=fields.String(validate=validate.OneOf(ORGANISATION_TYPES)), values=fields.Integer(),
                          required=True, metadata={"description": "every organisation type, 0 when none signed"})
    total = fields.Integer(required=True)


class SigningDay(Schema):
    """One UTC day of signing."""

    day = fields.Date(required=True)
    signed = fields.Integer(required=True)
    withdrawn = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "signatures standing at the end of the day"})


class SigningTimeline(Schema):
    """The version's signing, day by day."""

    version = fields.Integer(required=True, allow_none=True)
    days = fields.List(fields.Nested(SigningDay), required=True)
