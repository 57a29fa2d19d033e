"""The pilots service's own tables of what it learnt from the log, read back into the domain's views.

`subscriptions.py` writes these tables (made by `migrations/`) from pledge and knowledge events; the command
handlers read them. Nothing here reads another service's tables or calls another service.

Organisation identity: `organisation_id` is the organisation's name as the pledge compares it for
uniqueness — NFKC-normalised, case-folded, runs of whitespace made one space
(`shared.contract.organisations.canonical_organisation`, applied to a proposal by `schemas.py`).
A signature's stream id also derives from it, but per charter version, so it cannot name an
organisation across versions; the canonical name can, and a pilot lead can type it.
"""

from __future__ import annotations

import psycopg
from psycopg_pool import ConnectionPool

from .domain.known_barriers import KnownBarrier, KnownBarriers, KnownSolution
from .domain.signatories import Signatories, Signatory

SCHEMA = "pilots"


def signatories_of(conn: psycopg.Connection, organisation: str) -> Signatories:
    """The signatories view, holding just the one organisation if the pledge events named it."""
    row = conn.execute(
        "SELECT organisation_id, organisation_name, organisation_type, live, ever_signed"
        " FROM pilots.signatories WHERE organisation_id = %s", [organisation],
    ).fetchone()
    if row is None:
        return Signatories()
    live = frozenset((charter_id, version) for charter_id, version in row[3])
    return Signatories({row[0]: Signatory(row[0], row[1], row[2], live, row[4])})


def known_barriers_of(conn: psycopg.Connection, barrier_id: str, solution_id: str | None = None) -> KnownBarriers:
    """The knowledge view holding one barrier and, if given, one solution, as far as the log told us."""
    barriers, solutions = {}, {}
    row = conn.execute("SELECT title, hidden FROM pilots.known_barriers WHERE barrier_id = %s", [barrier_id]).fetchone()
    if row is not None:
        barriers[barrier_id] = KnownBarrier(barrier_id, row[0], row[1])
    if solution_id:
        # A solution may address several barriers; the domain asks "does it belong to this one?",
        # so the row for this barrier is preferred when there is one.
        found = conn.execute(
            "SELECT barrier_id, title FROM pilots.known_solutions WHERE solution_id = %s"
            " ORDER BY barrier_id <> %s, barrier_id LIMIT 1", [solution_id, barrier_id],
        ).fetchone()
        if found is not None:
            solutions[solution_id] = KnownSolution(solution_id, found[0], found[1])
    return KnownBarriers(barriers, solutions)


def is_member(conn: psycopg.Connection, organisation: str, account_id: str) -> bool:
    """Whether the membership events confirmed `account_id` as a member of the organisation, and none ended it."""
    return conn.execute("SELECT 1 FROM pilots.members WHERE organisation_id = %s AND account_id = %s",
                        [organisation, account_id]).fetchone() is not None


def load_proposer_view(pool: ConnectionPool, organisation: str, account_id: str) -> tuple[Signatories, bool]:
    """What a proposal is decided on, read on one pooled connection: the signatories view, and membership."""
    with pool.connection() as conn:
        return signatories_of(conn, organisation), is_member(conn, organisation, account_id)


def load_known_barriers(pool: ConnectionPool, barrier_id: str, solution_id: str | None = None) -> KnownBarriers:
    """`known_barriers_of` on a pooled connection."""
    with pool.connection() as conn:
        return known_barriers_of(conn, barrier_id, solution_id)
