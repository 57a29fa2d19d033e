"""The home page and the list of charters."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from shared.contract.vocabulary import ORGANISATION_TYPES
from shared.db import DictCursor, one

from ..edge.paging import page_args
from ..readmodels import pilot_reads, pledge_reads
from ..readmodels.knowledge_reads import PAGE, filter_clauses, page_view
from .web import Ui, page

# The charter the home page features: the first one created that has adopted a version (else the first one).
FEATURED = ("SELECT c.charter_id FROM charters c ORDER BY EXISTS (SELECT 1 FROM charter_versions v"
            " WHERE v.charter_id = c.charter_id) DESC, c.created_at, c.charter_id LIMIT 1")
NO_FILTER = {"category": None, "tag": None, "kind": "barrier"}
# The newest charters, each with its open round (from CHARTER) and the number of its latest adopted version.
PHASES = (f"SELECT c.*, (SELECT max(v.version) FROM charter_versions v WHERE v.charter_id = c.charter_id)"
          f" AS adopted_version FROM ({pledge_reads.CHARTER}) c ORDER BY c.created_at DESC, c.charter_id LIMIT %s")
SHOWN_PHASES = 5


def charter_summary(cur: DictCursor, charter_id: str) -> dict[str, Any] | None:
    """A charter with its open round, current adopted version and signatories by kind of organisation."""
    charter = cur.execute(pledge_reads.CHARTER + " WHERE charter_id = %s", [charter_id]).fetchone()
    if charter is None:
        return None
    current = pledge_reads.version(cur, charter_id)
    counts = dict.fromkeys(ORGANISATION_TYPES, 0)
    if current is not None:
        counts |= {r["organisation_type"]: r["n"] for r in cur.execute(pledge_reads.COUNTS,
                                                                        [charter_id, current["version"]])}
    return charter | {"open_round": pledge_reads.open_round(charter), "current_version": current,
                      "signatories": counts, "signatory_total": sum(counts.values())}


def newest_barriers(cur: DictCursor, limit: int = 5) -> list[dict[str, Any]]:
    """The most recently changed visible barriers."""
    where = " AND ".join(filter_clauses(NO_FILTER))
    rows = cur.execute(f"{PAGE} WHERE {where} ORDER BY p.updated_at DESC, p.item_id LIMIT %(limit)s",
                       NO_FILTER | {"limit": limit}).fetchall()
    return [page_view(r) for r in rows]


def charter_phases(cur: DictCursor, limit: int = SHOWN_PHASES) -> tuple[list[dict[str, Any]], int]:
    """The newest charters with where each stands (its open round, its adopted version), and how many there are."""
    rows = cur.execute(PHASES, [limit]).fetchall()
    total = one(cur.execute("SELECT count(*) AS n FROM charters"))["n"]
    return [r | {"open_round": pledge_reads.open_round(r)} for r in rows], total


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the home page, the page saying how the site works, and the charters list."""

    @bp.get("/")
    def home():
        with ui.cursor() as cur:
            featured = cur.execute(FEATURED).fetchone()
            charter = charter_summary(cur, featured["charter_id"]) if featured else None
            barriers = newest_barriers(cur)
            pilots, _ = pilot_reads.dashboard(cur, "active", None, 5, 0)
            phases, charter_total = charter_phases(cur)
        return page("home.html", charter=charter, barriers=barriers, pilots=pilots, phases=phases,
                    charter_total=charter_total)

    @bp.get("/about")
    def about():
        return page("about.html")

    @bp.get("/charters")
    def charters():
        limit, offset = page_args()
        with ui.cursor() as cur:
            items = cur.execute(pledge_reads.CHARTER + " ORDER BY created_at, charter_id LIMIT %s OFFSET %s",
                                [limit, offset]).fetchall()
            total = one(cur.execute("SELECT count(*) AS n FROM charters"))["n"]
        return page("charters.html", items=items, total=total, limit=limit, offset=offset)
