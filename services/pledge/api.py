"""HTTP routes of the pledge service: thin, each one body (its command) → handler → reply."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, jsonify, request

from shared import subject_keys
from shared.contract.organisations import canonical_organisation
from shared.contract.vocabulary import STEWARD
from shared.eventstore import AppendResult
from shared.http import build_command, command_meta, error
from shared.openapi import ACCOUNT, ANYONE, accepted
from shared.openapi import Blueprint as ApiBlueprint
from shared.service import current_store

from . import handlers, schemas
from .domain import charters, drafts, erasures, memberships, organisations

drafting = ApiBlueprint("drafting", __name__, area="Pledge")
signing = ApiBlueprint("signing", __name__, area="Pledge")
records = ApiBlueprint("organisations", __name__, area="Pledge")
privacy = ApiBlueprint("privacy", __name__, area="Pledge")
dev = Blueprint("dev", __name__)  # registered by the app in development only


def answered(result: AppendResult, status: int = 201, **ids: str):
    """The reply to a command: the ids it names and where its events landed (201, or 200 for an update)."""
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
@drafting.response(201, accepted("charter_id"), description="The charter is created, its first round open.")
@drafting.refuses("forbidden")
@drafting.requires(STEWARD)
def create_charter(command: charters.CreateCharter):
    """Create a charter

    Creates a charter with its first drafting round open, so drafts can be proposed at once. Needs the
    steward role. The reply names the new `charter_id`.
    """
    return answered(handlers.create_charter(current_store(), command, command_meta()), charter_id=command.charter_id)


@drafting.post("/charters/<uuid:charter_id>/rounds")
@drafting.arguments(schemas.OpenRoundBody())
@drafting.response(201, accepted("charter_id"), description="The next round is open.")
@drafting.refuses("not_found", "forbidden", "pledge_error", "concurrency_conflict")
@drafting.requires(STEWARD)
def open_round(command: charters.OpenRound, charter_id):
    """Open the next drafting round

    Opens the charter's next round for drafts, ratings and comments, until `closes_at` if given (else until
    a steward closes it); refused with `pledge_error` while a round is open. Needs the steward role.
    """
    return answered(handlers.open_round(current_store(), command, command_meta()), charter_id=command.charter_id)


@drafting.post("/charters/<uuid:charter_id>/rounds/close")
@drafting.arguments(schemas.EmptyBody(charters.CloseRound))
@drafting.response(201, accepted("charter_id"), description="The round is closed.")
@drafting.refuses("not_found", "forbidden", "round_closed_error", "concurrency_conflict")
@drafting.requires(STEWARD)
def close_round(command: charters.CloseRound, charter_id):
    """Close the drafting round

    Closes the open round: no more drafts, ratings or comments until the next one. Send `{}`. Needs the
    steward role.
    """
    return answered(handlers.close_round(current_store(), command, command_meta()), charter_id=command.charter_id)


@drafting.post("/charters/<uuid:charter_id>/versions")
@drafting.arguments(schemas.AdoptVersionBody())
@drafting.response(201, accepted("charter_id"), description="The draft is the charter's next version.")
@drafting.refuses("not_found", "forbidden", "pledge_error", "draft_already_adopted", "concurrency_conflict")
@drafting.requires(STEWARD)
def adopt_version(command: charters.AdoptVersion, charter_id):
    """Adopt a draft as the next version

    Closes the round (if open) and adopts one of the charter's drafts as its next version, the one
    organisations sign. A round adopts one version; a draft is adopted once. Needs the steward role.
    """
    return answered(handlers.adopt_version(current_store(), command, command_meta()), charter_id=command.charter_id)


@drafting.post("/charters/<uuid:charter_id>/drafts")
@drafting.arguments(schemas.ProposeDraftBody())
@drafting.response(201, accepted("draft_id"), description="The draft is proposed.")
@drafting.refuses("not_found", "round_closed_error")
@drafting.requires(ACCOUNT)
def propose_draft(command: drafts.ProposeDraft, charter_id):
    """Propose a draft

    Proposes a draft of the charter's text in its open round, from scratch or as a remix of `parents`
    (drafts of the same charter, credited in the new one). Any signed-in account may. The reply names the
    new `draft_id`.
    """
    return answered(handlers.propose_draft(current_store(), command, command_meta()), draft_id=command.draft_id)


@drafting.put("/drafts/<uuid:draft_id>/rating")
@drafting.arguments(schemas.RateDraftBody())
@drafting.response(200, accepted("draft_id"), description="Your rating is recorded (or was already this).")
@drafting.refuses("not_found", "forbidden", "round_closed_error", "pledge_error", "concurrency_conflict")
@drafting.requires(ACCOUNT)
def rate_draft(command: drafts.RateDraft, draft_id):
    """Rate a draft

    Sets your rating of the draft, 1 to 5 stars, replacing any earlier one, while its round is open. Any
    signed-in account may, except its author (`forbidden`); a withdrawn draft is not rated (`pledge_error`).
    """
    return answered(handlers.rate_draft(current_store(), command, command_meta()), 200, draft_id=command.draft_id)


@drafting.delete("/drafts/<uuid:draft_id>/rating")
@drafting.response(200, accepted("draft_id"), description="Your rating is removed.")
@drafting.refuses("not_found", "round_closed_error", "concurrency_conflict")
@drafting.requires(ACCOUNT)
def retract_rating(draft_id):
    """Retract your rating of a draft

    Removes your rating while the round is open; `not_found` if you have not rated the draft. Send no body.
    Needs a signed-in account.
    """
    command = build_command(drafts.RetractRating)
    return answered(handlers.retract_rating(current_store(), command, command_meta()), 200, draft_id=command.draft_id)


@drafting.post("/drafts/<uuid:draft_id>/withdrawal")
@drafting.arguments(schemas.EmptyBody(drafts.WithdrawDraft))
@drafting.response(201, accepted("draft_id"), description="The draft is withdrawn.")
@drafting.refuses("not_found", "forbidden", "pledge_error", "concurrency_conflict")
@drafting.requires(ACCOUNT)
def withdraw_draft(command: drafts.WithdrawDraft, draft_id):
    """Withdraw a draft

    Takes your draft out of rating and adoption; its text stays in the lineage of its remixes. Send `{}`.
    Only the draft's author may (`forbidden` otherwise).
    """
    return answered(handlers.withdraw_draft(current_store(), command, command_meta()), draft_id=command.draft_id)


@drafting.post("/drafts/<uuid:draft_id>/comments")
@drafting.arguments(schemas.PostCommentBody())
@drafting.response(201, accepted("draft_id", "comment_id"), description="The comment is posted.")
@drafting.refuses("not_found", "round_closed_error", "pledge_error", "concurrency_conflict")
@drafting.requires(ACCOUNT)
def post_comment(command, draft_id):
    """Comment on a draft

    Posts a comment on the draft, or on a passage of it (its start, end and exact quote), or a reply to a
    top-level comment (`reply_to`), while the round is open. Any signed-in account may. The reply names the
    new `comment_id`.
    """
    result = handlers.post_comment(current_store(), command, command_meta())
    return answered(result, draft_id=command.draft_id, comment_id=command.comment_id)


@signing.post("/charters/<uuid:charter_id>/signatures")
@signing.arguments(schemas.RequestSignatureBody())
@signing.response(201, accepted("signature_id"), description="The signature awaits its mailed verification.")
@signing.refuses("not_found", "pledge_error", "concurrency_conflict")
@signing.requires(ANYONE)
def request_signature(command, charter_id):
    """Sign the charter for an organisation

    Requests a signature of the charter's current `version` for an organisation, a recorded one
    (`organisation_id`) or a new one (`organisation_name` and `organisation_type`). A link is mailed to
    `email`; the signature counts once it is verified from that link. No account needed: the mailed link
    is the proof. Attempts are limited per address and network (429 `rate_limited` with `Retry-After`).
    """
    result = handlers.request_signature(current_store(), current_signing(), command, client_ip(), command_meta())
    return answered(result, signature_id=result.stream_id)


@signing.post("/signatures/<uuid:signature_id>/verification")
@signing.arguments(schemas.VerifySignatureBody())
@signing.response(201, accepted("signature_id"), description="The signature is verified and counts.")
@signing.refuses("not_found", "pledge_error", "token_wrong", "token_expired", "concurrency_conflict")
@signing.requires(ANYONE)
def verify_signature(command, signature_id):
    """Verify a signature from its mailed link

    Sends back the `token` of the mailed verification link: the signature then counts. No account needed.
    A stale or mistyped token is `token_wrong`, an old one `token_expired` (ask for fresh links).
    """
    result = handlers.verify_signature(current_store(), command, command_meta())
    return answered(result, signature_id=command.signature_id)


@signing.post("/signatures/<uuid:signature_id>/withdrawal")
@signing.arguments(schemas.WithdrawSignatureBody())
@signing.response(201, accepted("signature_id"), description="The signature is withdrawn.")
@signing.refuses("not_found", "forbidden", "token_wrong", "pledge_error", "concurrency_conflict")
@signing.requires(ANYONE)
def withdraw_signature(command, signature_id):
    """Withdraw a signature

    Withdraws the signature, with an optional public `reason`: either with the `token` of the mailed
    withdrawal link (no account needed), or signed in as the account that requested it (`forbidden` for
    anyone else).
    """
    result = handlers.withdraw_signature(current_store(), command, command_meta())
    return answered(result, signature_id=command.signature_id)


@signing.post("/signatures/<uuid:signature_id>/links")
@signing.arguments(schemas.ResendSignatureLinksBody())
@signing.response(201, accepted("signature_id"), description="Fresh links are mailed; the old ones stop working.")
@signing.refuses("not_found", "pledge_error", "concurrency_conflict")
@signing.requires(ANYONE)
def resend_signature_links(command, signature_id):
    """Mail fresh signature links

    Mails a fresh pair of verification and withdrawal links to the address the signature was requested
    with (`email` must be it). No account needed; counted like a signing request (429 `rate_limited`).
    """
    result = handlers.resend_signature_links(current_store(), current_signing(), command, client_ip(), command_meta())
    return answered(result, signature_id=command.signature_id)


@signing.post("/signatures/<uuid:signature_id>/assurance")
@signing.arguments(schemas.StewardVerifySignatureBody())
@signing.response(201, accepted("signature_id"), description="The signature is steward-verified.")
@signing.refuses("not_found", "forbidden", "pledge_error", "concurrency_conflict")
@signing.requires(STEWARD)
def steward_verify_signature(command, signature_id):
    """Vouch for a self-declared signature

    Raises a verified, self-declared signature's assurance to steward-verified, recording how the steward
    checked it with the organisation (`method`). Needs the steward role.
    """
    result = handlers.steward_verify_signature(current_store(), command, command_meta())
    return answered(result, signature_id=command.signature_id)


@records.post("/organisations")
@records.arguments(schemas.RecordOrganisationBody())
@records.response(201, accepted("organisation_id"), description="The organisation has a record.")
@records.refuses("organisation_already_recorded", "concurrency_conflict")
@records.requires(ACCOUNT)
def record_organisation(command: organisations.RecordOrganisation):
    """Record an organisation

    Gives an organisation a record, once for every spelling of its name. The reply's `organisation_id` is
    the name's canonical form, used in the organisation's paths. Any signed-in account may.
    """
    result = handlers.record_organisation(current_store(), command, command_meta())
    return answered(result, organisation_id=canonical_organisation(command.name))


@records.post("/organisations/<path:organisation_id>/domains")
@records.arguments(schemas.VerifyDomainBody())
@records.response(201, accepted("organisation_id"), description="The domain is verified (or already was).")
@records.refuses("not_found", "forbidden", "concurrency_conflict")
@records.requires(STEWARD)
def verify_domain(command: organisations.VerifyDomain, organisation_id):
    """Verify an organisation's e-mail domain

    Records an e-mail domain the organisation controls and how the steward checked it: addresses there
    prove membership. A free-mail domain is refused. Needs the steward role.
    """
    result = handlers.verify_domain(current_store(), command, command_meta())
    return answered(result, organisation_id=canonical_organisation(command.organisation_id))


@records.post("/organisations/<path:organisation_id>/domains/removal")
@records.arguments(schemas.RemoveDomainBody())
@records.response(201, accepted("organisation_id"), description="The domain is off the record.")
@records.refuses("not_found", "forbidden", "concurrency_conflict")
@records.requires(STEWARD)
def remove_domain(command: organisations.RemoveDomain, organisation_id):
    """Remove an organisation's e-mail domain

    Takes a verified domain off the organisation's record, saying why; `not_found` if it is not one of its
    verified domains. Needs the steward role.
    """
    result = handlers.remove_domain(current_store(), command, command_meta())
    return answered(result, organisation_id=canonical_organisation(command.organisation_id))


@records.post("/organisations/<path:organisation_id>/memberships")
@records.arguments(schemas.ClaimMembershipBody())
@records.response(201, accepted("membership_id"), description="The claim is made; a confirmation link is mailed.")
@records.refuses("not_found", "pledge_error", "concurrency_conflict")
@records.requires(ACCOUNT)
def claim_membership(command: memberships.ClaimMembership, organisation_id):
    """Claim membership of an organisation

    Claims that your account belongs to the organisation: a confirmation link is mailed to `email`, which
    must be at one of its verified domains. Needs a signed-in account; attempts are limited
    (429 `rate_limited`). The reply names the `membership_id` to confirm.
    """
    result = handlers.claim_membership(current_store(), current_signing(), command, client_ip(), command_meta())
    return answered(result, membership_id=result.stream_id)


@records.post("/organisations/<path:organisation_id>/members")
@records.arguments(schemas.GrantMembershipBody())
@records.response(201, accepted("membership_id"), description="The account is a member.")
@records.refuses("not_found", "forbidden", "concurrency_conflict")
@records.requires(STEWARD)
def grant_membership(command: memberships.GrantMembership, organisation_id):
    """Make an account a member

    Records that an account belongs to the organisation (steward-verified), with how the steward checked.
    Needs the steward role.
    """
    result = handlers.grant_membership(current_store(), command, command_meta())
    return answered(result, membership_id=result.stream_id)


@records.post("/memberships/<uuid:membership_id>/confirmation")
@records.arguments(schemas.ConfirmMembershipBody())
@records.response(201, accepted("membership_id"), description="The account is a member (or already was).")
@records.refuses("not_found", "forbidden", "token_wrong", "token_expired", "concurrency_conflict")
@records.requires(ACCOUNT)
def confirm_membership(command: memberships.ConfirmMembership, membership_id):
    """Confirm a membership claim

    Sends back the `token` of the mailed confirmation link: the claim becomes a membership. Only the
    account that claimed may (`forbidden` otherwise).
    """
    result = handlers.confirm_membership(current_store(), command, command_meta())
    return answered(result, membership_id=command.membership_id)


@records.post("/memberships/<uuid:membership_id>/end")
@records.arguments(schemas.EndMembershipBody())
@records.response(201, accepted("membership_id"), description="The membership has ended.")
@records.refuses("not_found", "forbidden", "pledge_error", "concurrency_conflict")
@records.requires(ACCOUNT)
def end_membership(command: memberships.EndMembership, membership_id):
    """End a membership

    Ends a current membership, with an optional `reason`: the member may leave; ending anyone else's needs
    the steward role (`forbidden` otherwise).
    """
    result = handlers.end_membership(current_store(), command, command_meta())
    return answered(result, membership_id=command.membership_id)


@privacy.post("/erasures")
@privacy.arguments(schemas.EraseSubjectBody())
@privacy.response(201, accepted("erasure_id"), description="The person is erased; the erasure is logged.")
@privacy.refuses("not_found", "forbidden")
@privacy.requires(STEWARD)
def erase_subject(command: erasures.EraseSubject):
    """Erase a signatory's personal data

    Erases whoever signed with `email` (the address their request came from) under a UK GDPR Article 17(1)
    `rule`: their key is deleted, so every signature of theirs reads "erased". `not_found` if no signature
    was requested with the address, or it is already erased. Needs the steward role.
    """
    result = handlers.erase_subject(current_store(), current_signing(), command, command_meta())
    return answered(result, erasure_id=command.erasure_id)


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
