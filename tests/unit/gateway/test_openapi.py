"""The API document: routes declared with flask-smorest, merged by the gateway, published with what its edge adds."""

from flask import Flask, jsonify
from marshmallow import Schema, fields, validate
from openapi_spec_validator import validate as validate_openapi

from services.gateway.api.apidocs.merge import merge, service_part
from services.gateway.api.apidocs.publish import AUTHENTICATED, OPTIONAL, pruned, publish, renamed_page_ids
from shared import http, openapi

NOTE = "00000000-0000-4000-8000-000000000000"


class NoteBody(Schema):
    """A note's text."""

    text = fields.String(required=True, validate=validate.Length(min=1, max=50))


class RepliesQuery(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))


def a_service_app() -> tuple[Flask, list]:
    app = Flask("notes")
    api = openapi.api(app, "notes", "Notes.")
    bp = openapi.Blueprint("notes", __name__, area="Pledge")
    called = []

    @bp.post("/notes/<uuid:note_id>/replies")
    @bp.arguments(NoteBody)
    @bp.response(201, openapi.accepted("reply_id"))
    @bp.refuses("not_found", "conflict")
    @bp.requires("steward")
    def reply(body, note_id):
        """Reply to a note.

        Needs the steward role."""
        called.append(body)
        return jsonify({"reply_id": "r"}), 201

    @bp.get("/notes/<uuid:note_id>/replies")
    @bp.arguments(RepliesQuery, location="query")
    @bp.response(200, NoteBody(many=True))
    @bp.requires(openapi.ANYONE)
    def replies(query, note_id):
        """List a note's replies."""
        called.append(query)
        return jsonify([])

    @bp.delete("/notes/<uuid:note_id>")
    @bp.response(200, openapi.accepted("note_id"))
    def remove(note_id):
        """Remove a note."""

    api.register_blueprint(bp)
    http.install(app)
    return app, called


def service_document() -> dict:
    app, _ = a_service_app()
    return app.test_client().get("/openapi.json").get_json()


def test_a_route_documents_its_body_reply_errors_role_and_summary_from_its_decorators():
    document = service_document()

    validate_openapi(document)
    op = document["paths"]["/notes/{note_id}/replies"]["post"]
    assert (op["summary"], op["description"], op["tags"]) == ("Reply to a note.", "Needs the steward role.", ["Pledge"])
    assert op["operationId"] == "reply" and op["x-required-role"] == "steward"
    assert op["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/NoteBody"}
    assert document["components"]["schemas"]["NoteBody"]["properties"]["text"]["maxLength"] == 50
    reply = document["components"]["schemas"]["ReplyAccepted"]
    assert set(reply["required"]) == {"reply_id", "stream_id", "version", "position", "consistency_token"}
    assert op["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReplyAccepted"}
    assert op["responses"]["404"]["x-error-codes"] == ["not_found"]
    assert op["responses"]["409"]["content"]["application/json"]["example"]["code"] == "conflict"


def test_a_routes_query_parameters_are_documented_from_the_schema_it_parses_them_with():
    params = service_document()["paths"]["/notes/{note_id}/replies"]["get"]["parameters"]

    assert [(p["name"], p["in"], p["schema"]["maximum"]) for p in params] == [("limit", "query", 100)]


def test_a_bad_query_parameter_is_a_400_naming_it_and_a_bad_body_a_422_naming_its_field_and_neither_runs_the_view():
    app, called = a_service_app()
    client = app.test_client()

    bad_query = client.get(f"/notes/{NOTE}/replies?limit=1000")
    bad_field = client.post(f"/notes/{NOTE}/replies", json={"text": ""})
    not_json = client.post(f"/notes/{NOTE}/replies", data="{", content_type="application/json")
    too_deep = client.post(f"/notes/{NOTE}/replies", data="[" * 40 + "]" * 40, content_type="application/json")
    good = client.get(f"/notes/{NOTE}/replies?limit=5")

    assert (bad_query.status_code, bad_query.get_json()["code"], list(bad_query.get_json()["errors"])) == (
        400, "invalid_query", ["limit"])
    assert (bad_field.status_code, bad_field.get_json()["code"], list(bad_field.get_json()["errors"])) == (
        422, "validation_failed", ["text"])
    assert (not_json.status_code, not_json.get_json()["code"]) == (400, "malformed_json")
    assert (too_deep.status_code, too_deep.get_json()["code"]) == (400, "json_too_deep")
    assert good.status_code == 200 and called == [{"limit": 5}]


def merged() -> dict:
    part = service_part(service_document(), "notes", {"notes": "notes", "elsewhere": "other"})
    return merge({"openapi": "3.0.3", "info": {"title": "g", "version": "1"}, "paths": {},
                  "components": {"schemas": {"Error": openapi_error_schema()}}}, [part])


def openapi_error_schema() -> dict:
    return service_document()["components"]["schemas"]["Error"]


def test_a_services_commands_are_merged_under_api_v1_with_their_schemas_and_operation_ids_named_for_it():
    document = merged()

    assert set(document["paths"]) == {"/api/v1/notes/{note_id}/replies", "/api/v1/notes/{note_id}"}
    assert "get" not in document["paths"]["/api/v1/notes/{note_id}/replies"]  # the gateway serves the reads
    assert "notes.NoteBody" in document["components"]["schemas"]
    assert document["paths"]["/api/v1/notes/{note_id}"]["delete"]["operationId"] == "notes_remove"


