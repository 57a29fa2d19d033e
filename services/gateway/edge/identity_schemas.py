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


def _usable_name(value: str) -> None:
    try:
        names.clean(value)
    except names.NameRefused as exc:
        raise ValidationError(str(exc)) from None


class DisplayNameBody(Schema):
    """A public display name: 1–60 characters once trimmed, never an e-mail address."""

    display_name = fields.String(required=True, validate=_usable_name)

    @post_load
    def _trimmed(self, data: dict, **_: object) -> dict:
        return data | {"display_name": names.clean(data["display_name"])}


class SignUpBody(DisplayNameBody):
    email = fields.Email(required=True, validate=EMAIL)
    password = fields.String(required=True, validate=NEW_PASSWORD)


class ResetNameBody(Schema):
    """Why a moderator replaces a display name with a neutral one (recorded, shown to admins)."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))

    @post_load
    def _trimmed(self, data: dict, **_: object) -> dict:
        if not data["reason"].strip():
            raise ValidationError("say why the name is reset", "reason")
        return data | {"reason": data["reason"].strip()}


class SignInBody(Schema):
    email = fields.String(required=True, validate=EMAIL)
    password = fields.String(required=True, validate=PASSWORD)


class CreateTokenBody(Schema):
    """Signed in, name the token; otherwise also give the account's e-mail and password."""

    name = fields.String(load_default="API token", validate=validate.Length(min=1, max=100))
    email = fields.String(validate=EMAIL)
    password = fields.String(validate=PASSWORD)


class ChangePasswordBody(Schema):
    current_password = fields.String(required=True, validate=PASSWORD)
    new_password = fields.String(required=True, validate=NEW_PASSWORD)


class GrantRoleBody(Schema):
    role = fields.String(required=True, validate=validate.OneOf(GRANTABLE))


class SessionReply(Schema):
    """Who is signed in; `csrf_token` must accompany every write made with the session cookie."""

    account_id = fields.String(required=True)
    roles = fields.List(fields.String(validate=validate.OneOf(ALL)), required=True)
    authenticated_by = fields.String(required=True, validate=validate.OneOf(("session", "token")))
    csrf_token = fields.String(allow_none=True, required=True)
    display_name = fields.String(required=True)


class TokenCreated(Schema):
    """A new API token: `token` is shown this once and cannot be read again."""

    token_id = fields.String(required=True)
    name = fields.String(required=True)
    token = fields.String(required=True)


class TokenInfo(Schema):
    token_id = fields.String(required=True)
    name = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(allow_none=True, required=True)
    revoked_at = fields.DateTime(allow_none=True, required=True)


class TokenList(Schema):
    items = fields.List(fields.Nested(TokenInfo), required=True)


class RoleChange(Schema):
    role = fields.String(required=True)
    change = fields.String(required=True, validate=validate.OneOf(("granted", "revoked")))
    changed_by = fields.String(required=True)
    changed_at = fields.DateTime(required=True)


class AccountRoles(Schema):
    """An account's roles and every change to them, for admins (no e-mail: that stays private)."""

    account_id = fields.String(required=True)
    roles = fields.List(fields.String(validate=validate.OneOf(ALL)), required=True)
    created_at = fields.DateTime(required=True)
    role_changes = fields.List(fields.Nested(RoleChange), required=True)


class NameReset(Schema):
    """A display name a moderator replaced: the neutral name now shown."""

    account_id = fields.String(required=True)
    display_name = fields.String(required=True)


class PersonProfile(Schema):
    """A person's public profile: their display name and what they did, newest first (never their e-mail)."""

    account_id = fields.String(required=True)
    display_name = fields.String(required=True)
    joined_at = fields.DateTime(required=True)
    drafted = fields.List(fields.Dict(), required=True)
    commented = fields.List(fields.Dict(), required=True)
    edited = fields.List(fields.Dict(), required=True)
    endorsed = fields.List(fields.Dict(), required=True)
