"""Your signatures: every signature you requested while signed in, with a way to withdraw the live ones."""

from __future__ import annotations

from flask import Blueprint

from shared.db import one

from ..edge.paging import page_args
from ..readmodels.signature_requesters import MINE, MINE_TOTAL
from .web import Ui, page, require_account

LIVE = ("pending", "verified")  # the statuses a signature can still be withdrawn from


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the "my signatures" page."""

    @bp.get("/account/signatures")
    def my_signatures():
        account_id = require_account().account_id
        limit, offset = page_args()
        with ui.cursor() as cur:
            items = cur.execute(MINE, [account_id, limit, offset]).fetchall()
            total = one(cur.execute(MINE_TOTAL, [account_id]))["n"]
        return page("signing/mine.html", items=items, total=total, limit=limit, offset=offset, live=LIVE)
