"""A schema's @post_load builds the command: from the body, the path's ids and who acts (shared.http.CommandBody)."""

from dataclasses import dataclass

from flask import Flask
from marshmallow import fields

from shared import http, openapi
from shared.http import CommandBody


@dataclass(frozen=True)
class RenameThing:
    thing_id: str
    name: str
    actor: str
    tags: tuple[str, ...] = ()
    actor_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class MakeThing:
    thing_id: str
    name: str
    actor: str


class NameBody(CommandBody):
    name = fields.String(required=True)
    tags = fields.List(fields.String(), load_default=list)
    actor = fields.String(load_default="")


class MakeThingBody(CommandBody):
    command, fresh_ids = MakeThing, ("thing_id",)
    name = fields.String(required=True)


def post(path: str, schema: CommandBody, body: dict, headers: dict | None = None):
    """The command a route on `/things/<uuid:thing_id>` (or `/things`) gets from `schema`."""
    app, bp, got = Flask(__name__), openapi.Blueprint("things", __name__, area="Pledge"), []

    @bp.post("/things")
    @bp.post("/things/<uuid:thing_id>")
    @bp.arguments(schema)
    def route(command, **path):
        got.append(command)
        return {}

    openapi.api(app, "things", "", served_at=None).register_blueprint(bp)
    http.install(app)
    app.test_client().post(path, json=body, headers=headers or {})
    return got[0]


def test_a_command_is_built_from_the_body_the_path_id_and_who_acts():
    thing_id = "5f0c7a52-3f44-4b83-9f5a-0c8a4e8e2b11"

    command = post(f"/things/{thing_id}", NameBody(RenameThing), {"name": "lamp", "tags": ["a", "b"]},
                   {"X-Actor": "alice", "X-Actor-Roles": "steward"})

    assert command == RenameThing(thing_id, "lamp", "alice", ("a", "b"), frozenset({"steward"}))


def test_who_acts_comes_from_the_gateways_headers_never_from_the_body():
    command = post("/things/5f0c7a52-3f44-4b83-9f5a-0c8a4e8e2b11", NameBody(RenameThing),
                   {"name": "lamp", "actor": "mallory"}, {"X-Actor": "alice"})

    assert command.actor == "alice"


def test_an_id_the_command_creates_is_new_for_each_request():
    first = post("/things", MakeThingBody(), {"name": "lamp"})
    second = post("/things", MakeThingBody(), {"name": "lamp"})

    assert first.thing_id != second.thing_id
    assert (first.name, first.actor) == ("lamp", "anonymous")
