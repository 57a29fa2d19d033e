"""`/api/v1/webhooks`: a signed-in council registers, reads and steers its own webhook subscriptions."""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import Response, jsonify
from marshmallow import Schema, ValidationError, fields, validate
from psycopg_pool import ConnectionPool

from shared.config import TOPICS, Settings
from shared.http import RequestRefused, error
from shared.openapi import ACCOUNT, Blueprint

from ...edge.auth import current_actor
from ...edge.paging import PageQuery, page
from ..filters import EventFilter, all_types
from . import egress, store

STATUSES = ("pending", "delivered", "dead")
HTTP_URL = validate.Regexp(r"^\s*https?://[^\s/?#]+", flags=re.IGNORECASE, error="must start with http:// or https://")


def _known(field: str):
    def check(values: list[str]) -> None:
        named: dict[str, Any] = {field: values}  # the one field this validator checks
        if problems := EventFilter.of(**named).problems().get(field):
            raise ValidationError(problems)

    return check


class RegisterWebhookBody(Schema):
    """Where to deliver, and which events: empty `topics` or `types` mean all, no `organisation` any."""

    url = fields.String(required=True, validate=[validate.Length(min=1, max=2048), HTTP_URL], metadata={
        "description": "an http(s) URL on the public internet; a 2xx answer acknowledges a delivery",
        "example": "https://council.example/hooks"})
    topics = fields.List(fields.String(metadata={"enum": sorted(TOPICS.values())}), load_default=list,
                         validate=[validate.Length(max=10), _known("topics")],
                         metadata={"example": ["charter.pilots.v1"]})
    types = fields.List(fields.String(metadata={"enum": sorted(all_types())}), load_default=list,
                        validate=[validate.Length(max=200), _known("types")], metadata={"example": ["OutcomeVerified"]})
    organisation = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200),
                                 metadata={"description": "only events naming this organisation (compared"
                                                          " canonically)", "example": "Riverside Council"})


class RotateSecretBody(Schema):
    """How long the previous secret keeps signing deliveries beside the new one."""

    previous_valid_for_s = fields.Integer(strict=True, load_default=3600, validate=validate.Range(min=0, max=86400),
                                          metadata={"description": "seconds; 0 stops using it at once",
                                                    "example": 3600})


class Webhook(Schema):
    """A webhook subscription as its owner sees it (never its secret)."""

    webhook_id = fields.String(required=True)
    url = fields.String(required=True)
    topics = fields.List(fields.String(), required=True, metadata={"description": "empty: every topic"})
    types = fields.List(fields.String(), required=True, metadata={"description": "empty: every event type"})
    organisation = fields.String(required=True, allow_none=True,
                                 metadata={"description": "canonical name; null: any organisation"})
    paused = fields.Boolean(required=True, metadata={"description": "paused: deliveries wait until it resumes"})
    created_at = fields.DateTime(required=True)


class WebhookCreated(Webhook):
    """The new subscription, with its signing secret, shown this once."""

    secret = fields.String(required=True, metadata={"description": "verifies the `X-Charter-Signature` header"})


class DeliveryCounts(Schema):
    """How many of the webhook's deliveries are in each status."""

    pending = fields.Integer(required=True)
    delivered = fields.Integer(required=True)
    dead = fields.Integer(required=True)


class WebhookDetail(Webhook):
    """A webhook subscription with its delivery counts."""

    deliveries = fields.Nested(DeliveryCounts, required=True)


class WebhookList(Schema):
    """A page of the signed-in account's webhooks, oldest first."""

    items = fields.List(fields.Nested(Webhook), required=True)
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


class Attempt(Schema):
    """One try at delivering an event."""

    attempt = fields.Integer(required=True, metadata={"description": "1 for the first try"})
    attempted_at = fields.DateTime(required=True)
    response_code = fields.Integer(required=True, allow_none=True,
                                   metadata={"description": "the receiver's HTTP status; null: no answer"})
    error = fields.String(required=True, allow_none=True)
    duration_ms = fields.Integer(required=True)
    retry_in_ms = fields.Integer(required=True, allow_none=True,
                                 metadata={"description": "when the next try was due; null: none was"})


