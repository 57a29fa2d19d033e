"""HTTP routes of the pledge service: thin, each one body (its command) → handler → reply."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, jsonify, request

from shared import subject_keys
from shared.contract.organisations import canonical_organisation
from shared.eventstore import AppendResult
from shared.http import build_command, command_meta, error
from shared.openapi import Blueprint as ApiBlueprint
from shared.service import current_store

from . import handlers, schemas
from .domain import charters, drafts, erasures, memberships, organisations

drafting = ApiBlueprint("drafting", __name__, area="Pledge")
signing = ApiBlueprint("signing", __name__, area="Pledge")
records = ApiBlueprint("organisations", __name__, area="Organisations")
privacy = ApiBlueprint("privacy", __name__, area="Pledge")
dev = Blueprint("dev", __name__)  # registered by the app in development only


def accepted(result: AppendResult, status: int = 201, **ids: str):
    """The reply to a command: the ids it created and where its events landed (201, or 200 for a removal)."""
    return jsonify(ids | asdict(result)), status


def client_ip() -> str:
    """The client's address as the gateway saw it (only the gateway can reach this service)."""
    forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
    return forwarded or request.remote_addr or ""


def current_signing() -> handlers.Signing:
    """What signing needs besides the store, built once with the app."""
    return current_app.extensions["signing"]


@drafting.post("/charters")
@drafting.arguments(schemas.CreateCharterBody())
def create_charter(command: charters.CreateCharter):
    return accepted(handlers.create_charter(current_store(), command, command_meta()), charter_id=command.charter_id)


@drafting.post("/charters/<uuid:charter_id>/rounds")
@drafting.arguments(schemas.OpenRoundBody())
def open_round(command: charters.OpenRound, charter_id):
    return accepted(handlers.open_round(current_store(), command, command_meta()), charter_id=command.charter_id)


@drafting.post("/charters/<uuid:charter_id>/rounds/close")
@drafting.arguments(schemas.EmptyBody(charters.CloseRound))
def close_round(command: charters.CloseRound, charter_id):
    return accepted(handlers.close_round(current_store(), command, command_meta()), charter_id=command.charter_id)


@drafting.post("/charters/<uuid:charter_id>/versions")
@drafting.arguments(schemas.AdoptVersionBody())
def adopt_version(command: charters.AdoptVersion, charter_id):
    return accepted(handlers.adopt_version(current_store(), command, command_meta()), charter_id=command.charter_id)


@drafting.post("/charters/<uuid:charter_id>/drafts")
@drafting.arguments(schemas.ProposeDraftBody())
def propose_draft(command: drafts.ProposeDraft, charter_id):
    return accepted(handlers.propose_draft(current_store(), command, command_meta()), draft_id=command.draft_id)


@drafting.put("/drafts/<uuid:draft_id>/rating")
@drafting.arguments(schemas.RateDraftBody())
def rate_draft(command: drafts.RateDraft, draft_id):
    return accepted(handlers.rate_draft(current_store(), command, command_meta()), draft_id=command.draft_id)


@drafting.delete("/drafts/<uuid:draft_id>/rating")
def retract_rating(draft_id):
    command = build_command(drafts.RetractRating)
    return accepted(handlers.retract_rating(current_store(), command, command_meta()), 200, draft_id=command.draft_id)


@drafting.post("/drafts/<uuid:draft_id>/withdrawal")
@drafting.arguments(schemas.EmptyBody(drafts.WithdrawDraft))
def withdraw_draft(command: drafts.WithdrawDraft, draft_id):
    return accepted(handlers.withdraw_draft(current_store(), command, command_meta()), draft_id=command.draft_id)


@drafting.post("/drafts/<uuid:draft_id>/comments")
@drafting.arguments(schemas.PostCommentBody())
def post_comment(command, draft_id):
    result = handlers.post_comment(current_store(), command, command_meta())
    return accepted(result, draft_id=command.draft_id, comment_id=command.comment_id)


@signing.post("/charters/<uuid:charter_id>/signatures")
@signing.arguments(schemas.RequestSignatureBody())
def request_signature(command, charter_id):
    result = handlers.request_signature(current_store(), current_signing(), command, client_ip(), command_meta())
    return accepted(result, signature_id=result.stream_id)


@signing.post("/signatures/<uuid:signature_id>/verification")
@signing.arguments(schemas.VerifySignatureBody())
def verify_signature(command, signature_id):
    result = handlers.verify_signature(current_store(), command, command_meta())
    return accepted(result, signature_id=command.signature_id)


