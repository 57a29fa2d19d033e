"""The admins' system screen: how every part of the system is, and the parked events waiting for them.

Retry and skip go through `operations.ParkedEvents`, the code the admin API and `charter parked` use.
"""

from __future__ import annotations

from flask import Blueprint, request

from shared import parking

from ..identity import roles
from ..ops.operations import STORES
from .web import Form, Ui, done, page, require_role

BACK = "/admin/system"


def register(bp: Blueprint, ui: Ui) -> None:
    """Add the system screen and its retry and skip forms."""

    def screen(status: int = 200, **forms: Form):
        require_role(roles.ADMIN, back=BACK)
        health = ui.health.probe.latest()
        return page("system.html", status, health=health, parked=ui.parked.listing(), forms=forms, Form=Form)

    @bp.get("/admin/system")
    def system():
        return screen()

    @bp.post(f"/admin/parked/<any({', '.join(STORES)}):store>/<int:parked_id>/<any(retry, skip):action>")
    def ask_parked(store: str, parked_id: int, action: str):
        admin = require_role(roles.ADMIN, back=BACK)
        reason = request.form.get("reason", "").strip()
        try:
            ui.parked.request(store, parked_id, action, by=admin.account_id, reason=reason)
        except parking.ParkedRequestRefused as exc:
            form = Form({"reason": reason}, {"reason": [exc.message.capitalize() + "."]})
            return screen(exc.status, **{f"{store}-{parked_id}": form})
        return done("ui.system", f"parked_{action}")
