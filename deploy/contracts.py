"""The public event contract, generated from the event classes: `python -m deploy.contracts`.

Writes a JSON Schema for the envelope and for every event type and version under
`shared/schemas/`, and the AsyncAPI document of the three topics. The contract test fails when
these files and the code disagree, so the published contract cannot drift from what is emitted.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any

from shared.config import TOPICS
from shared.envelope import CONTRACT_FIELDS
from shared.events import Event, EventRegistry

SCHEMAS = Path(__file__).resolve().parents[1] / "shared" / "schemas"
BASE_URI = "https://interactive-charter.org/schemas"


def registries() -> dict[str, EventRegistry]:
    """Every producing service's event registry (imported here, where the system is composed)."""
    from services.knowledge.domain import EVENTS as knowledge
    from services.pilots.domain import EVENTS as pilots
    from services.pledge.domain import EVENTS as pledge

    return {"pledge": pledge, "knowledge": knowledge, "pilots": pilots}


def type_schema(hint: Any) -> dict[str, Any]:
    """The JSON Schema of one dataclass field's type."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [type_schema(a) for a in args if a is not type(None)]
        base = options[0] if len(options) == 1 else {"anyOf": options}
        return {"anyOf": [base, {"type": "null"}]} if type(None) in args else base
    if origin is tuple or hint is tuple or origin is list:
        items = args[0] if args else Any
        return {"type": "array", "items": type_schema(items)}
    if origin is dict or hint is dict or origin is typing.Mapping:
        return {"type": "object"}
    simple = {str: "string", bool: "boolean", int: "integer", float: "number"}
    if hint in simple:
        return {"type": simple[hint]} if hint is not float else {"type": "number"}
    return {}


def event_schema(producer: str, cls: type[Event]) -> dict[str, Any]:
    """The schema of one event type's `data`, closed to unknown fields."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE_URI}/events/{producer}/{cls.type_name()}.v{cls.SCHEMA_VERSION}.json",
        "title": cls.type_name(),
        "description": (cls.__doc__ or "").strip()
        if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "(")
        else f"{cls.type_name()}, published by the {producer} service.",
        "type": "object",
        "properties": {f.name: type_schema(hints[f.name]) for f in fields},
        "required": [
            f.name for f in fields if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        ],
        "additionalProperties": False,
    }


def envelope_schema() -> dict[str, Any]:
    """The schema every message on every topic satisfies."""
    string, integer = {"type": "string"}, {"type": "integer"}
    props = {
        "event_id": {"type": "string", "format": "uuid"},
        "type": string,
        "schema_version": integer,
        "stream_type": string,
        "stream_id": string,
        "version": {"type": "integer", "minimum": 1},
        "position": {"type": "integer", "minimum": 1},
        "occurred_at": {"type": "string", "format": "date-time"},
        "producer": {"enum": sorted(TOPICS)},
        "actor": string,
        "correlation_id": string,
        "causation_id": string,
        "data": {"type": "object"},
        "prev_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "signature": {
            "description": "The producer's Ed25519 signature (RFC 8032) over `prev_hash` (ASCII) followed by the"
                           " RFC 8785 canonical JSON of the envelope without `hash` and `signature`; `hash` covers it."
                           " The keys: GET /api/v1/audit/keys. Absent only from events a store wrote before it"
                           " signed anything (at or below the keys' `unsigned_through` for the producer).",
            "type": "object",
            "properties": {"key_id": string, "algorithm": {"const": "Ed25519"},
                           "value": {"type": "string", "pattern": "^[A-Za-z0-9_-]{86}$",
                                     "description": "the 64-byte signature, unpadded base64url"}},
            "required": ["key_id", "algorithm", "value"],
            "additionalProperties": False,
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE_URI}/envelope.json",
        "title": "Envelope",
        "description": "One event of the Interactive Charter log, the same on every topic.",
        "type": "object",
        "properties": props,
        "required": list(CONTRACT_FIELDS),
        "additionalProperties": False,
    }


def asyncapi(schemas: dict[str, dict[str, dict]]) -> dict[str, Any]:
    """The AsyncAPI 3 document: the three topics, their keys and every message on each."""
    channels, operations, messages = {}, {}, {}
    for producer, by_type in schemas.items():
        topic = TOPICS[producer]
        refs = {}
        for type_name, schema in by_type.items():
            key = f"{producer}.{type_name}"
            messages[key] = {
                "name": type_name,
                "title": type_name,
                "contentType": "application/json",
                "bindings": {
                    "kafka": {"key": {"type": "string", "description": "stream_id: one stream, one partition"}}
                },
                "payload": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Envelope"},
                        {"properties": {"type": {"const": type_name}, "data": schema}},
                    ]
                },
            }
            refs[type_name] = {"$ref": f"#/components/messages/{key}"}
        channels[producer] = {
            "address": topic,
            "messages": refs,
            "description": f"Every event of the {producer} service, in per-stream order.",
        }
        operations[f"receive-{producer}"] = {"action": "receive", "channel": {"$ref": f"#/channels/{producer}"}}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Interactive Charter event log",
            "version": "1.0.0",
            "description": "Append-only, hash-chained events. Key = stream_id. Delivery is at least once: "
            "de-duplicate by event_id or (stream_id, version). Each event is signed by its producer (the"
            " envelope's `signature`): apply none that does not verify. A deployment serves this document at"
            " GET /api/v1/asyncapi.json with its public keys under `info.x-signing-keys`, which are also at"
            " GET /api/v1/audit/keys. See docs/subscribing.md.",
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": {"Envelope": envelope_schema()}, "messages": messages},
    }


def render() -> dict[Path, str]:
    """Every contract file and its content."""
    files: dict[Path, str] = {SCHEMAS / "envelope.json": _dump(envelope_schema())}
    by_producer: dict[str, dict[str, dict]] = {}
    for producer, registry in registries().items():
        for cls in registry:
            schema = event_schema(producer, cls)
            by_producer.setdefault(producer, {})[cls.type_name()] = schema
            files[SCHEMAS / "events" / producer / f"{cls.type_name()}.v{cls.SCHEMA_VERSION}.json"] = _dump(schema)
    # JSON is YAML 1.2, so the AsyncAPI document stays one format without a YAML dependency.
    files[SCHEMAS / "asyncapi.yaml"] = _dump(asyncapi(by_producer))
    return files


def _dump(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    for path, text in render().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    print(f"wrote {len(render())} contract files under {SCHEMAS}")


if __name__ == "__main__":
    main()
