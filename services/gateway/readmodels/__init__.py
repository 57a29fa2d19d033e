"""The gateway's read models, one module each; every module offers `DDL` and `HANDLERS`."""

from __future__ import annotations

from collections.abc import Mapping

import psycopg
from psycopg import sql

from shared.projection import Handler, Projection

from ..delivery import feed
from . import (
    charters,
    draft_comments,
    draft_ratings,
    knowledge,
    knowledge_community,
    knowledge_moderation,
    organisations,
    pilot_progress,
    pilot_timeline,
    pilots,
    signatures,
)

MODULES = (charters, draft_ratings, draft_comments, signatures, organisations, pilots, pilot_progress, pilot_timeline,
           knowledge, knowledge_moderation, knowledge_community, feed)


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
    """The SQL that creates every read model's tables (idempotent)."""
    return "\n".join(module.DDL for module in MODULES)


def migrate(conn: psycopg.Connection, schema: str) -> None:
    """The read models and their consumer's bookkeeping in `schema` (a live, replayed or as-of one)."""
    Projection(None, schema, {}).migrate(conn)
    conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
    conn.execute(ddl())