@signing.post("/signatures/<uuid:signature_id>/withdrawal")
@signing.arguments(schemas.WithdrawSignatureBody())
def withdraw_signature(command, signature_id):
    result = handlers.withdraw_signature(current_store(), command, command_meta())
    return accepted(result, signature_id=command.signature_id)


@signing.post("/signatures/<uuid:signature_id>/links")
@signing.arguments(schemas.ResendSignatureLinksBody())
def resend_signature_links(command, signature_id):
    result = handlers.resend_signature_links(current_store(), current_signing(), command, client_ip(), command_meta())
    return accepted(result, signature_id=command.signature_id)


@signing.post("/signatures/<uuid:signature_id>/assurance")
@signing.arguments(schemas.StewardVerifySignatureBody())
def steward_verify_signature(command, signature_id):
    result = handlers.steward_verify_signature(current_store(), command, command_meta())
    return accepted(result, signature_id=command.signature_id)


@records.post("/organisations")
@records.arguments(schemas.RecordOrganisationBody())
def record_organisation(command: organisations.RecordOrganisation):
    result = handlers.record_organisation(current_store(), command, command_meta())
    return accepted(result, organisation_id=canonical_organisation(command.name))


@records.post("/organisations/<path:organisation_id>/domains")
@records.arguments(schemas.VerifyDomainBody())
def verify_domain(command: organisations.VerifyDomain, organisation_id):
    result = handlers.verify_domain(current_store(), command, command_meta())
    return accepted(result, organisation_id=canonical_organisation(command.organisation_id))


@records.post("/organisations/<path:organisation_id>/domains/removal")
@records.arguments(schemas.RemoveDomainBody())
def remove_domain(command: organisations.RemoveDomain, organisation_id):
    result = handlers.remove_domain(current_store(), command, command_meta())
    return accepted(result, organisation_id=canonical_organisation(command.organisation_id))


@records.post("/organisations/<path:organisation_id>/memberships")
@records.arguments(schemas.ClaimMembershipBody())
def claim_membership(command: memberships.ClaimMembership, organisation_id):
    result = handlers.claim_membership(current_store(), current_signing(), command, client_ip(), command_meta())
    return accepted(result, membership_id=result.stream_id)


@records.post("/organisations/<path:organisation_id>/members")
@records.arguments(schemas.GrantMembershipBody())
def grant_membership(command: memberships.GrantMembership, organisation_id):
    result = handlers.grant_membership(current_store(), command, command_meta())
    return accepted(result, membership_id=result.stream_id)


@records.post("/memberships/<uuid:membership_id>/confirmation")
@records.arguments(schemas.ConfirmMembershipBody())
def confirm_membership(command: memberships.ConfirmMembership, membership_id):
    result = handlers.confirm_membership(current_store(), command, command_meta())
    return accepted(result, membership_id=command.membership_id)


@records.post("/memberships/<uuid:membership_id>/end")
@records.arguments(schemas.EndMembershipBody())
def end_membership(command: memberships.EndMembership, membership_id):
    result = handlers.end_membership(current_store(), command, command_meta())
    return accepted(result, membership_id=command.membership_id)


@privacy.post("/erasures")
@privacy.arguments(schemas.EraseSubjectBody())
def erase_subject(command: erasures.EraseSubject):
    result = handlers.erase_subject(current_store(), current_signing(), command, command_meta())
    return accepted(result, erasure_id=command.erasure_id)


def lend_key(subject_id: str) -> bytes | None:
    """A signatory's key, for the gateway's projector (GET /internal/subjects/<id>/key)."""
    with current_store().pool.connection() as conn:
        return current_signing().subjects.keys.key(conn, subject_id)


@dev.get("/dev/verification-links/<uuid:signature_id>")
def verification_link(signature_id):
    """Development only: read the links a signatory would have been e-mailed last (verify, and withdraw)."""
    with current_store().pool.connection() as conn:
        links = current_signing().mailer.latest_links(conn, str(signature_id))
    if links is None:
        return error(404, "not_found", "no verification mail for this signature",
                     {"signature_id": ["no verification mail"]})
    link, withdrawal_link = links
    return jsonify({"signature_id": str(signature_id), "link": link, "withdrawal_link": withdrawal_link})


BLUEPRINTS = (drafting, signing, records, privacy, subject_keys.blueprint(lend_key))
