"""Admins look after parked events: `/api/v1/admin/parked`, list, retry after a fix, or skip with a reason."""

from __future__ import annotations

from flask import jsonify
from marshmallow import Schema, fields, validate

from shared import parking
from shared.http import error
from shared.openapi import Blueprint

from ..edge.auth import require_role
from ..identity import roles
from ..ops.operations import STORES, ParkedEvents


class ParkedQuery(Schema):
    """Which parked events to list."""

    all = fields.Boolean(load_default=False, metadata={"description": "include retried and skipped ones"})


class ParkedEvent(Schema):
    """An event a consumer could not apply and set aside, with what went wrong and what was asked for it."""

    store = fields.String(required=True, validate=validate.OneOf(STORES),
                          metadata={"description": "where it is parked"})
    parked_id = fields.Integer(required=True, metadata={"description": "its id within its store"})
    consumer = fields.String(required=True, metadata={"description": "the consumer that parked it"})
    stream_id = fields.String(required=True)
    version = fields.Integer(required=True)
    producer = fields.String(required=True, allow_none=True)
    position = fields.Integer(required=True, allow_none=True)
    event_id = fields.String(required=True, allow_none=True)
    type = fields.String(required=True, allow_none=True)
    handler = fields.String(required=True, metadata={"description": "the handler that failed"})
    error = fields.String(required=True, metadata={"description": "the handler's last error"})
    attempts = fields.Integer(required=True)
    parked_at = fields.DateTime(required=True)
    last_tried_at = fields.DateTime(required=True)
    status = fields.String(required=True,
                           validate=validate.OneOf(("parked", "retry", "skip", "retried", "skipped")),
                           metadata={"description": "retry and skip are asked for and not yet carried out"})
    requested_by = fields.String(required=True, allow_none=True, metadata={"description": "the admin who asked"})
    reason = fields.String(required=True, allow_none=True)
    resolved_at = fields.DateTime(required=True, allow_none=True)


class ParkedList(Schema):
    """Parked events, oldest first."""

    parked = fields.List(fields.Nested(ParkedEvent), required=True)


class RetryBody(Schema):
    """Why the event is retried (optional)."""

    reason = fields.String(load_default="", validate=validate.Length(max=1000),
                           metadata={"example": "the missing barrier was restored"})


class SkipBody(Schema):
    """Why the event is skipped for good."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000),
                           metadata={"example": "a duplicate of an event applied already"})


class ParkedRequested(Schema):
    """A retry or skip asked for."""

    store = fields.String(required=True)
    parked_id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("retry", "skip")),
                           metadata={"description": "retry or skip: the consumer carries it out within seconds"})


def blueprint(parked: ParkedEvents) -> Blueprint:
    """The admin routes on parked events."""
    bp = Blueprint("parked", __name__, url_prefix="/api/v1/admin/parked", area="Audit")

    @bp.get("")
    @bp.arguments(ParkedQuery, location="query")
    @bp.response(200, ParkedList, description="The parked events, oldest first.")
    @bp.refuses("forbidden")
    @bp.requires(roles.ADMIN)
    def list_parked(query):
        """List parked events

        Every event a consumer parked (set aside after its handler failed) and not yet resolved; with `all=true`
        the retried and skipped ones too, each naming the store it is parked in. Needs the admin role.
        """
        require_role(roles.ADMIN)
        return jsonify({"parked": [ParkedEvent().dump(p) for p in parked.listing(query["all"])]})

    def asked(store: str, parked_id: int, action: str, reason: str):
        admin = require_role(roles.ADMIN)
        try:
            parked.request(store, parked_id, action, by=admin.account_id, reason=reason)
        except parking.ParkedRequestRefused as exc:
            return error(exc.status, exc.code, exc.message,
                         {"reason": [exc.message]} if exc.code == "reason_required" else None)
        return jsonify({"store": store, "parked_id": parked_id, "status": action}), 202

    @bp.post(f"/<any({', '.join(STORES)}):store>/<int:parked_id>/retry")
    @bp.arguments(RetryBody)
    @bp.response(202, ParkedRequested, description="The retry is asked for; the consumer applies the event again"
                 " within seconds.")
    @bp.refuses("not_found", "forbidden")
    @bp.requires(roles.ADMIN)
    def retry_parked(body, store: str, parked_id: int):
        """Retry a parked event

        Asks the consumer to apply an open parked event again, once the cause is fixed; recorded with who asked.
        Needs the admin role.
        """
        return asked(store, parked_id, "retry", body["reason"])

    @bp.post(f"/<any({', '.join(STORES)}):store>/<int:parked_id>/skip")
    @bp.arguments(SkipBody)
    @bp.response(202, ParkedRequested, description="The skip is asked for; the consumer passes over the event"
                 " within seconds.")
    @bp.refuses("not_found", "reason_required", "forbidden")
    @bp.requires(roles.ADMIN)
    def skip_parked(body, store: str, parked_id: int):
        """Skip a parked event

        Asks the consumer to pass over an open parked event for good, saying why; recorded with who asked and the
        reason. Needs the admin role.
        """
        return asked(store, parked_id, "skip", body["reason"])

    return bp
