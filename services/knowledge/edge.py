"""What every knowledge route shares: the blueprint, who may write, and the reply to a command."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from flask import jsonify, request

from shared.eventstore import AppendResult
from shared.http import RequestRefused, actor
from shared.openapi import Blueprint

from .conflicts import EditConflict, conflict_body
from .domain.model import BARRIER, SOLUTION

# The knowledge service's one blueprint: api.py, page_api.py and photo_api.py add their routes to it.
bp = Blueprint("knowledge", __name__, area="Knowledge base")
PAGE = "/<any(barriers, solutions):kinds>/<uuid:item_id>"
KIND = {"barriers": BARRIER, "solutions": SOLUTION}
# What a new revision of a page can be refused with: no such page (or revision), hidden, protected, stale,
# or another write to the page came first.
EDITS_REFUSED = ("not_found", "conflict", "page_is_protected", "stale_revision", "concurrency_conflict")


@bp.before_request
def _signed_in() -> None:
    if request.method == "POST" and actor() == "anonymous":
        raise RequestRefused(401, "unauthenticated", "sign in to change the knowledge base")


bp.register_error_handler(EditConflict, lambda exc: (jsonify(conflict_body(exc)), 409))


def accepted(result: AppendResult, status: int = 201, **ids) -> tuple:
    """The reply to a command: the ids it names and where its events landed (201, or 200 for a change)."""
    return jsonify(ids | asdict(result)), status


def page(kinds: str, item_id: uuid.UUID) -> tuple[str, str]:
    """The page a route's path names: its kind (barrier or solution) and its id."""
    return KIND[kinds], str(item_id)


def on_page(result: AppendResult, kind: str, item_id: str, status: int = 201, **ids) -> tuple:
    """The reply to a command on a page: `<kind>_id`, the other ids, and where its events landed."""
    return accepted(result, status, **{f"{kind}_id": item_id}, **ids)


def changed(result: AppendResult, kind: str, item_id: str) -> tuple:
    """The reply to a command that changes a page without adding to it (hide, protect, withdraw...): 200."""
    return on_page(result, kind, item_id, 200)
