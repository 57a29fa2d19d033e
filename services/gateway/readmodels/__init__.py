"""The gateway's read models, one module each; every module offers `DDL` and `HANDLERS`."""

from __future__ import annotations

from collections.abc import Mapping

from shared.projection import Handler

from ..delivery import feed
from . import (
    charters,
    draft_comments,
    draft_ratings,
    erasures,
    knowledge,
    knowledge_community,
    knowledge_moderation,
    organisations,
    pilot_progress,
    pilot_timeline,
    pilots,
    signature_requesters,
    signatures,
)

MODULES = (charters, draft_ratings, draft_comments, signatures, signature_requesters, erasures, organisations, pilots,
           pilot_progress, pilot_timeline, knowledge, knowledge_moderation, knowledge_community, feed)


def handlers() -> Mapping[str, Handler]:
    """Every read model's handlers by event type; a type may feed several read models."""
    by_type: dict[str, list[Handler]] = {}
    for module in MODULES:
        for type_name, handler in module.HANDLERS.items():
            by_type.setdefault(type_name, []).append(handler)
    return {t: _all(hs) if len(hs) > 1 else hs[0] for t, hs in by_type.items()}


def _all(hs: list[Handler]) -> Handler:
    def apply(conn, env) -> None:
        for h in hs:
            h(conn, env)

    return apply


def ddl() -> str:
    """The SQL that creates every read model's tables, run only into a new schema (`rebuilds.py`)."""
    return "\n".join(module.DDL for module in MODULES)

