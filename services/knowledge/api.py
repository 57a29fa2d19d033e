"""HTTP routes of the knowledge service: thin, each one body → command → handler → reply."""

from __future__ import annotations

import uuid

from flask import Blueprint, jsonify, request

from shared.config import Settings
from shared.eventstore import EventStore
from shared.http import RequestRefused, actor_roles, command_meta, validated

from . import handlers, page_api, photo_api, schemas
from .conflicts import EditConflict, conflict_body
from .domain import barriers, solutions
from .domain.model import BARRIER, SOLUTION
from .edge import accepted, actor

SOLUTION_LISTS = ("barrier_ids", "steps", "organisations", "tags")


def blueprint(store: EventStore, settings: Settings) -> Blueprint:
    """The knowledge service's command routes, bound to its event store."""
    bp = Blueprint("knowledge", __name__)

    @bp.before_request
    def _signed_in() -> None:
        if request.method == "POST" and actor() == "anonymous":
            raise RequestRefused(401, "unauthenticated", "sign in to change the knowledge base")

    bp.register_error_handler(EditConflict, lambda exc: (jsonify(conflict_body(exc)), 409))

    @bp.post("/barriers")
    @validated(schemas.ProposeBarrierBody())
    def propose_barrier(body):
        """Propose a new barrier (revision 1)."""
        barrier_id = str(uuid.uuid4())
        command = barriers.ProposeBarrier(actor(), **as_tuples(body, "tags"))
        return accepted(handlers.propose_barrier(store, barrier_id, command, command_meta()),
                        barrier_id=barrier_id, revision=1)

    @bp.post("/barriers/<uuid:barrier_id>/edits")
    @validated(schemas.EditBarrierBody())
    def edit_barrier(body, barrier_id):
        """Edit a barrier as a new revision, based on the revision the editor saw (409 if stale)."""
        command = barriers.EditBarrier(actor(), **as_tuples(body, "tags"), actor_roles=actor_roles())
        result, revision = handlers.revise_page(store, BARRIER, str(barrier_id), barriers.decide_edit_barrier,
                                                command, command_meta())
        return accepted(result, barrier_id=str(barrier_id), revision=revision)

    @bp.post("/solutions")
    @validated(schemas.ProposeSolutionBody())
    def propose_solution(body):
        """Propose a solution to one or more existing barriers."""
        solution_id = str(uuid.uuid4())
        command = solutions.ProposeSolution(actor(), **as_tuples(body, *SOLUTION_LISTS))
        return accepted(handlers.propose_solution(store, solution_id, command, command_meta()),
                        solution_id=solution_id, revision=1)

    @bp.post("/solutions/<uuid:solution_id>/edits")
    @validated(schemas.EditSolutionBody())
    def edit_solution(body, solution_id):
        """Edit a solution as a new revision, based on the revision the editor saw (409 if stale)."""
        command = solutions.EditSolution(actor(), **as_tuples(body, *SOLUTION_LISTS), actor_roles=actor_roles())
        result, revision = handlers.revise_page(store, SOLUTION, str(solution_id), solutions.decide_edit_solution,
                                                command, command_meta())
        return accepted(result, solution_id=str(solution_id), revision=revision)

    page_api.register(bp, store)
    photo_api.register(bp, store, settings)
    return bp


def as_tuples(body: dict, *names: str) -> dict:
    """The body with the named lists as the tuples commands hold (ids as strings)."""
    return body | {name: tuple(str(v) for v in body[name]) for name in names}
