"""Admins look after parked events: `/api/v1/admin/parked`, list, retry after a fix, or skip with a reason."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from marshmallow import Schema, fields, validate

from shared import parking
from shared.http import error, validated
from shared.openapi_legacy import documented

from ..edge.auth import require_role
from ..identity import roles
from ..ops.operations import STORES, ParkedEvents


class ParkedQuery(Schema):
    all = fields.Boolean(load_default=False, metadata={"description": "include retried and skipped ones"})


class ParkedEvent(Schema):
    store = fields.String(validate=validate.OneOf(STORES), metadata={"description": "where it is parked"})
    parked_id = fields.Integer()
    consumer = fields.String()
    stream_id = fields.String()
    version = fields.Integer()
    producer = fields.String()
    position = fields.Integer()
    event_id = fields.String()
    type = fields.String()
    handler = fields.String()
    error = fields.String()
    attempts = fields.Integer()
    parked_at = fields.DateTime()
    last_tried_at = fields.DateTime()
    status = fields.String(validate=validate.OneOf(("parked", "retry", "skip", "retried", "skipped")))
    requested_by = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)


class ParkedList(Schema):
    parked = fields.List(fields.Nested(ParkedEvent))


class RetryBody(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class SkipBody(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class ParkedRequested(Schema):
    store = fields.String()
    parked_id = fields.Integer()
    status = fields.String(metadata={"description": "retry or skip: the consumer carries it out within seconds"})


def blueprint(parked: ParkedEvents) -> Blueprint:
    """The admin routes on parked events."""
    bp = Blueprint("parked", __name__, url_prefix="/api/v1/admin/parked")

    @bp.get("")
    @documented(response=ParkedList, query=ParkedQuery, tag="admin", authenticated=True)
    def list_parked():
        """Every event a consumer parked and has not resolved (with `all=true`, the resolved too; admins only)."""
        require_role(roles.ADMIN)
        include = ParkedQuery().load(request.args)["all"]
        return jsonify({"parked": [ParkedEvent().dump(p) for p in parked.listing(include)]})

    def asked(store: str, parked_id: int, action: str, reason: str):
        admin = require_role(roles.ADMIN)
        try:
            parked.request(store, parked_id, action, by=admin.account_id, reason=reason)
        except parking.ParkedRequestRefused as exc:
            return error(exc.status, exc.code, exc.message,
                         {"reason": [exc.message]} if exc.code == "reason_required" else None)
        return jsonify({"store": store, "parked_id": parked_id, "status": action}), 202

    @bp.post(f"/<any({', '.join(STORES)}):store>/<int:parked_id>/retry")
    @documented(response=ParkedRequested, status=202, tag="admin")
    @validated(RetryBody())
    def retry_parked(body, store: str, parked_id: int):
        """Ask the consumer to apply a parked event again, once its cause is fixed (admins only)."""
        return asked(store, parked_id, "retry", body["reason"])

    @bp.post(f"/<any({', '.join(STORES)}):store>/<int:parked_id>/skip")
    @documented(response=ParkedRequested, status=202, tag="admin")
    @validated(SkipBody())
    def skip_parked(body, store: str, parked_id: int):
        """Ask the consumer to pass over a parked event for good, saying why (admins only; recorded with who)."""
        return asked(store, parked_id, "skip", body["reason"])

    return bp
