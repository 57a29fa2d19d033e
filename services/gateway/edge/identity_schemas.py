"""Marshmallow schemas of the identity API: bodies are validated with them, replies documented by them."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate

from ..identity import names
from ..identity.credentials import MIN_PASSWORD_CHARS
from ..identity.roles import ALL, GRANTABLE

EMAIL = validate.Length(min=3, max=254)
PASSWORD = validate.Length(min=1, max=1000)
NEW_PASSWORD = validate.Length(min=MIN_PASSWORD_CHARS, max=1000,
                               error=f"use {MIN_PASSWORD_CHARS} to 1000 characters")


# What `names.clean` takes, said as a pattern for the document: something not blank, no control character, and
# no text on both sides of an @ (names.LOOKS_LIKE_EMAIL).
USABLE_NAME = r"^(?!.*[^\s@]@[^\s@])[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"


def _usable_name(value: str) -> None:
    try:
        names.clean(value)
    except names.NameRefused as exc:
        raise ValidationError(str(exc)) from None


class DisplayNameBody(Schema):
    """A public display name: 1–60 characters once trimmed, never an e-mail address."""

    display_name = fields.String(required=True, validate=_usable_name, metadata={
        "description": "shown publicly beside what the account does: trimmed, at most 60 characters, some of them"
                       " not blank, no control characters, never an e-mail address",
        "pattern": USABLE_NAME, "maxLength": names.MAX_CHARS, "example": "Ana from Riverside"})

    @post_load
    def _trimmed(self, data: dict, **_: object) -> dict:
        return data | {"display_name": names.clean(data["display_name"])}


class SignUpBody(DisplayNameBody):
    """A new account: its e-mail (private, never shown), its password and its public display name."""

    email = fields.Email(required=True, validate=EMAIL, metadata={"example": "ana@riverside.example"})
    password = fields.String(required=True, validate=NEW_PASSWORD,
                             metadata={"example": "correct horse battery staple"})


class ResetNameBody(Schema):
    """Why a moderator replaces a display name with a neutral one (recorded, shown to admins)."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"pattern": r"\S", "example": "the name insulted another participant"})

    @post_load
    def _trimmed(self, data: dict, **_: object) -> dict:
        if not data["reason"].strip():
            raise ValidationError("say why the name is reset", "reason")
        return data | {"reason": data["reason"].strip()}


class SignInBody(Schema):
    """An account's e-mail and password."""

    email = fields.String(required=True, validate=EMAIL, metadata={"example": "ana@riverside.example"})
    password = fields.String(required=True, validate=PASSWORD, metadata={"example": "correct horse battery staple"})


class CreateTokenBody(Schema):
    """Signed in, name the token; otherwise also give the account's e-mail and password."""

    name = fields.String(load_default="API token", validate=validate.Length(min=1, max=100),
                         metadata={"description": "what the token is for, to tell tokens apart",
                                   "example": "council integration"})
    email = fields.String(validate=EMAIL, metadata={"description": "needed when not signed in",
                                                    "example": "ana@riverside.example"})
    password = fields.String(validate=PASSWORD, metadata={"description": "needed when not signed in",
                                                          "example": "correct horse battery staple"})


class ChangePasswordBody(Schema):
    """The account's current password, and the new one."""

    current_password = fields.String(required=True, validate=PASSWORD)
    new_password = fields.String(required=True, validate=NEW_PASSWORD)


class GrantRoleBody(Schema):
    """The role to grant."""

    role = fields.String(required=True, validate=validate.OneOf(GRANTABLE), metadata={"example": "steward"})


class SessionReply(Schema):
    """Who is signed in; `csrf_token` must accompany every write made with the session cookie."""

    account_id = fields.String(required=True)
    roles = fields.List(fields.String(validate=validate.OneOf(ALL)), required=True)
    authenticated_by = fields.String(required=True, validate=validate.OneOf(("session", "token")),
                                     metadata={"description": "the session cookie or an API token"})
    csrf_token = fields.String(allow_none=True, required=True, metadata={
        "description": "send it as `X-CSRF-Token` with writes made by the session cookie; null with a token"})
    display_name = fields.String(required=True)


class TokenCreated(Schema):
    """A new API token: `token` is shown this once and cannot be read again."""

    token_id = fields.String(required=True)
    name = fields.String(required=True)
    token = fields.String(required=True, metadata={"description": "send it as `Authorization: Bearer <token>`"})


class TokenInfo(Schema):
    """An API token as its owner sees it later: never its secret."""

    token_id = fields.String(required=True)
    name = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(allow_none=True, required=True, metadata={"description": "null: never used"})
    revoked_at = fields.DateTime(allow_none=True, required=True, metadata={"description": "null: still valid"})


class TokenList(Schema):
    """The account's API tokens, oldest first."""

    items = fields.List(fields.Nested(TokenInfo), required=True)


class RoleChange(Schema):
    """One grant or revocation of a role, with the admin who made it."""

    role = fields.String(required=True)
    change = fields.String(required=True, validate=validate.OneOf(("granted", "revoked")))
    changed_by = fields.String(required=True, metadata={"description": "the admin's account id"})
    changed_at = fields.DateTime(required=True)


class AccountRoles(Schema):
    """An account's roles and every change to them, for admins (no e-mail: that stays private)."""

    account_id = fields.String(required=True)
    roles = fields.List(fields.String(validate=validate.OneOf(ALL)), required=True)
    created_at = fields.DateTime(required=True)
    role_changes = fields.List(fields.Nested(RoleChange), required=True, metadata={"description": "oldest first"})


class NameReset(Schema):
    """A display name a moderator replaced: the neutral name now shown."""

    account_id = fields.String(required=True)
    display_name = fields.String(required=True)


class Drafted(Schema):
    """A draft the person proposed."""

    draft_id = fields.String(required=True)
    charter_id = fields.String(required=True)
    title = fields.String(required=True)
    proposed_at = fields.DateTime(required=True)


class Commented(Schema):
    """A comment the person posted, on a draft or on a knowledge-base page."""

    on_kind = fields.String(required=True, validate=validate.OneOf(("draft", "barrier", "solution")),
                            metadata={"description": "what the comment is on"})
    on_id = fields.String(required=True, metadata={"description": "the draft's or the page's id"})
    title = fields.String(required=True, metadata={"description": "the draft's or the page's title"})
    comment_id = fields.String(required=True)
    at = fields.DateTime(required=True)


class Edited(Schema):
    """A revision of a knowledge-base page the person wrote."""

    item_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("barrier", "solution")))
    title = fields.String(required=True)
    revision = fields.Integer(required=True)
    change = fields.String(required=True, validate=validate.OneOf(("proposed", "edited", "restored", "reverted")))
    at = fields.DateTime(required=True)


class Endorsed(Schema):
    """A knowledge-base page the person endorsed for an organisation."""

    item_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("barrier", "solution")))
    title = fields.String(required=True)
    organisation = fields.String(required=True)
    at = fields.DateTime(required=True)


class PersonProfile(Schema):
    """A person's public profile: their display name and what they did, newest first (never their e-mail).

    Each list holds at most the 50 newest; nothing hidden by a moderator is listed.
    """

    account_id = fields.String(required=True)
    display_name = fields.String(required=True)
    joined_at = fields.DateTime(required=True)
    drafted = fields.List(fields.Nested(Drafted), required=True)
    commented = fields.List(fields.Nested(Commented), required=True)
    edited = fields.List(fields.Nested(Edited), required=True)
    endorsed = fields.List(fields.Nested(Endorsed), required=True)
