"""Free text in the pledge is kept stripped, and text that is blank once stripped is refused, naming its field."""

from __future__ import annotations

import pytest
from flask import Flask

from services.pledge import schemas
from services.pledge.domain import charters, comments, drafts, signatures
from shared import http, openapi
from shared.errors import Invalid

from .builders import (
    SALT,
    STEWARD,
    STEWARDS,
    SUBJECTS,
    T0,
    TOKEN,
    a_charter,
    a_draft,
    an_adopted_charter,
    sign_request,
    unsealed,
)

BLANK = " \t\n "


def create(title: str = "The pledge", purpose: str = "Make government interactive") -> list:
    return charters.create_charter(charters.CreateCharter("charter-9", title, purpose, STEWARD, STEWARDS))


def propose(title: str = "A draft", text: str = "We commit.", summary: str = "") -> list:
    charter = a_charter()
    command = drafts.ProposeDraft("draft-9", charter.charter_id, title, text, summary, (), "alice")
    return drafts.propose_draft(charter, {}, command, T0)


def comment(body: str) -> list:
    charter = a_charter()
    return comments.post_comment(charter, a_draft(charter), comments.PostComment("draft-1", "c1", body, "bob"), T0)


def sign(**fields: str) -> list:
    command = sign_request()
    command = signatures.RequestSignature(**{**command.__dict__, **fields})
    return signatures.request_signature(an_adopted_charter(), None, command, TOKEN, SALT, T0, subjects=SUBJECTS)


BLANK_FIELDS = {
    "charter title": (lambda: create(title=BLANK), "title"),
    "charter purpose": (lambda: create(purpose=BLANK), "purpose"),
    "draft title": (lambda: propose(title=BLANK), "title"),
    "draft text": (lambda: propose(text=BLANK), "text"),
    "comment body": (lambda: comment(BLANK), "body"),
    "organisation name": (lambda: sign(organisation_name=BLANK), "organisation_name"),
    "signatory name": (lambda: sign(signatory_name=BLANK), "signatory_name"),
    "signatory role": (lambda: sign(signatory_role=BLANK), "signatory_role"),
}


@pytest.mark.parametrize("case", BLANK_FIELDS.values(), ids=BLANK_FIELDS.keys())
def test_text_blank_once_stripped_is_refused_naming_its_field(case):
    decide, field = case

    with pytest.raises(Invalid) as refused:
        decide()

    assert (refused.value.field, refused.value.message) == (field, "must not be empty")


def test_a_charter_keeps_its_title_and_purpose_stripped():
    created = create(title="  The pledge \n", purpose="\tMake government interactive  ")[0]

    assert (created.title, created.purpose) == ("The pledge", "Make government interactive")


def test_a_charter_title_over_its_limit_is_refused_but_its_surrounding_spaces_do_not_count():
    assert create(title=" " + "x" * charters.MAX_TITLE_CHARS + " ")[0].title == "x" * charters.MAX_TITLE_CHARS

    with pytest.raises(Invalid) as refused:
        create(title="x" * (charters.MAX_TITLE_CHARS + 1))

    assert refused.value.field == "title"


def test_a_draft_keeps_its_title_text_and_summary_stripped_and_a_blank_summary_is_empty():
    proposed = propose(title=" A draft ", text="\nWe commit.\n", summary=BLANK)[0]

    assert (proposed.title, proposed.text, proposed.change_summary) == ("A draft", "We commit.", "")


def test_a_comment_keeps_its_body_stripped():
    assert comment("  Why this word?\n")[0].body == "Why this word?"


def test_a_signature_keeps_its_names_stripped_and_a_blank_statement_is_none():
    requested = sign(signatory_name=" Jane Example ", signatory_role=" Chief Executive\n", statement=BLANK)[0]

    assert (unsealed(requested)["signatory_name"], unsealed(requested)["signatory_role"], requested.statement) == (
        "Jane Example",
        "Chief Executive",
        None,
    )


def sign_body(**fields: str) -> dict:
    return {
        "version": 1,
        "organisation_name": "Leeds City Council",
        "organisation_type": "council",
        "signatory_name": "Jane Example",
        "signatory_role": "Chief Executive",
        "email": "ceo@leeds.gov.uk",
    } | fields


def post(schema: schemas.CommandBody, body: dict) -> tuple[int, dict, list]:
    """The status, reply and commands of a route that takes `schema`'s body, as shared.http answers it."""
    app, bp, got = Flask(__name__), openapi.Blueprint("drafts", __name__, area="Pledge"), []

    @bp.post("/charters/<charter_id>/drafts/<draft_id>")
    @bp.arguments(schema)
    def route(command, **_path):
        got.append(command)
        return {}

    openapi.api(app, "drafts", "", served_at=None).register_blueprint(bp)
    http.install(app)
    reply = app.test_client().post("/charters/charter-1/drafts/draft-1", json=body, headers={"X-Actor": "alice"})
    return reply.status_code, reply.get_json(), got


BODIES = {
    "charter title": (schemas.CreateCharterBody(), {"title": BLANK, "purpose": "Why"}, "title"),
    "charter purpose": (schemas.CreateCharterBody(), {"title": "The pledge", "purpose": BLANK}, "purpose"),
    "draft title": (schemas.ProposeDraftBody(), {"title": BLANK, "text": "We commit."}, "title"),
    "draft text": (schemas.ProposeDraftBody(), {"title": "A draft", "text": BLANK}, "text"),
    "comment body": (schemas.PostCommentBody(), {"body": BLANK}, "body"),
    "organisation name": (schemas.RequestSignatureBody(), sign_body(organisation_name=BLANK), "organisation_name"),
    "signatory name": (schemas.RequestSignatureBody(), sign_body(signatory_name=BLANK), "signatory_name"),
    "signatory role": (schemas.RequestSignatureBody(), sign_body(signatory_role=BLANK), "signatory_role"),
}


@pytest.mark.parametrize("case", BODIES.values(), ids=BODIES.keys())
def test_a_body_with_text_blank_once_stripped_is_a_422_naming_the_field_and_builds_no_command(case):
    schema, body, field = case

    status, reply, commands = post(schema, body)

    assert (status, reply["code"], reply["errors"]) == (422, "validation_failed", {field: ["must not be empty"]})
    assert commands == []


def test_a_body_is_stripped_as_the_domain_strips_it_so_padding_does_not_count_against_the_limit():
    title = " " + "x" * drafts.MAX_TITLE_CHARS + "\n"

    status, _, commands = post(schemas.ProposeDraftBody(), {"title": title, "text": " We commit. "})

    assert status == 200
    assert (commands[0].title, commands[0].text) == ("x" * drafts.MAX_TITLE_CHARS, "We commit.")


def test_a_quoted_passage_keeps_its_spaces_as_it_must_match_the_draft_character_for_character():
    body = {"body": "Why?", "quote": " in the open", "passage_start": 4, "passage_end": 16}

    _, _, commands = post(schemas.PostCommentBody(), body)

    assert commands[0].quote == " in the open"
