"""The error catalogue: every `code` the API answers with, its HTTP status, what it means and what it carries.

Every error reply has the one shape `{"code", "message", "errors": {field: [problems]}}` (shared/http.py);
a client branches on `code`, which stays stable, and shows `message` to people. Some codes carry more
top-level fields or headers, listed here. docs/errors.md is written from this module
(`python -m shared.error_codes > docs/errors.md`), and a test checks that every code a call site or a
domain refusal can answer is listed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    """One kind of problem: its code, the statuses it is answered with, and what else the reply carries."""

    code: str
    statuses: tuple[int, ...]
    meaning: str
    fields: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()


RETRY = ("Retry-After",)

CATALOGUE: tuple[ErrorCode, ...] = (
    ErrorCode("malformed_json", (400,), "The body is not valid JSON."),
    ErrorCode("json_too_deep", (400,), "The JSON body nests arrays and objects more than 32 levels deep."),
    ErrorCode("invalid_query", (400,), "A query parameter is missing, malformed or out of range; `errors` names it."),
    ErrorCode("invalid_idempotency_key", (400,), "The Idempotency-Key header is not 1-255 printable ASCII characters."),
    ErrorCode("invalid_consistency_token", (400,), "The consistency token is not one a command reply gave."),
    ErrorCode("bad_request", (400,), "The request cannot be read at all (a broken multipart form, say)."),
    ErrorCode("tree_size_out_of_range", (400,), "A proof was asked for a tree size the store's latest checkpoint"
              " does not reach, or that does not hold the event; `tree_size` is the latest.", fields=("tree_size",)),
    ErrorCode("unauthenticated", (401,), "Sign in or send an API token; the reply names how.",
              headers=("WWW-Authenticate",)),
    ErrorCode("invalid_token", (401,), "The Authorization header is not `Bearer <API token>`, or the token is"
              " unknown.", headers=("WWW-Authenticate",)),
    ErrorCode("token_revoked", (401,), "The API token was revoked; create a new one.", headers=("WWW-Authenticate",)),
    ErrorCode("invalid_credentials", (401, 403), "The e-mail or password is wrong (403 when changing the password"
              " of an account already signed in)."),
    ErrorCode("forbidden", (403,), "The account lacks the role, membership or ownership this needs."),
    ErrorCode("csrf_failed", (403,), "A cookie-authenticated write came without the session's CSRF token."),
    ErrorCode("unsigned_organisation", (403,), "Only an organisation with a live, verified signature may propose"
              " a pilot."),
    ErrorCode("not_a_member", (403,), "A pilot lead acts only for an organisation they belong to: claim membership"
              " with an address at one of its verified domains, or ask a steward."),
    ErrorCode("not_independent", (403,), "An outcome is verified only by a steward who is not part of the pilot."),
    ErrorCode("not_found", (404,), "Nothing exists at this path or with this id; `errors` names the id."),
    ErrorCode("unknown_barrier", (404,), "The barrier is not in the knowledge base, or is hidden."),
    ErrorCode("snapshot_not_found", (404,), "No audit snapshot has been built for this `as_of` moment."),
    ErrorCode("unknown_event", (404,), "No store's log holds an event with this `event_id`."),
    ErrorCode("method_not_allowed", (405,), "The path exists but not with this method.", headers=("Allow",)),
    ErrorCode("conflict", (409,), "The current state refuses the command: it is already done, or clashes with"
              " what happened."),
    ErrorCode("concurrency_conflict", (409,), "Another write to the same stream came first; read again and retry."),
    ErrorCode("pledge_error", (409,), "The charter, draft, signature or comment is in a state that refuses this."),
    ErrorCode("draft_already_adopted", (409,), "A draft becomes a version of its charter once; it is adopted"
              " already."),
    ErrorCode("organisation_already_recorded", (409,), "Every spelling of one name is one organisation, and this"
              " one has a record already; sign or endorse under its `organisation_id`."),
    ErrorCode("round_closed_error", (409,), "Drafting happens only while a round is open."),
    ErrorCode("already_exists", (409,), "The command would create something that is already there."),
    ErrorCode("page_is_protected", (409,), "A moderator protected the page from edits for a while."),
    ErrorCode("stale_revision", (409,), "The edit was based on an old revision: rebase it on `latest_revision`.",
              fields=("based_on_revision", "latest_revision", "changes", "diff")),
    ErrorCode("illegal_transition", (409,), "The pilot, or a barrier in it, is not in a status that allows this"
              " step."),
    ErrorCode("email_taken", (409,), "An account with this e-mail already exists."),
    ErrorCode("own_admin_role", (409,), "An admin cannot revoke their own admin role."),
    ErrorCode("idempotency_in_progress", (409,), "A request with this Idempotency-Key is still being handled."),
    ErrorCode("request_entity_too_large", (413,), "The body is larger than the limit, named in `limit_bytes`.",
              fields=("limit_bytes",)),
    ErrorCode("image_too_large", (413,), "The image is far larger than the limit, named in `limit_bytes`.",
              fields=("limit_bytes",)),
    ErrorCode("unsupported_media_type", (415,), "The body is not of the media type this operation takes."),
    ErrorCode("validation_failed", (422,), "A field of the body breaks a rule; `errors` names each field."),
    ErrorCode("token_wrong", (422,), "The mailed link's `token` is not this signature's latest: mistyped, or"
              " replaced by a fresh link."),
    ErrorCode("token_expired", (422,), "The mailed verification link's `token` has expired; ask for a fresh link."),
    ErrorCode("image_rejected", (422,), "The upload is not an image we accept: wrong content, broken or too large."),
    ErrorCode("milestone_before_start", (422,), "A milestone cannot fall due before its pilot starts."),
    ErrorCode("outside_pilot_dates", (422,), "A report or reading is dated before its pilot started, after it"
              " ended, or in the future."),
    ErrorCode("unit_changed", (422,), "A metric keeps the unit of its first reading."),
    ErrorCode("csv_rejected", (422,), "Lines of the CSV file break the rules, so none of it was taken;"
              " `rows` gives each problem's line, field and message.", fields=("rows",)),
    ErrorCode("reason_required", (422,), "Skipping a parked event needs a reason."),
    ErrorCode("idempotency_key_reused", (422,), "This Idempotency-Key was used with a different request."),
    ErrorCode("rate_limited", (429,), "Too many attempts (writes, sign-ins, signatures) in the recent window;"
              " retry after `Retry-After` seconds.", headers=RETRY),
    ErrorCode("internal_server_error", (500,), "A fault on our side; report it with the reply's X-Request-Id."),
    ErrorCode("bad_gateway", (502,), "A service behind the gateway gave an answer that is not JSON.", headers=RETRY),
    ErrorCode("unavailable", (503, 504), "The database or a service is busy or out of reach, and nothing was done.",
              headers=RETRY),
    ErrorCode("not_delivered", (503,), "A service could not be reached, so the command was not delivered.",
              headers=RETRY),
    ErrorCode("not_yet_consistent", (503,), "The read model has not caught up with the consistency token yet."),
    ErrorCode("log_broken", (503,), "A store's events do not follow on from those its checkpoints cover (a gap or a"
              " broken link), so no checkpoint or proof is given; `charter audit verify` names where."),
    ErrorCode("too_many_streams", (503,), "Every event-stream slot is taken; reconnect shortly.", headers=RETRY),
    ErrorCode("outcome_unknown", (503, 504), "Whether the command was applied is unknown; retrying with the same"
              " Idempotency-Key is safe.", headers=RETRY),
)
CODES: dict[str, ErrorCode] = {entry.code: entry for entry in CATALOGUE}


def markdown() -> str:
    """docs/errors.md: the catalogue as a page for integrators."""
    lines = [
        "# Error codes",
        "",
        "<!-- Written by `python -m shared.error_codes > docs/errors.md` from shared/error_codes.py. -->",
        "",
        "Every error reply of the API has one shape:",
        "",
        "```json",
        '{"code": "validation_failed", "message": "the request body has invalid fields",'
        ' "errors": {"text": ["Missing data for required field."]}}',
        "```",
        "",
        "Branch on `code`: it is stable, one per kind of problem, the same in every part of the API."
        " `message` is a sentence for people and may change. `errors` names each field in trouble"
        " (`_schema` for the body as a whole) and is `{}` when no field is. Codes below that carry more"
        " say so; an error never writes anything.",
        "",
        "| code | status | meaning | also carries |",
        "|---|---|---|---|",
    ]
    for entry in CATALOGUE:
        extra = [f"`{name}`" for name in entry.fields] + [f"header `{name}`" for name in entry.headers]
        statuses = ", ".join(str(status) for status in entry.statuses)
        lines.append(f"| `{entry.code}` | {statuses} | {entry.meaning} | {', '.join(extra)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