class Delivery(Schema):
    """One event owed to the webhook, with every attempt made."""

    delivery_id = fields.Integer(required=True)
    event_id = fields.String(required=True)
    type = fields.String(required=True)
    stream_id = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    attempts = fields.Integer(required=True)
    next_attempt_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "while pending"})
    last_response = fields.Integer(required=True, allow_none=True)
    last_error = fields.String(required=True, allow_none=True)
    delivered_at = fields.DateTime(required=True, allow_none=True)
    dead_at = fields.DateTime(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    attempt_log = fields.List(fields.Nested(Attempt), required=True)


class DeliveryList(Schema):
    """A page of deliveries, newest first."""

    items = fields.List(fields.Nested(Delivery), required=True)
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


class DeliveriesQuery(PageQuery):
    """`?status=&limit=&offset=` of a delivery log."""

    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": "only deliveries in it"})


class Redelivered(Schema):
    """How many dead letters were queued to be sent again."""

    queued = fields.Integer(required=True)


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
    bp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks", area="Council delivery")

    def mine(webhook_id) -> dict:
        found = store.get(pool, owner(), str(webhook_id))
        if found is None:
            raise not_found()
        return found

    @bp.post("")
    @bp.arguments(RegisterWebhookBody)
    @bp.response(201, WebhookCreated, description="The subscription; events from now on are delivered to it.",
                 headers={"Location": {"description": "the webhook's path", "schema": {"type": "string"}}})
    @bp.requires(ACCOUNT)
    def register(body):
        """Register a webhook

        Subscribes a URL to the events matching `topics`, `types` and `organisation`, from now on. Each delivery
        is a POST signed with the secret in the reply, which is shown this once (docs/subscribing.md says how to
        verify it). A URL that resolves to a private address is refused. Needs an account; the webhook is the
        account's own.
        """
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
    @bp.arguments(PageQuery, location="query")
    @bp.response(200, WebhookList, description="A page of the account's webhooks.")
    @bp.requires(ACCOUNT)
    def list_mine(query):
        """List your webhooks

        The signed-in account's webhook subscriptions, oldest first, a page at a time. Needs an account.
        """
        items, total = store.list_for(pool, owner(), query["limit"], query["offset"])
        return jsonify(page(items, total, query["limit"], query["offset"]))

    @bp.get("/<uuid:webhook_id>")
    @bp.response(200, WebhookDetail, description="The webhook with its delivery counts.")
    @bp.refuses("not_found")
    @bp.requires(ACCOUNT)
    def read(webhook_id):
        """Read a webhook

        One of the signed-in account's webhooks with how many deliveries are pending, delivered and dead; someone
        else's is 404. Needs an account.
        """
        return jsonify(mine(webhook_id))

    @bp.delete("/<uuid:webhook_id>")
    @bp.response(204, description="The webhook and its delivery log are removed.")
    @bp.refuses("not_found")
    @bp.requires(ACCOUNT)
    def remove(webhook_id):
        """Remove a webhook

        Removes one of the signed-in account's webhooks and its delivery log; nothing more is delivered to it.
        Needs an account.
        """
        store.delete(pool, owner(), mine(webhook_id)["webhook_id"])
        return Response(status=204)

    @bp.post("/<uuid:webhook_id>/pause")
    @bp.response(200, WebhookDetail, description="The paused webhook.")
    @bp.refuses("not_found")
    @bp.requires(ACCOUNT)
    def pause(webhook_id):
        """Pause a webhook

        Holds deliveries back: events still queue for the webhook and are delivered, in order, once it resumes.
        Pausing a paused webhook changes nothing. Needs an account.
        """
        store.set_paused(pool, owner(), mine(webhook_id)["webhook_id"], True)
        return jsonify(mine(webhook_id))

    @bp.post("/<uuid:webhook_id>/resume")
    @bp.response(200, WebhookDetail, description="The resumed webhook.")
    @bp.refuses("not_found")
    @bp.requires(ACCOUNT)
    def resume(webhook_id):
        """Resume a webhook

        Delivers again, starting with what queued while the webhook was paused. Needs an account.
        """
        store.set_paused(pool, owner(), mine(webhook_id)["webhook_id"], False)
        return jsonify(mine(webhook_id))

    @bp.post("/<uuid:webhook_id>/secret")
    @bp.arguments(RotateSecretBody)
    @bp.response(201, SecretRotated, description="The new secret, shown this once.")
    @bp.refuses("not_found")
    @bp.requires(ACCOUNT)
    def rotate_secret(body, webhook_id):
        """Roll a webhook's signing secret

        Makes a new signing secret, shown this once; deliveries carry the signatures of both the new and the
        previous secret until `previous_secret_expires_at`. Needs an account.
        """
        secret = "whsec_" + secrets.token_urlsafe(32)
        until = store.rotate_secret(pool, owner(), str(webhook_id), secret, body["previous_valid_for_s"])
        if until is None:
            raise not_found()
        # The new secret is shown this once, like the one made at registration.
        return jsonify({"webhook_id": str(webhook_id), "secret": secret,
                        "previous_secret_expires_at": until}), 201  # JSON gives it a Z, as every time

    @bp.get("/<uuid:webhook_id>/deliveries")
    @bp.arguments(DeliveriesQuery, location="query")
    @bp.response(200, DeliveryList, description="A page of the webhook's deliveries.")
    @bp.refuses("not_found")
    @bp.requires(ACCOUNT)
    def deliveries(query, webhook_id):
        """Read a webhook's delivery log

        The webhook's deliveries, newest first, each with every attempt (status, duration, error), optionally
        only those in one `status`. Needs an account.
        """
        return _log(mine(webhook_id)["webhook_id"], query.get("status"), query)

    @bp.get("/<uuid:webhook_id>/dead-letters")
    @bp.arguments(PageQuery, location="query")
    @bp.response(200, DeliveryList, description="A page of the webhook's dead letters.")
    @bp.refuses("not_found")
    @bp.requires(ACCOUNT)
    def dead_letters(query, webhook_id):
        """List a webhook's dead letters

        The deliveries that failed every retry and are no longer tried, newest first. Needs an account.
        """
        return _log(mine(webhook_id)["webhook_id"], "dead", query)

    @bp.post("/<uuid:webhook_id>/dead-letters/redeliver")
    @bp.response(202, Redelivered, description="The dead letters are queued to be sent again.")
    @bp.refuses("not_found")
    @bp.requires(ACCOUNT)
    def redeliver_all(webhook_id):
        """Redeliver every dead letter

        Queues all the webhook's dead letters to be sent again, in order, with a fresh round of retries. Needs an
        account.
        """
        return jsonify({"queued": store.redeliver(pool, mine(webhook_id)["webhook_id"], None)}), 202

    @bp.post("/<uuid:webhook_id>/dead-letters/<int:delivery_id>/redeliver")
    @bp.response(202, Redelivered, description="The dead letter is queued to be sent again.")
    @bp.refuses("not_found")
    @bp.requires(ACCOUNT)
    def redeliver_one(webhook_id, delivery_id: int):
        """Redeliver one dead letter

        Queues one of the webhook's dead letters to be sent again, with a fresh round of retries; a delivery that
        is not dead is 404. Needs an account.
        """
        if store.redeliver(pool, mine(webhook_id)["webhook_id"], delivery_id) == 0:
            return error(404, "not_found", "no dead letter with this id", {"delivery_id": ["not a dead letter"]})
        return jsonify({"queued": 1}), 202

    def _log(webhook_id: str, status: str | None, query: dict[str, Any]):
        items, total = store.deliveries(pool, webhook_id, status, query["limit"], query["offset"])
        return jsonify(page(items, total, query["limit"], query["offset"]))

    return bp
