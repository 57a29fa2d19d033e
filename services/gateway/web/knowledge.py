"""The knowledge base to read: browse by category, search, barrier and solution pages, their history and diffs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request

from shared.contract.vocabulary import CATEGORIES
from shared.db import one
from shared.textdiff import diff_words

from ..edge.paging import page_args
from ..readmodels.knowledge import text_fields
from ..readmodels.knowledge_reads import (
    KINDS,
    PAGE,
    REVISIONS,
    SEARCH,
    SOLUTIONS_OF,
    carried,
    filter_clauses,
    filters,
    page_view,
    public,
    require_page,
    revision_number,
)
from .knowledge_state import reader_state
from .web import Form, Ui, page

PAGE_PATH = "/<any(barriers, solutions):kinds>/<uuid:item_id>"
FORMS = ("flag", "endorse", "photo", "moderate", "comment", "withdraw", "watch", "protect", "unprotect", "revert")
EVIDENCE = ("SELECT pilot_id, pilot_title, organisation, solution_id, solution_title, at FROM kb_evidence"
            " WHERE barrier_id = %s ORDER BY at")
TITLES = "SELECT item_id, title FROM kb_pages WHERE item_id = ANY(%s) AND NOT hidden"


def as_read(cur, fields: dict[str, str], content: dict[str, Any]) -> dict[str, str]:
    """A revision's text fields as a reader compares them: a barrier's category in words, and the barriers a
    solution solves named by title, not id."""
    if "category" in fields:
        fields = fields | {"category": category_name(fields["category"])}
    if "barrier_ids" not in fields:
        return fields
    titles = {r["item_id"]: r["title"] for r in cur.execute(TITLES, [content["barrier_ids"]])}
    named = "; ".join(titles.get(i, "a barrier no longer listed") for i in content["barrier_ids"])
    return {("barriers" if k == "barrier_ids" else k): named if k == "barrier_ids" else v for k, v in fields.items()}


def category_name(category: str | None) -> str:
    """A category as people read it."""
    return (category or "").replace("_", " ").capitalize()


def knowledge_page(ui: Ui, kinds: str, item_id: str, status: int = 200, **forms: Form):
    """A barrier's or solution's page, with any forms that need their errors shown."""
    kind = KINDS[kinds]
    with ui.cursor() as cur:
        row = require_page(cur, kind, item_id)
        if kind == "barrier":
            related = cur.execute(SOLUTIONS_OF, [item_id]).fetchall()
            evidence = cur.execute(EVIDENCE, [item_id]).fetchall()
        else:
            related = cur.execute("SELECT item_id AS barrier_id, title, category FROM kb_pages p"
                                  " WHERE p.item_id = ANY(%s) AND NOT p.hidden AND p.revision IS NOT NULL"
                                  " ORDER BY title", [row["barrier_ids"]]).fetchall()
            evidence = []
        extras = carried(cur, item_id)
        state = reader_state(cur, item_id)
    return page("knowledge/page.html", status, kind=kind, kinds=kinds, item=page_view(row) | extras,
                item_id=item_id, related=related, evidence=evidence, category_name=category_name, **state,
                forms={name: forms.get(name, Form()) for name in FORMS})


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the knowledge base's reading pages."""

    @bp.get("/knowledge")
    def browse():
        limit, offset = page_args()
        f: dict[str, Any] = filters(request.args)
        f |= {"kind": f["kind"] or "barrier", "limit": limit, "offset": offset}
        where = " AND ".join(filter_clauses(f))
        with ui.cursor() as cur:
            rows = cur.execute(f"{PAGE} WHERE {where} ORDER BY p.updated_at DESC, p.item_id"
                               " LIMIT %(limit)s OFFSET %(offset)s", f).fetchall()
            total = one(cur.execute(f"SELECT count(*) AS n FROM kb_pages p WHERE {where}", f))["n"]
        return page("knowledge/browse.html", items=[page_view(r) for r in rows], total=total, limit=limit,
                    offset=offset, filters=f, categories=CATEGORIES, category_name=category_name)

    @bp.get("/knowledge/search")
    def search():
        q = request.args.get("q", "").strip()[:200]
        if not q:
            return page("knowledge/search.html", q=q, items=[], total=0, limit=20, offset=0)
        limit, offset = page_args()
        f = filters(request.args) | {"q": q, "limit": limit, "offset": offset}
        sql = SEARCH.format(where=" AND ".join(filter_clauses(f)))
        with ui.cursor() as cur:
            rows = cur.execute(sql + " LIMIT %(limit)s OFFSET %(offset)s", f).fetchall()
            total = one(cur.execute(f"SELECT count(*) AS n FROM ({sql}) found", f))["n"]
        return page("knowledge/search.html", q=q, items=rows, total=total, limit=limit, offset=offset)

    @bp.get(PAGE_PATH)
    def knowledge_item(kinds, item_id):
        return knowledge_page(ui, kinds, str(item_id))

    @bp.get(f"{PAGE_PATH}/history")
    def history(kinds, item_id):
        limit, offset = page_args()
        with ui.cursor() as cur:
            row = require_page(cur, KINDS[kinds], str(item_id))
            rows = cur.execute(REVISIONS.format(content="") + " ORDER BY number DESC LIMIT %s OFFSET %s",
                               [str(item_id), limit, offset]).fetchall()
        return page("knowledge/history.html", kinds=kinds, item=page_view(row), item_id=str(item_id),
                    revisions=[public(r) for r in rows], total=row["revision_count"], limit=limit, offset=offset)

    @bp.get(f"{PAGE_PATH}/diff")
    def diff(kinds, item_id):
        kind, older, newer = KINDS[kinds], revision_number(request.args, "from"), revision_number(request.args, "to")
        with ui.cursor() as cur:
            row = require_page(cur, kind, str(item_id))
            found = {r["revision"]: r for r in cur.execute(
                REVISIONS.format(content=", content") + " AND number = ANY(%s) AND NOT hidden",
                [str(item_id), [older, newer]])}
            if older not in found or newer not in found:
                abort(404, "One of these revisions does not exist or is hidden.")
            old_text, new_text = (as_read(cur, text_fields(kind, found[n]["content"]), found[n]["content"])
                                  for n in (older, newer))
        fields = {name: diff_words(old_text[name], text) for name, text in new_text.items()}
        return page("knowledge/diff.html", kinds=kinds, item=page_view(row), item_id=str(item_id), older=found[older],
                    newer=found[newer], fields=fields)
