from flask import Blueprint, Flask
from marshmallow import Schema, fields, validate
from openapi_spec_validator import validate as validate_openapi

from services.gateway.api.apidocs.merge import merge, service_part
from shared.http import validated
from shared.openapi import add_routes, all_refs, new_spec, openapi_path


class NoteBody(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=50))


def a_service_app() -> Flask:
    app = Flask("notes")
    bp = Blueprint("notes", __name__)

    @bp.post("/notes/<uuid:note_id>/replies")
    @validated(NoteBody())
    def reply(body, note_id):
        """Reply to a note."""

    @bp.delete("/notes/<uuid:note_id>")
    def remove(note_id):
        """Remove a note."""

    @bp.post("/elsewhere")
    def not_forwarded():
        """A route of a resource the gateway does not route to this service."""

    app.register_blueprint(bp)
    return app


def service_document() -> dict:
    app = a_service_app()
    spec = new_spec("notes")
    add_routes(spec, app, include=lambda rule, method: method != "get")
    return spec.to_dict()


def test_flask_rules_become_openapi_paths_with_typed_path_parameters():
    path, params = openapi_path("/pilots/<uuid:pilot_id>/<any(milestones, metrics):kind>.csv")

    assert path == "/pilots/{pilot_id}/{kind}.csv"
    assert params[0]["schema"] == {"type": "string", "format": "uuid"}
    assert params[1]["schema"] == {"type": "string", "enum": ["milestones", "metrics"]}


def test_a_services_document_describes_each_command_with_its_validated_body_schema():
    document = service_document()

    validate_openapi(document)
    op = document["paths"]["/notes/{note_id}/replies"]["post"]
    assert op["summary"] == "Reply to a note."
    assert op["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/NoteBody"}
    assert document["components"]["schemas"]["NoteBody"]["properties"]["text"]["maxLength"] == 50


def test_a_services_commands_are_merged_under_api_v1_with_their_schemas_renamed():
    part = service_part(service_document(), "notes", {"notes": "notes", "elsewhere": "other"})

    merged = merge(new_spec("gateway").to_dict(), [part])

    validate_openapi(merged)
    assert set(merged["paths"]) == {"/api/v1/notes/{note_id}/replies", "/api/v1/notes/{note_id}"}
    assert "notes.NoteBody" in merged["components"]["schemas"]
    schemas = {"#/components/schemas/" + n for n in merged["components"]["schemas"]}
    assert set(all_refs(merged)) <= schemas
    assert merged["paths"]["/api/v1/notes/{note_id}"]["delete"]["operationId"].startswith("notes_")


def test_a_path_the_gateway_serves_itself_keeps_its_own_operations_when_merged():
    base = {"openapi": "3.0.3", "info": {"title": "g", "version": "1"},
            "paths": {"/api/v1/notes/{note_id}": {
                "get": {"summary": "read", "responses": {"200": {"description": "ok"}}}}}}
    part = service_part(service_document(), "notes", {"notes": "notes"})

    merged = merge(base, [part])

    assert set(merged["paths"]["/api/v1/notes/{note_id}"]) >= {"get", "delete"}


def test_a_leading_path_parameter_of_a_few_values_is_spelt_out_so_each_resource_finds_its_owner():
    document = {"openapi": "3.0.3", "info": {"title": "k", "version": "1"}, "paths": {"/{kinds}/{item_id}/hide": {
        "parameters": [{"name": "kinds", "in": "path", "required": True,
                        "schema": {"type": "string", "enum": ["barriers", "solutions"]}},
                       {"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "post": {"operationId": "hide", "responses": {"2XX": {"description": "ok"}}}}}}

    part = service_part(document, "knowledge", {"barriers": "knowledge", "solutions": "knowledge"})

    assert set(part["paths"]) == {"/api/v1/barriers/{item_id}/hide", "/api/v1/solutions/{item_id}/hide"}
    assert [p["name"] for p in part["paths"]["/api/v1/barriers/{item_id}/hide"]["parameters"]] == ["item_id"]
    assert part["paths"]["/api/v1/barriers/{item_id}/hide"]["post"]["operationId"] == "knowledge_hide_barriers"
