"""The pledge service's command bodies: each validates a body and builds its command (shared.http.CommandBody)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.contract.vocabulary import ERASURE_RULES
from shared.http import CommandBody

from .domain import charters, comments, drafts, erasures, memberships, organisations, signatures
from .domain.charters import MAX_PURPOSE_CHARS
from .domain.comments import MAX_COMMENT_CHARS
from .domain.drafts import MAX_SUMMARY_CHARS, MAX_TEXT_CHARS, MAX_TITLE_CHARS
from .domain.errors import EMPTY
from .domain.signatures import MAX_NAME_CHARS, MAX_STATEMENT_CHARS, ORGANISATION_TYPES


class Text(fields.String):
    """Text as the domain keeps it: stripped, as `require_text` strips it, and free of NUL characters.

    NUL is refused at the edge instead of failing the append. Validators see the stripped text, so
    `required_text(limit)` refuses exactly what the domain's `require_text(value, field, limit)` does,
    as a 422 naming the field before any command is built. A quote of a draft's text is matched
    character for character, so it keeps its spaces (`strip=False`).
    """

    def __init__(self, *, strip: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.strip = strip
        if strip and any(isinstance(v, validate.Length) and (v.min or 0) >= 1 for v in self.validators):
            # Checked once stripped: the document says blank text is refused, not just empty text.
            self.metadata = {"pattern": r"\S"} | dict(self.metadata)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("must not contain NUL characters")
        return text.strip() if self.strip else text


def required_text(limit: int) -> list[validate.Validator]:
    """The domain's rule for required text: not blank once stripped, and at most `limit` characters."""
    return [validate.Length(min=1, error=EMPTY), validate.Length(max=limit)]


TITLE = required_text(MAX_TITLE_CHARS)
NAME = required_text(MAX_NAME_CHARS)
# What the domain accepts (abuse.canonical_email, organisations._domain), said in the document so clients
# and generated data know: surrounding spaces and capitals are allowed, the domain refuses anything else.
EMAIL = {"pattern": r"^\s*[^@\s+\u0000][^@\s\u0000]*@[^@\s\u0000]+\.[^@\s.\u0000]+\s*$"}
DOMAIN = {"pattern": r"^\s*([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\.*\s*$"}


class CreateCharterBody(CommandBody):
    """A new charter: its title and what it is for."""

    command, fresh_ids = charters.CreateCharter, ("charter_id",)
    title = Text(required=True, validate=TITLE, metadata={"example": "Open procurement charter"})
    purpose = Text(required=True, validate=required_text(MAX_PURPOSE_CHARS),
                   metadata={"example": "Councils publish every contract above £5,000 with its tender."})


class ProposeDraftBody(CommandBody):
    """A draft of the charter's text; naming `parents` makes it a remix of those drafts."""

    command, fresh_ids = drafts.ProposeDraft, ("draft_id",)
    title = Text(required=True, validate=TITLE, metadata={"example": "Publish contracts within 30 days"})
    text = Text(required=True, validate=required_text(MAX_TEXT_CHARS),
                metadata={"example": "We publish every contract above £5,000 within 30 days of signing it."})
    change_summary = Text(load_default="", validate=validate.Length(max=MAX_SUMMARY_CHARS),
                          metadata={"description": "what this draft changes in its parents",
                                    "example": "Adds a 30-day deadline"})
    parents = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=10),
                          metadata={"description": "the drafts of the same charter this one remixes (credited)",
                                    "example": []})


class OpenRoundBody(CommandBody):
    """When the new round stops taking drafts, ratings and comments (none: a steward closes it)."""

    command = charters.OpenRound
    closes_at = fields.DateTime(load_default=None, allow_none=True, metadata={
        "description": "a future moment with its time zone", "example": "2027-03-31T17:00:00Z"})


class EmptyBody(CommandBody):
    """Nothing: send `{}` (the path says what the command is about; unknown fields are refused)."""


class AdoptVersionBody(CommandBody):
    """The draft of this charter to adopt as its next version."""

    command = charters.AdoptVersion
    draft_id = fields.UUID(required=True)


class RateDraftBody(CommandBody):
    """Your rating of the draft."""

    command = drafts.RateDraft
    stars = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5),
                           metadata={"description": "1 (poor) to 5 (excellent)", "example": 4})


class PostCommentBody(CommandBody):
    """A comment on the draft, on a passage of it (`passage_start`, `passage_end` and its `quote`), or a reply."""

    command, fresh_ids = comments.PostComment, ("comment_id",)
    body = Text(required=True, validate=required_text(MAX_COMMENT_CHARS),
                metadata={"example": "Thirty days is too long for small contracts."})
    reply_to = fields.UUID(load_default=None, allow_none=True,
                           metadata={"description": "the top-level comment this answers (replies nest one level)"})
    passage_start = fields.Integer(load_default=None, allow_none=True, strict=True,
                                   metadata={"description": "the passage's first character, counted from 0"})
    passage_end = fields.Integer(load_default=None, allow_none=True, strict=True,
                                 metadata={"description": "the character after the passage"})
    quote = Text(load_default=None, allow_none=True, strip=False, validate=validate.Length(min=1, max=MAX_TEXT_CHARS),
                 metadata={"description": "the passage's text, exactly as the draft has it"})


