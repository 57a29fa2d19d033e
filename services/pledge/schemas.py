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


class CreateCharterBody(CommandBody):
    command, fresh_ids = charters.CreateCharter, ("charter_id",)
    title = Text(required=True, validate=TITLE)
    purpose = Text(required=True, validate=required_text(MAX_PURPOSE_CHARS))


class ProposeDraftBody(CommandBody):
    command, fresh_ids = drafts.ProposeDraft, ("draft_id",)
    title = Text(required=True, validate=TITLE)
    text = Text(required=True, validate=required_text(MAX_TEXT_CHARS))
    change_summary = Text(load_default="", validate=validate.Length(max=MAX_SUMMARY_CHARS))
    parents = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=10))


class OpenRoundBody(CommandBody):
    command = charters.OpenRound
    closes_at = fields.DateTime(load_default=None, allow_none=True)


class EmptyBody(CommandBody):
    """A command that needs nothing but its path and actor (unknown fields are still refused)."""


class AdoptVersionBody(CommandBody):
    command = charters.AdoptVersion
    draft_id = fields.UUID(required=True)


class RateDraftBody(CommandBody):
    command = drafts.RateDraft
    stars = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))


class PostCommentBody(CommandBody):
    command, fresh_ids = comments.PostComment, ("comment_id",)
    body = Text(required=True, validate=required_text(MAX_COMMENT_CHARS))
    reply_to = fields.UUID(load_default=None, allow_none=True)
    passage_start = fields.Integer(load_default=None, allow_none=True, strict=True)
    passage_end = fields.Integer(load_default=None, allow_none=True, strict=True)
    quote = Text(load_default=None, allow_none=True, strip=False, validate=validate.Length(min=1, max=MAX_TEXT_CHARS))


class RequestSignatureBody(CommandBody):
    """Name a recorded organisation by `organisation_id`, or a new one by `organisation_name` and its type."""

    command = signatures.RequestSignature
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    organisation_id = Text(load_default=None, allow_none=True, validate=NAME)
    organisation_name = Text(load_default=None, validate=NAME)
    organisation_type = Text(load_default=None, validate=validate.OneOf(ORGANISATION_TYPES))
    area = Text(load_default=None, allow_none=True, validate=validate.Length(max=MAX_NAME_CHARS))
    signatory_name = Text(required=True, validate=NAME)
    signatory_role = Text(required=True, validate=NAME)
    # RFC 5321 caps a forward path at 254 characters; the domain checks the shape and canonicalises.
    email = Text(required=True, validate=required_text(254))
    statement = Text(load_default=None, allow_none=True, validate=validate.Length(max=MAX_STATEMENT_CHARS))

    @validates_schema
    def names_an_organisation(self, data, **kwargs) -> None:
        if data.get("organisation_id") is None:
            missing = {f: ["required, unless organisation_id names a recorded organisation"]
                       for f in ("organisation_name", "organisation_type") if data.get(f) is None}
            if missing:
                raise ValidationError(missing)


class StewardVerifySignatureBody(CommandBody):
    command = signatures.StewardVerifySignature
    method = Text(required=True, validate=required_text(MAX_STATEMENT_CHARS))


class RecordOrganisationBody(CommandBody):
    command = organisations.RecordOrganisation
    name = Text(required=True, validate=NAME)
    organisation_type = Text(required=True, validate=validate.OneOf(ORGANISATION_TYPES))


class VerifyDomainBody(CommandBody):
    command = organisations.VerifyDomain
    domain = Text(required=True, validate=validate.Length(min=1, max=253))
    evidence = Text(required=True, validate=required_text(organisations.MAX_EVIDENCE_CHARS))


class RemoveDomainBody(CommandBody):
    command = organisations.RemoveDomain
    domain = Text(required=True, validate=validate.Length(min=1, max=253))
    reason = Text(required=True, validate=required_text(organisations.MAX_EVIDENCE_CHARS))


class ClaimMembershipBody(CommandBody):
    command = memberships.ClaimMembership
    email = Text(required=True, validate=required_text(254))


class ConfirmMembershipBody(CommandBody):
    command = memberships.ConfirmMembership
    token = Text(required=True, validate=validate.Length(min=1, max=200))


class GrantMembershipBody(CommandBody):
    command = memberships.GrantMembership
    account_id = fields.UUID(required=True)
    evidence = Text(required=True, validate=required_text(memberships.MAX_NOTE_CHARS))


class EndMembershipBody(CommandBody):
    command = memberships.EndMembership
    reason = Text(load_default=None, allow_none=True, validate=validate.Length(max=memberships.MAX_NOTE_CHARS))


class VerifySignatureBody(CommandBody):
    command = signatures.VerifySignature
    token = Text(required=True, validate=validate.Length(min=1, max=200))


class WithdrawSignatureBody(CommandBody):
    command = signatures.WithdrawSignature
    reason = Text(load_default=None, allow_none=True, validate=validate.Length(max=MAX_STATEMENT_CHARS))
    token = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))


class ResendSignatureLinksBody(CommandBody):
    command = signatures.ResendSignatureLinks
    email = Text(required=True, validate=required_text(254))


class EraseSubjectBody(CommandBody):
    """Erase whoever signed with `email` (the address their request for erasure came from), under `rule`."""

    command = erasures.EraseSubject
    fresh_ids = ("erasure_id",)
    email = Text(required=True, validate=required_text(254),
                 metadata={"description": "the address the person signed with; it is hashed, never stored"})
    rule = Text(required=True, validate=validate.OneOf(ERASURE_RULES),
                metadata={"description": "the UK GDPR Article 17(1) ground the erasure is made under"})
