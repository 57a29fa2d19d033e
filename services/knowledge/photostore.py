"""Photo bytes, stored by their SHA-256 in the knowledge schema (`migrations/`), outside the event payloads."""

from __future__ import annotations

import psycopg
from psycopg import sql

from .domain.images import CleanImage


def save(conn: psycopg.Connection, schema: str, image: CleanImage) -> None:
    """Store the image's bytes once; the same bytes on another page share the row."""
    conn.execute(
        sql.SQL("INSERT INTO {}.photos (sha256, media_type, bytes) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING")
        .format(sql.Identifier(schema)),
        [image.sha256, image.media_type, image.data],
    )


def load(conn: psycopg.Connection, schema: str, sha256: str) -> tuple[str, bytes] | None:
    """The photo's media type and bytes, or None."""
    row = conn.execute(
        sql.SQL("SELECT media_type, bytes FROM {}.photos WHERE sha256 = %s").format(sql.Identifier(schema)), [sha256]
    ).fetchone()
    return (row[0], bytes(row[1])) if row else None


def pages_with(conn: psycopg.Connection, schema: str, sha256: str) -> list[tuple[str, str]]:
    """Every (stream type, page id) a photo with this hash was ever attached to."""
    return conn.execute(
        sql.SQL("SELECT DISTINCT stream_type, stream_id FROM {}.events"
                " WHERE type = 'PhotoAttached' AND envelope->'data'->>'sha256' = %s").format(sql.Identifier(schema)),
        [sha256],
    ).fetchall()
