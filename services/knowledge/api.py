"""HTTP routes of the knowledge service: thin, each one body (its command) → handler → reply.

The service's blueprint is `edge.bp`; this module adds the barrier and solution routes, and importing
it brings the page routes (page_api.py) and photo routes (photo_api.py) that every page takes.
"""

from __future__ import annotations

import uuid

from shared.http import command_meta
from shared.openapi import ACCOUNT
from shared.service import current_store

from . import handlers, page_api, photo_api, schemas
from .domain import barriers, solutions
from .edge import EDITS_REFUSED, accepted, bp

__all__ = ["bp", "page_api", "photo_api"]


@bp.post("/barriers")
@bp.arguments(schemas.ProposeBarrierBody())
@bp.response(201, schemas.BarrierRevised, description="the barrier is proposed, at revision 1")
@bp.requires(ACCOUNT)
def propose_barrier(command: barriers.ProposeBarrier):
    """Propose a barrier

    Adds a new page to the knowledge base: something that stands in the way of interactive working,
    with its category and tags. It starts at revision 1 and anyone signed in can edit it from there.
    Needs an account. The reply names the new `barrier_id`.
    """
    barrier_id = str(uuid.uuid4())
    return accepted(handlers.propose_barrier(current_store(), barrier_id, command, command_meta()),
                    barrier_id=barrier_id, revision=1)


@bp.post("/barriers/<uuid:barrier_id>/edits")
@bp.arguments(schemas.EditBarrierBody())
@bp.response(201, schemas.BarrierRevised, description="the edit is the barrier's new revision (or, when it"
             " changes nothing, the current revision is answered)")
@bp.refuses(*EDITS_REFUSED)
@bp.requires(ACCOUNT)
def edit_barrier(command: barriers.EditBarrier, barrier_id):
    """Edit a barrier

    Saves the whole page as its next revision. Send `based_on_revision`, the revision you saw: if
    someone edited the page since, the edit is refused with 409 `stale_revision`, which carries
    `latest_revision`, the `changes` made since and a word `diff` of them, so you can rebase. A page
    a moderator protected or hid refuses edits by anyone but a moderator. Needs an account.
    """
    result, revision = handlers.edit_barrier(current_store(), str(barrier_id), command, command_meta())
    return accepted(result, barrier_id=str(barrier_id), revision=revision)


@bp.post("/solutions")
@bp.arguments(schemas.ProposeSolutionBody())
@bp.response(201, schemas.SolutionRevised, description="the solution is proposed, at revision 1")
@bp.refuses("not_found", "conflict")
@bp.requires(ACCOUNT)
def propose_solution(command: solutions.ProposeSolution):
    """Propose a solution

    Adds a page describing what worked against one or more barriers (`barrier_ids`, each of which
    must exist and be visible: 404 `not_found` or 409 `conflict` naming `barrier_ids` otherwise),
    with its steps and the organisations that used it. Needs an account. The reply names the new
    `solution_id`.
    """
    solution_id = str(uuid.uuid4())
    return accepted(handlers.propose_solution(current_store(), solution_id, command, command_meta()),
                    solution_id=solution_id, revision=1)


@bp.post("/solutions/<uuid:solution_id>/edits")
@bp.arguments(schemas.EditSolutionBody())
@bp.response(201, schemas.SolutionRevised, description="the edit is the solution's new revision (or, when it"
             " changes nothing, the current revision is answered)")
@bp.refuses(*EDITS_REFUSED)
@bp.requires(ACCOUNT)
def edit_solution(command: solutions.EditSolution, solution_id):
    """Edit a solution

    Saves the whole page as its next revision, based on `based_on_revision` as for barriers (409
    `stale_revision` with the diff when stale); a barrier it newly names must exist and be visible.
    Needs an account.
    """
    result, revision = handlers.edit_solution(current_store(), str(solution_id), command, command_meta())
    return accepted(result, solution_id=str(solution_id), revision=revision)
