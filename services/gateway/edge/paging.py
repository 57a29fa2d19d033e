"""Paged lists: `?limit=&offset=`, validated, with the total so clients can show pages."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import Schema, fields, validate

from shared.http import RequestRefused

MAX_LIMIT = 100


class PageQuery(Schema):
    """`?limit=&offset=` of a paged list."""

    limit = fields.Integer(load_default=20, validate=validate.Range(1, MAX_LIMIT),
                           metadata={"description": "how many items to answer"})
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10**9),
                            metadata={"description": "how many items to skip"})


def page_of(item: type[Schema], name: str, doc: str = "") -> type[Schema]:
    """The reply schema of a paged list of `item`s (see `page`)."""
    schema = Schema.from_dict({
        "items": fields.List(fields.Nested(item), required=True),
        "total": fields.Integer(required=True, metadata={"description": "how many items there are in all"}),
        "limit": fields.Integer(required=True), "offset": fields.Integer(required=True)}, name=name)
    schema.__doc__ = doc or f"A page of a list: {(item.__doc__ or '').strip().rstrip('.')}."
    return schema


def page_args() -> tuple[int, int]:
    """The requested limit and offset, or a 400 naming the bad one."""
    values = {}
    for name, default, lo, hi in (("limit", 20, 1, MAX_LIMIT), ("offset", 0, 0, 10**9)):
        raw = request.args.get(name, str(default))
        if not raw.isdigit() or not lo <= int(raw) <= hi:
            raise RequestRefused(400, "invalid_query", f"{name} must be an integer from {lo} to {hi}",
                                 {name: [f"must be an integer from {lo} to {hi}"]})
        values[name] = int(raw)
    return values["limit"], values["offset"]


def page(items: list[dict[str, Any]], total: int, limit: int, offset: int) -> dict[str, Any]:
    """The body of a paged list."""
    return {"items": items, "total": total, "limit": limit, "offset": offset}