class RequestSignatureBody(CommandBody):
    """Name a recorded organisation by `organisation_id`, or a new one by `organisation_name` and its type.

    One of the two is required: without `organisation_id`, both `organisation_name` and `organisation_type`.
    """

    command = signatures.RequestSignature
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                             metadata={"description": "the charter's current version (only it can be signed)",
                                       "example": 1})
    organisation_id = Text(load_default=None, allow_none=True, validate=NAME,
                           metadata={"description": "a recorded organisation's id (its canonical name)"})
    organisation_name = Text(load_default=None, validate=NAME, metadata={"example": "Hull City Council"})
    organisation_type = Text(load_default=None, validate=validate.OneOf(ORGANISATION_TYPES),
                             metadata={"example": "council"})
    area = Text(load_default=None, allow_none=True, validate=validate.Length(max=MAX_NAME_CHARS),
                metadata={"description": "the place the organisation serves", "example": "Kingston upon Hull"})
    signatory_name = Text(required=True, validate=NAME, metadata={"example": "Ada Lovelace"})
    signatory_role = Text(required=True, validate=NAME, metadata={"example": "Chief Executive"})
    # RFC 5321 caps a forward path at 254 characters; the domain checks the shape and canonicalises.
    email = Text(required=True, validate=required_text(254), metadata=EMAIL | {
        "description": "where the verification link is mailed; never published", "example": "ada@hull.gov.uk"})
    statement = Text(load_default=None, allow_none=True, validate=validate.Length(max=MAX_STATEMENT_CHARS),
                     metadata={"description": "a public statement shown beside the signature"})

    @validates_schema
    def names_an_organisation(self, data, **kwargs) -> None:
        if data.get("organisation_id") is None:
            missing = {f: ["required, unless organisation_id names a recorded organisation"]
                       for f in ("organisation_name", "organisation_type") if data.get(f) is None}
            if missing:
                raise ValidationError(missing)


class StewardVerifySignatureBody(CommandBody):
    """How the steward checked the signature with the organisation."""

    command = signatures.StewardVerifySignature
    method = Text(required=True, validate=required_text(MAX_STATEMENT_CHARS),
                  metadata={"example": "Phoned the council's switchboard and spoke to the signatory"})


class RecordOrganisationBody(CommandBody):
    """An organisation to record: its name (every spelling of it is one organisation) and its type."""

    command = organisations.RecordOrganisation
    name = Text(required=True, validate=NAME, metadata={"example": "Hull City Council"})
    organisation_type = Text(required=True, validate=validate.OneOf(ORGANISATION_TYPES),
                             metadata={"example": "council"})


class VerifyDomainBody(CommandBody):
    """An e-mail domain the organisation controls (never a free-mail one), and how the steward checked it."""

    command = organisations.VerifyDomain
    domain = Text(required=True, validate=validate.Length(min=1, max=253), metadata=DOMAIN | {"example": "hull.gov.uk"})
    evidence = Text(required=True, validate=required_text(organisations.MAX_EVIDENCE_CHARS),
                    metadata={"example": "Listed on the council's own website"})


class RemoveDomainBody(CommandBody):
    """A verified domain to take off the organisation's record, and why."""

    command = organisations.RemoveDomain
    domain = Text(required=True, validate=validate.Length(min=1, max=253), metadata=DOMAIN | {"example": "hull.gov.uk"})
    reason = Text(required=True, validate=required_text(organisations.MAX_EVIDENCE_CHARS))


class ClaimMembershipBody(CommandBody):
    """Your address at one of the organisation's verified domains: a confirmation link is mailed there."""

    command = memberships.ClaimMembership
    email = Text(required=True, validate=required_text(254), metadata=EMAIL | {"example": "ada@hull.gov.uk"})


class ConfirmMembershipBody(CommandBody):
    """The token of the mailed confirmation link."""

    command = memberships.ConfirmMembership
    token = Text(required=True, validate=validate.Length(min=1, max=200))


class GrantMembershipBody(CommandBody):
    """The account a steward checked belongs to the organisation, and how they checked."""

    command = memberships.GrantMembership
    account_id = fields.UUID(required=True)
    evidence = Text(required=True, validate=required_text(memberships.MAX_NOTE_CHARS))


class EndMembershipBody(CommandBody):
    """Why the membership ends (optional)."""

    command = memberships.EndMembership
    reason = Text(load_default=None, allow_none=True, validate=validate.Length(max=memberships.MAX_NOTE_CHARS))


class VerifySignatureBody(CommandBody):
    """The token of the mailed verification link."""

    command = signatures.VerifySignature
    token = Text(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "the `token` parameter of the verification link", "example": "pX1c0v9yJ3k…"})


class WithdrawSignatureBody(CommandBody):
    """An optional public reason, and the mailed withdrawal link's token unless you signed in as whoever signed."""

    command = signatures.WithdrawSignature
    reason = Text(load_default=None, allow_none=True, validate=validate.Length(max=MAX_STATEMENT_CHARS))
    token = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200),
                 metadata={"description": "the `token` parameter of the mailed withdrawal link"})


class ResendSignatureLinksBody(CommandBody):
    """The address the signature was requested with: fresh links are mailed to it."""

    command = signatures.ResendSignatureLinks
    email = Text(required=True, validate=required_text(254), metadata=EMAIL | {"example": "ada@hull.gov.uk"})


class EraseSubjectBody(CommandBody):
    """Erase whoever signed with `email` (the address their request for erasure came from), under `rule`."""

    command = erasures.EraseSubject
    fresh_ids = ("erasure_id",)
    email = Text(required=True, validate=required_text(254),
                 metadata=EMAIL | {"description": "the address the person signed with; it is hashed, never stored",
                           "example": "ada@hull.gov.uk"})
    rule = Text(required=True, validate=validate.OneOf(ERASURE_RULES),
                metadata={"description": "the UK GDPR Article 17(1) ground the erasure is made under",
                          "example": "uk-gdpr-17-1-b"})
