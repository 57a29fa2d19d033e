"""People: a public profile (`GET /api/v1/people/<id>`), and a moderator's reset of an abusive display name."""

from __future__ import annotations

from flask import jsonify
from psycopg.rows import dict_row

from shared.contract.vocabulary import MODERATOR
from shared.http import error
from shared.openapi import ANYONE, Blueprint
from shared.projection import Projection

from ..edge import identity_schemas as s
from ..edge.auth import require_role
from ..identity.store import Identity
from ..readmodels import people_reads


def blueprint(projection: Projection, identity: Identity) -> Blueprint:
    """The people routes, on the read models and the gateway's accounts."""
    bp = Blueprint("people", __name__, url_prefix="/api/v1/people", area="Accounts")

    @bp.get("/<uuid:account_id>")
    @bp.response(200, s.PersonProfile, description="The person's public profile.")
    @bp.refuses("not_found")
    @bp.requires(ANYONE)
    def read_person(account_id):
        """Read a person's profile

        A person's display name and what they drafted, commented, edited and endorsed, newest first (never their
        e-mail). Anyone may read it.
        """
        account = identity.accounts.get(str(account_id))
        if account is None:
            return error(404, "not_found", "no person with this id", {"account_id": ["unknown account"]})
        with projection.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            activity = people_reads.activity(cur, account.account_id)
        return jsonify({"account_id": account.account_id, "display_name": account.display_name,
                        "joined_at": account.created_at} | activity)

    @bp.post("/<uuid:account_id>/name-reset")
    @bp.arguments(s.ResetNameBody)
    @bp.response(200, s.NameReset, description="The person's new, neutral display name.")
    @bp.refuses("not_found", "forbidden")
    @bp.requires(MODERATOR)
    def reset_name(body, account_id):
        """Reset an abusive display name

        Replaces a person's display name with a neutral one, recorded with the moderator and the reason (shown to
        admins). Needs the moderator role.
        """
        moderator = require_role(MODERATOR)
        name = identity.accounts.reset_name(str(account_id), by=moderator.account_id, reason=body["reason"])
        if name is None:
            return error(404, "not_found", "no person with this id", {"account_id": ["unknown account"]})
        return jsonify({"account_id": str(account_id), "display_name": name})

    return bp
