"""What the published language holds: every event type each producer may emit, read from its JSON Schemas."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

from ..signing import Keyring

EVENT_SCHEMAS = Path(__file__).resolve().parents[1] / "schemas" / "events"
_SCHEMA_FILE = re.compile(r"^(?P<type>\w+)\.v(?P<version>\d+)\.json$")


@functools.cache
def published_types() -> dict[tuple[str, str], int]:
    """The newest `schema_version` of each (producer, type) in the contract."""
    found: dict[tuple[str, str], int] = {}
    for path in EVENT_SCHEMAS.glob("*/*.json"):
        if m := _SCHEMA_FILE.match(path.name):
            key = (path.parent.name, m["type"])
            found[key] = max(found.get(key, 0), int(m["version"]))
    return found


def unpublished(envelope: dict) -> str | None:
    """Why an envelope is outside the contract (an unknown type or a newer schema version), or None."""
    newest = published_types().get((str(envelope.get("producer")), str(envelope.get("type"))))
    if newest is None:
        return f"unknown event type {envelope.get('type')!r} from producer {envelope.get('producer')!r}"
    if not isinstance(envelope.get("schema_version"), int) or envelope["schema_version"] > newest:
        return f"schema_version {envelope.get('schema_version')!r} of {envelope['type']} is newer than {newest}"
    return None


def refusal(keyring: Keyring) -> Callable[[dict], str | None]:
    """What every consumer asks of an envelope before applying it: why it must be parked, or None.

    First that its producer really wrote it (its signature verifies under a key of that producer in
    `keyring`), then that it is inside the published contract.
    """
    return lambda envelope: keyring.problem(envelope) or unpublished(envelope)
