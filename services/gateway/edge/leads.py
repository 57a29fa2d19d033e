"""A command naming pilot leads names accounts: the pilots service cannot see accounts, so the gateway checks."""

from __future__ import annotations

import json

from shared.http import RequestRefused

from ..identity.accounts import Accounts

# The service whose commands may name `leads`: a pilot's proposal, and any later command that names them.
LEADS_SERVICE = "pilots"


def refuse_unknown_leads(accounts: Accounts, service: str, body: bytes | None, content_type: str | None) -> None:
    """422 `validation_failed` naming `leads` when a pilots command's `leads` holds an id that is no account.

    A body that is not a JSON object, or whose `leads` is not a list of text, is left to the service's
    own schema, which names what is wrong with it.
    """
    if service != LEADS_SERVICE or not body or content_type != "application/json":
        return
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return
    leads = parsed.get("leads") if isinstance(parsed, dict) else None
    if not isinstance(leads, list) or not leads or not all(isinstance(lead, str) for lead in leads):
        return
    unknown = accounts.missing(leads)
    if unknown:
        raise RequestRefused(422, "validation_failed", "every pilot lead must be an account",
                             {"leads": [f"no account has the id {lead!r}" for lead in unknown]})
