"""HTTP routes of the knowledge service: thin, each one body (its command) → handler → reply.

The service's blueprint is `edge.bp`; this module adds the barrier and solution routes, and importing
it brings the page routes (page_api.py) and photo routes (photo_api.py) that every page takes.
"""

from __future__ import annotations

import uuid

from shared.http import command_meta
from shared.service import current_store

from . import handlers, page_api, photo_api, schemas
from .domain import barriers, solutions
from .edge import accepted, bp

__all__ = ["bp", "page_api", "photo_api"]


@bp.post("/barriers")
@bp.arguments(schemas.ProposeBarrierBody())
def propose_barrier(command: barriers.ProposeBarrier):
    """Propose a new barrier (revision 1)."""
    barrier_id = str(uuid.uuid4())
    return accepted(handlers.propose_barrier(current_store(), barrier_id, command, command_meta()),
                    barrier_id=barrier_id, revision=1)


@bp.post("/barriers/<uuid:barrier_id>/edits")
@bp.arguments(schemas.EditBarrierBody())
def edit_barrier(command: barriers.EditBarrier, barrier_id):
    """Edit a barrier as a new revision, based on the revision the editor saw (409 if stale)."""
    result, revision = handlers.edit_barrier(current_store(), str(barrier_id), command, command_meta())
    return accepted(result, barrier_id=str(barrier_id), revision=revision)


@bp.post("/solutions")
@bp.arguments(schemas.ProposeSolutionBody())
def propose_solution(command: solutions.ProposeSolution):
    """Propose a solution to one or more existing barriers."""
    solution_id = str(uuid.uuid4())
    return accepted(handlers.propose_solution(current_store(), solution_id, command, command_meta()),
                    solution_id=solution_id, revision=1)


@bp.post("/solutions/<uuid:solution_id>/edits")
@bp.arguments(schemas.EditSolutionBody())
def edit_solution(command: solutions.EditSolution, solution_id):
    """Edit a solution as a new revision, based on the revision the editor saw (409 if stale)."""
    result, revision = handlers.edit_solution(current_store(), str(solution_id), command, command_meta())
    return accepted(result, solution_id=str(solution_id), revision=revision)
