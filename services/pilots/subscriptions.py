"""The pilots service's subscription to pledge and knowledge events: its own views, fed from the log.

`python -m services.pilots.subscriptions` runs it under its own consumer group. Each handler reads
an envelope's data into the domain's local dataclass, folds it into the view with the domain's
`observe`, and writes the result back, inside the Projection's transaction (exactly once, in order).
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from shared import subscription
from shared.config import TOPICS

from . import views
from .domain import known_barriers as known
from .domain import signatories

GROUP = "pilots-subscriptions"


def on_signature_requested(conn: psycopg.Connection, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute(
        "INSERT INTO pilots.signature_requests (signature_id, organisation_id, organisation_name,"
        " organisation_type, charter_id, version) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (signature_id)"
        " DO UPDATE SET organisation_name = excluded.organisation_name, organisation_type = excluded.organisation_type",
        [d["signature_id"], d["organisation_id"], d["organisation_name"],
         d["organisation_type"], d["charter_id"], d["version"]],
    )


def on_signature_verified(conn: psycopg.Connection, env: dict[str, Any]) -> None:
    if (r := _request(conn, env["data"]["signature_id"])) is not None:
        _observe(conn, signatories.SignatureVerifiedSeen(r[0], r[1], r[2], r[3], r[4]))


def on_signature_withdrawn(conn: psycopg.Connection, env: dict[str, Any]) -> None:
    if (r := _request(conn, env["data"]["signature_id"])) is not None:
        _observe(conn, signatories.SignatureWithdrawnSeen(r[0], r[3], r[4]))


def _request(conn: psycopg.Connection, signature_id: str) -> tuple | None:
    return conn.execute(
        "SELECT organisation_id, organisation_name, organisation_type, charter_id, version"
        " FROM pilots.signature_requests WHERE signature_id = %s", [signature_id],
    ).fetchone()


def _observe(conn: psycopg.Connection, seen: signatories.SignatureSeen) -> None:
    view = signatories.observe(views.signatories_of(conn, seen.organisation_id), seen)
    if (s := view.get(seen.organisation_id)) is None:
        return
    conn.execute(
        "INSERT INTO pilots.signatories (organisation_id, organisation_name, organisation_type, live, ever_signed)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (organisation_id) DO UPDATE SET organisation_name ="
        " excluded.organisation_name, organisation_type = excluded.organisation_type, live = excluded.live,"
        " ever_signed = excluded.ever_signed",
        [s.organisation_id, s.organisation_name, s.organisation_type, Jsonb(sorted(s.live)), s.ever_signed],
    )


def on_membership_confirmed(conn: psycopg.Connection, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("INSERT INTO pilots.members (organisation_id, account_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                 [d["organisation_id"], d["account_id"]])


def on_membership_ended(conn: psycopg.Connection, env: dict[str, Any]) -> None:
    d = env["data"]
    conn.execute("DELETE FROM pilots.members WHERE organisation_id = %s AND account_id = %s",
                 [d["organisation_id"], d["account_id"]])


def on_barrier_written(conn: psycopg.Connection, env: dict[str, Any]) -> None:
    d = env["data"]
    _remember(conn, d["barrier_id"], d["revision"], d["title"], None)
    _see_barrier(conn, known.BarrierSeen(d["barrier_id"], d["title"]))


def on_solution_written(conn: psycopg.Connection, env: dict[str, Any]) -> None:
    d = env["data"]
    _remember(conn, d["solution_id"], d["revision"], d["title"], d["barrier_ids"])
    _see_solution(conn, d["solution_id"], d["title"], d["barrier_ids"])


def on_revision_restored(conn: psycopg.Connection, env: dict[str, Any]) -> None:
    d = env["data"]
    old = conn.execute("SELECT title, barrier_ids FROM pilots.known_revisions WHERE item_id = %s AND revision = %s",
                       [d["item_id"], d["restored_revision"]]).fetchone()
    if old is None:
        return
    _remember(conn, d["item_id"], d["revision"], old[0], old[1])
    if old[1] is None:
        _see_barrier(conn, known.BarrierSeen(d["item_id"], old[0]))
    else:
        _see_solution(conn, d["item_id"], old[0], old[1])


def on_item_hidden(conn: psycopg.Connection, env: dict[str, Any]) -> None:
    _see_barrier(conn, known.BarrierHiddenSeen(env["data"]["item_id"], True))


def on_item_restored(conn: psycopg.Connection, env: dict[str, Any]) -> None:
    _see_barrier(conn, known.BarrierHiddenSeen(env["data"]["item_id"], False))


def _remember(conn: psycopg.Connection, item_id: str, revision: int, title: str, barrier_ids: list | None) -> None:
    # Restoring an old revision retitles the page, so the titles of past revisions are kept.
    conn.execute(
        "INSERT INTO pilots.known_revisions (item_id, revision, title, barrier_ids) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING", [item_id, revision, title, None if barrier_ids is None else Jsonb(barrier_ids)],
    )


def _see_barrier(conn: psycopg.Connection, seen: known.KnowledgeSeen) -> None:
    view = known.observe(views.known_barriers_of(conn, seen.barrier_id), seen)
    if (b := view.barrier(seen.barrier_id)) is not None:
        conn.execute(
            "INSERT INTO pilots.known_barriers (barrier_id, title, hidden) VALUES (%s, %s, %s)"
            " ON CONFLICT (barrier_id) DO UPDATE SET title = excluded.title, hidden = excluded.hidden",
            [b.barrier_id, b.title, b.hidden],
        )


def _see_solution(conn: psycopg.Connection, solution_id: str, title: str, barrier_ids: list[str]) -> None:
    conn.execute("DELETE FROM pilots.known_solutions WHERE solution_id = %s", [solution_id])
    for seen in (known.SolutionSeen(solution_id, barrier_id, title) for barrier_id in barrier_ids):
        conn.execute("INSERT INTO pilots.known_solutions (solution_id, barrier_id, title) VALUES (%s, %s, %s)",
                     [seen.solution_id, seen.barrier_id, seen.title])


HANDLERS = {
    "SignatureRequested": on_signature_requested,
    "SignatureVerified": on_signature_verified,
    "SignatureWithdrawn": on_signature_withdrawn,
    "MembershipConfirmed": on_membership_confirmed,
    "MembershipEnded": on_membership_ended,
    "BarrierProposed": on_barrier_written,
    "BarrierEdited": on_barrier_written,
    "SolutionProposed": on_solution_written,
    "SolutionEdited": on_solution_written,
    "RevisionRestored": on_revision_restored,
    "EditsReverted": on_revision_restored,
    "ItemHidden": on_item_hidden,
    "ItemRestored": on_item_restored,
}


def main() -> None:
    """Run the subscription process."""
    subscription.main(GROUP, views.SCHEMA, [TOPICS["pledge"], TOPICS["knowledge"]], HANDLERS)


if __name__ == "__main__":
    main()