def published(document: dict) -> dict:
    return pruned(publish(document, lambda method, path: path.endswith("/open"), "/api/v1",
                          lambda op: op == "get /api/v1/notes/{note_id}/replies",
                          lambda path: path.startswith("/api/v1/notes")))


def test_publishing_gives_each_operation_the_security_its_role_needs_and_the_errors_the_edge_answers():
    document = published(merged())

    validate_openapi(document)
    command = document["paths"]["/api/v1/notes/{note_id}/replies"]["post"]
    assert command["security"] == AUTHENTICATED
    assert command["responses"]["401"]["x-error-codes"] == ["unauthenticated", "invalid_token", "token_revoked"]
    assert set(command["responses"]["403"]["x-error-codes"]) == {"forbidden", "csrf_failed"}
    assert command["responses"]["404"]["x-error-codes"] == ["not_found"]  # its own, not repeated
    assert {"malformed_json", "json_too_deep"} <= set(command["responses"]["400"]["x-error-codes"])
    assert command["responses"]["422"]["x-error-codes"][:1] == ["validation_failed"]
    assert {"idempotency_key_reused"} <= set(command["responses"]["422"]["x-error-codes"])
    assert command["responses"]["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert "default" not in command["responses"]
    removal = document["paths"]["/api/v1/notes/{note_id}"]["delete"]
    assert removal["x-required-role"] == "account" and "403" in removal["responses"]  # csrf, not a role


def test_reads_are_open_answer_304_and_take_the_consistency_token_where_they_wait_for_it():
    document = published({"openapi": "3.0.3", "info": {"title": "g", "version": "1"}, "paths": {
        "/api/v1/notes/{note_id}/replies": {"get": {"operationId": "replies", "responses": {
            "200": {"description": "the replies"}}}},
        "/api/v1/elsewhere": {"get": {"operationId": "elsewhere", "responses": {"200": {"description": "ok"}}}}}})

    read = document["paths"]["/api/v1/notes/{note_id}/replies"]["get"]
    assert read["security"] == OPTIONAL and read["x-required-role"] == "anyone" and "304" in read["responses"]
    assert {p["name"] for p in read["parameters"]} == {"consistency_token", "as_of"}
    assert "not_yet_consistent" in read["responses"]["503"]["x-error-codes"]
    assert "parameters" not in document["paths"]["/api/v1/elsewhere"]["get"]
    assert [t["name"] for t in document["tags"]] == [
        "Pledge", "Knowledge base", "Pilots", "Accounts", "Council delivery", "Audit", "Operations"]


def test_a_command_anyone_may_send_with_the_proof_in_its_body_is_open_to_anonymous_callers():
    document = published({"openapi": "3.0.3", "info": {"title": "g", "version": "1"}, "paths": {
        "/api/v1/notes/open": {"post": {"operationId": "open", "responses": {"201": {"description": "ok"}}}}}})

    op = document["paths"]["/api/v1/notes/open"]["post"]
    assert op["security"] == OPTIONAL and "401" not in op["responses"]


def test_a_page_id_is_named_for_its_kind_whichever_service_serves_the_path():
    item = {"parameters": [{"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "post": {"operationId": "hide", "responses": {}}}
    document = renamed_page_ids({"paths": {"/api/v1/barriers/{item_id}/hide": item,
                                           "/api/v1/solutions/{item_id}/hide": item}})

    assert set(document["paths"]) == {"/api/v1/barriers/{barrier_id}/hide", "/api/v1/solutions/{solution_id}/hide"}
    assert document["paths"]["/api/v1/barriers/{barrier_id}/hide"]["parameters"][0]["name"] == "barrier_id"


def test_a_leading_path_parameter_of_a_few_values_is_spelt_out_so_each_resource_finds_its_owner():
    document = {"openapi": "3.0.3", "info": {"title": "k", "version": "1"}, "paths": {"/{kinds}/{item_id}/hide": {
        "parameters": [{"name": "kinds", "in": "path", "required": True,
                        "schema": {"type": "string", "enum": ["barriers", "solutions"]}},
                       {"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "post": {"operationId": "hide", "responses": {"201": {"description": "ok"}}}}}}

    part = service_part(document, "knowledge", {"barriers": "knowledge", "solutions": "knowledge"})

    assert set(part["paths"]) == {"/api/v1/barriers/{item_id}/hide", "/api/v1/solutions/{item_id}/hide"}
    assert [p["name"] for p in part["paths"]["/api/v1/barriers/{item_id}/hide"]["parameters"]] == ["item_id"]
    assert part["paths"]["/api/v1/barriers/{item_id}/hide"]["post"]["operationId"] == "knowledge_hide_barriers"


def test_components_no_operation_refers_to_are_left_out():
    document = pruned({"paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/A"}}}}}}}},
        "components": {"schemas": {"A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}}, "B": {},
                                   "PaginationMetadata": {}}}})

    assert set(document["components"]["schemas"]) == {"A", "B"}
