"""People named in API replies: beside each field that holds an account id, an object with the id and the
person's display name, looked up in the gateway's own accounts as the reply is made.

Names are never in the events (they are personal data, and the log is immutable), so they are joined in
at read time, here, once for every read route. The id field stays as it was, so existing clients keep
working: `"author": "<id>"` gains `"author_person": {"id": "<id>", "name": "Sam"}`, and a list of ids
(`leads`) gains `leads_people`. This runs before the ETag is taken, so a renamed person changes the tag.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask, Response, request
from marshmallow import Schema, fields

from ..identity.names import is_account_id, shown

PREFIX = "/api/v1/"


class Person(Schema):
    """Who an account id names, added beside the id by the gateway as the reply is made."""

    id = fields.String(required=True, metadata={"description": "the account id, as in the field beside"})
    name = fields.String(required=True, metadata={"description": "their display name (\"a former participant\" once"
                                                                 " the account is gone)"})


def person(field: str) -> fields.Nested:
    """The `<field>_person` beside a field holding an account id: present whenever the reply names anyone."""
    return fields.Nested(Person, metadata={"description": f"who `{field}` is"})
AS_LOGGED = ("/api/v1/audit/", "/api/v1/webhooks", "/api/v1/events/")  # the log as it is, for auditors and councils
PERSON_FIELDS = frozenset({
    "author", "actor", "moderator", "rater", "posted_by", "endorsed_by", "flagged_by", "approved_by", "verified_by",
    "recorded_by", "reported_by", "proposed_by", "created_by", "attached_by", "dismissed_by", "changed_by",
    "member",
    "steward", "user",
})
PEOPLE_FIELDS = frozenset({"leads"})
Names = Callable[[list[str]], dict[str, str]]


def ids_named(value: Any) -> Iterator[str]:
    """Every account id held by a person field anywhere in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in PERSON_FIELDS and isinstance(item, str) and is_account_id(item):
                yield item
            elif key in PEOPLE_FIELDS and isinstance(item, list):
                yield from (i for i in item if isinstance(i, str) and is_account_id(i))
            else:
                yield from ids_named(item)
    elif isinstance(value, list):
        for item in value:
            yield from ids_named(item)


def with_names(value: Any, names: dict[str, str]) -> Any:
    """The JSON value with `<field>_person` (and `<field>_people`) objects beside its person fields."""
    if isinstance(value, list):
        return [with_names(item, names) for item in value]
    if not isinstance(value, dict):
        return value
    named: dict[str, Any] = {}
    for key, item in value.items():
        named[key] = with_names(item, names)
        if key in PERSON_FIELDS and isinstance(item, str) and f"{key}_person" not in value:
            named[f"{key}_person"] = {"id": item, "name": shown(item, names)}
        elif key in PEOPLE_FIELDS and isinstance(item, list) and f"{key}_people" not in value:
            named[f"{key}_people"] = [{"id": i, "name": shown(i, names)} for i in item if isinstance(i, str)]
    return named


def install(app: Flask, names: Names) -> None:
    """Add the after_request hook that names the people in JSON read replies (register it after the ETag's)."""

    @app.after_request
    def _name_people(response: Response) -> Response:
        if (request.method != "GET" or not request.path.startswith(PREFIX) or request.path.startswith(AS_LOGGED)
                or response.status_code != 200
                or response.mimetype != "application/json" or response.is_streamed or response.direct_passthrough):
            return response
        body = response.get_json(silent=True)
        ids = sorted(set(ids_named(body)))
        if not ids:
            return response
        response.set_data(json.dumps(with_names(body, names(ids)), ensure_ascii=False, default=str))
        return response
