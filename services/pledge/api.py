"""HTTP routes of the pledge service: thin, each one body → command → handler → reply."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import timedelta

from flask import Blueprint, jsonify, request

from shared.config import Settings
from shared.eventstore import AppendResult, EventStore
from shared.http import actor_roles, command_meta, error, validated

from . import handlers, schemas
from .domain import charters, comments, drafts, signatures
from .mailer import Mailer
from .ratelimit import SigningGuard


def accepted(result: AppendResult, **ids: str):
    """The reply to a command: the ids it created and where its events landed."""
    return jsonify(ids | asdict(result)), 201


def actor() -> str:
    """Who is acting, as the gateway forwards it."""
    return command_meta().actor


def client_ip() -> str:
    """The client's address as the gateway saw it (only the gateway can reach this service)."""
    forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
    return forwarded or request.remote_addr or ""


def blueprint(store: EventStore, settings: Settings) -> Blueprint:
    """The pledge service's command routes, bound to its event store."""
    bp = Blueprint("pledge", __name__)
    mailer = Mailer(store.schema, settings.public_url or settings.service_url("gateway"), settings.dev_mode)
    signing = handlers.Signing(settings.email_salt, timedelta(seconds=settings.signature_token_ttl_s),
                               SigningGuard(store.schema, settings.email_salt), mailer)
    bp.register_blueprint(drafting_routes(store))
    bp.register_blueprint(signing_routes(store, signing))
    if settings.dev_mode:
        bp.register_blueprint(dev_routes(store, mailer))
    return bp


def drafting_routes(store: EventStore) -> Blueprint:
    """Charters, rounds, adoption, drafts, ratings and comments."""
    bp = Blueprint("drafting", __name__)

    @bp.post("/charters")
    @validated(schemas.CreateCharterBody())
    def create_charter(body):
        command = charters.CreateCharter(charter_id=str(uuid.uuid4()), actor=actor(), actor_roles=actor_roles(), **body)
        return accepted(handlers.create_charter(store, command, command_meta()), charter_id=command.charter_id)

    @bp.post("/charters/<uuid:charter_id>/rounds")
    @validated(schemas.OpenRoundBody())
    def open_round(body, charter_id):
        command = charters.OpenRound(str(charter_id), body["closes_at"], actor(), actor_roles())
        return accepted(handlers.open_round(store, command, command_meta()), charter_id=command.charter_id)

    @bp.post("/charters/<uuid:charter_id>/rounds/close")
    @validated(schemas.EmptyBody())
    def close_round(_, charter_id):
        command = charters.CloseRound(str(charter_id), actor(), actor_roles())
        return accepted(handlers.close_round(store, command, command_meta()), charter_id=command.charter_id)

    @bp.post("/charters/<uuid:charter_id>/versions")
    @validated(schemas.AdoptVersionBody())
    def adopt_version(body, charter_id):
        command = charters.AdoptVersion(str(charter_id), str(body["draft_id"]), actor(), actor_roles())
        return accepted(handlers.adopt_version(store, command, command_meta()), charter_id=command.charter_id)

    @bp.post("/charters/<uuid:charter_id>/drafts")
    @validated(schemas.ProposeDraftBody())
    def propose_draft(body, charter_id):
        command = drafts.ProposeDraft(
            draft_id=str(uuid.uuid4()), charter_id=str(charter_id), actor=actor(),
            title=body["title"], text=body["text"], change_summary=body["change_summary"],
            parents=tuple(str(p) for p in body["parents"]),
        )
        return accepted(handlers.propose_draft(store, command, command_meta()), draft_id=command.draft_id)

    @bp.put("/drafts/<uuid:draft_id>/rating")
    @validated(schemas.RateDraftBody())
    def rate_draft(body, draft_id):
        command = drafts.RateDraft(str(draft_id), body["stars"], actor())
        return accepted(handlers.rate_draft(store, command, command_meta()), draft_id=command.draft_id)

    @bp.delete("/drafts/<uuid:draft_id>/rating")
    def retract_rating(draft_id):
        command = drafts.RetractRating(str(draft_id), actor())
        return accepted(handlers.retract_rating(store, command, command_meta()), draft_id=command.draft_id)

    @bp.post("/drafts/<uuid:draft_id>/withdrawal")
    @validated(schemas.EmptyBody())
    def withdraw_draft(_, draft_id):
        command = drafts.WithdrawDraft(str(draft_id), actor())
        return accepted(handlers.withdraw_draft(store, command, command_meta()), draft_id=command.draft_id)

    @bp.post("/drafts/<uuid:draft_id>/comments")
    @validated(schemas.PostCommentBody())
    def post_comment(body, draft_id):
        reply_to = body.pop("reply_to")
        command = comments.PostComment(str(draft_id), str(uuid.uuid4()), actor=actor(),
                                       reply_to=str(reply_to) if reply_to else None, **body)
        result = handlers.post_comment(store, command, command_meta())
        return accepted(result, draft_id=command.draft_id, comment_id=command.comment_id)

    return bp


def signing_routes(store: EventStore, signing: handlers.Signing) -> Blueprint:
    """Requesting, verifying and withdrawing signatures."""
    bp = Blueprint("signing", __name__)

    @bp.post("/charters/<uuid:charter_id>/signatures")
    @validated(schemas.RequestSignatureBody())
    def request_signature(body, charter_id):
        command = signatures.RequestSignature(charter_id=str(charter_id), actor=actor(), **body)
        result = handlers.request_signature(store, signing, command, client_ip(), command_meta())
        return accepted(result, signature_id=result.stream_id)

    @bp.post("/signatures/<uuid:signature_id>/verification")
    @validated(schemas.VerifySignatureBody())
    def verify_signature(body, signature_id):
        command = signatures.VerifySignature(str(signature_id), body["token"], actor())
        return accepted(handlers.verify_signature(store, command, command_meta()), signature_id=command.signature_id)

    @bp.post("/signatures/<uuid:signature_id>/withdrawal")
    @validated(schemas.WithdrawSignatureBody())
    def withdraw_signature(body, signature_id):
        command = signatures.WithdrawSignature(str(signature_id), actor(), body["reason"])
        result = handlers.withdraw_signature(store, command, command_meta())
        return accepted(result, signature_id=command.signature_id)

    return bp


def dev_routes(store: EventStore, mailer: Mailer) -> Blueprint:
    """Development only: read the verification link a signatory would have been e-mailed."""
    bp = Blueprint("dev", __name__)

    @bp.get("/dev/verification-links/<uuid:signature_id>")
    def verification_link(signature_id):
        with store.pool.connection() as conn:
            link = mailer.latest_link(conn, str(signature_id))
        if link is None:
            return error(404, "not_found", "no verification mail for this signature",
                         {"signature_id": ["no verification mail"]})
        return jsonify({"signature_id": str(signature_id), "link": link})

    return bp
