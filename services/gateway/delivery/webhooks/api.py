"""`/api/v1/webhooks`: a signed-in council registers, reads and steers its own webhook subscriptions."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate
from psycopg_pool import ConnectionPool

from shared.config import Settings
from shared.http import RequestRefused, error, validated
from shared.openapi_legacy import documented

from ...edge.auth import current_actor
from ...edge.paging import page, page_args, paged
from ..filters import EventFilter
from . import egress, store

STATUSES = ("pending", "delivered", "dead")


def _known(field: str):
    def check(values: list[str]) -> None:
        named: dict[str, Any] = {field: values}  # the one field this validator checks
        if problems := EventFilter.of(**named).problems().get(field):
            raise ValidationError(problems)

    return check


class RegisterWebhookBody(Schema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=2048))
    topics = fields.List(fields.String(), load_default=list, validate=[validate.Length(max=10), _known("topics")])
    types = fields.List(fields.String(), load_default=list, validate=[validate.Length(max=200), _known("types")])
    organisation = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))


class RotateSecretBody(Schema):
    previous_valid_for_s = fields.Integer(strict=True, load_default=3600, validate=validate.Range(min=0, max=86400))


class SecretRotated(Schema):
    """The new secret (shown this once) and when the previous one stops signing deliveries."""

    webhook_id = fields.String(required=True)
    secret = fields.String(required=True)
    previous_secret_expires_at = fields.DateTime(required=True)


def owner() -> str:
    """The signed-in account managing its webhooks, or a 401."""
    actor = current_actor()
    if actor == "anonymous":
        raise RequestRefused(401, "unauthenticated", "sign in or send an API token to manage webhooks")
    return actor


def not_found() -> RequestRefused:
    """The 404 for a webhook that is unknown or someone else's (the two are not told apart)."""
    return RequestRefused(404, "not_found", "you have no webhook with this id", {"webhook_id": ["unknown"]})


def blueprint(pool: ConnectionPool, settings: Settings, gateway_schema: str) -> Blueprint:
    """Routes to register webhooks, read their delivery logs, pause, resume, redeliver and roll secrets."""
    bp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks")

    def mine(webhook_id) -> dict:
        found = store.get(pool, owner(), str(webhook_id))
        if found is None:
            raise not_found()
        return found

    @bp.post("")
    @validated(RegisterWebhookBody())
    def register(body):
        actor = owner()
        try:
            egress.resolve(body["url"], settings.webhook_allow_private)
        except egress.Refused as exc:
            raise ValidationError({"url": [str(exc)]}) from None
        secret = "whsec_" + secrets.token_urlsafe(32)
        flt = EventFilter.of(body["topics"], body["types"], body["organisation"])
        created = store.create(pool, actor, body["url"].strip(), flt, secret, gateway_schema)
        # The secret is shown this once: only the dispatcher reads it again, to sign.
        return jsonify(created | {"secret": secret}), 201, {"Location": f"/api/v1/webhooks/{created['webhook_id']}"}

    @bp.get("")
    @paged
    def list_mine():
        limit, offset = page_args()
        items, total = store.list_for(pool, owner(), limit, offset)
        return jsonify(page(items, total, limit, offset))

    @bp.get("/<uuid:webhook_id>")
    def read(webhook_id):
        return jsonify(mine(webhook_id))

    @bp.delete("/<uuid:webhook_id>")
    def remove(webhook_id):
        store.delete(pool, owner(), mine(webhook_id)["webhook_id"])
        return "", 204

    @bp.post("/<uuid:webhook_id>/pause")
    def pause(webhook_id):
        store.set_paused(pool, owner(), mine(webhook_id)["webhook_id"], True)
        return jsonify(mine(webhook_id))

    @bp.post("/<uuid:webhook_id>/resume")
    def resume(webhook_id):
        store.set_paused(pool, owner(), mine(webhook_id)["webhook_id"], False)
        return jsonify(mine(webhook_id))

    @bp.post("/<uuid:webhook_id>/secret")
    @documented(response=SecretRotated, status=201)
    @validated(RotateSecretBody())
    def rotate_secret(body, webhook_id):
        """Roll the signing secret: deliveries carry both signatures until the previous secret expires."""
        secret = "whsec_" + secrets.token_urlsafe(32)
        until = store.rotate_secret(pool, owner(), str(webhook_id), secret, body["previous_valid_for_s"])
        if until is None:
            raise not_found()
        # The new secret is shown this once, like the one made at registration.
        return jsonify({"webhook_id": str(webhook_id), "secret": secret,
                        "previous_secret_expires_at": until}), 201  # JSON gives it a Z, as every time

    @bp.get("/<uuid:webhook_id>/deliveries")
    def deliveries(webhook_id):
        status = request.args.get("status")
        if status is not None and status not in STATUSES:
            return error(400, "invalid_query", f"status must be one of {', '.join(STATUSES)}",
                         {"status": ["unknown status"]})
        return _log(mine(webhook_id)["webhook_id"], status)

    @bp.get("/<uuid:webhook_id>/dead-letters")
    def dead_letters(webhook_id):
        return _log(mine(webhook_id)["webhook_id"], "dead")

    @bp.post("/<uuid:webhook_id>/dead-letters/redeliver")
    def redeliver_all(webhook_id):
        return jsonify({"queued": store.redeliver(pool, mine(webhook_id)["webhook_id"], None)}), 202

    @bp.post("/<uuid:webhook_id>/dead-letters/<int:delivery_id>/redeliver")
    def redeliver_one(webhook_id, delivery_id: int):
        if store.redeliver(pool, mine(webhook_id)["webhook_id"], delivery_id) == 0:
            return error(404, "not_found", "no dead letter with this id", {"delivery_id": ["not a dead letter"]})
        return jsonify({"queued": 1}), 202

    def _log(webhook_id: str, status: str | None):
        limit, offset = page_args()
        items, total = store.deliveries(pool, webhook_id, status, limit, offset)
        return jsonify(page(items, total, limit, offset))

    return bp
