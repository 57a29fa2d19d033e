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
from shared.contract.vocabulary import CATEGORIES, COMPLETION_SCALE, ORGANISATION_TYPES
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


def field_values() -> dict[str, dict[str, Any]]:
    """What a field of this name may hold, in every event that has it: the published language's words."""
    from services.knowledge.domain.images import JPEG, PNG, WEBP
    from services.knowledge.domain.model import BARRIER, SOLUTION
    from services.pledge.domain.organisations import ASSURANCES

    enums = {"category": CATEGORIES, "completion": COMPLETION_SCALE, "organisation_type": ORGANISATION_TYPES,
             "assurance": ASSURANCES, "media_type": (JPEG, PNG, WEBP), "kind": (BARRIER, SOLUTION)}
    return {name: {"enum": list(values)} for name, values in enums.items()} | {
        "stars": {"minimum": 1, "maximum": 5}}


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
    values = field_values()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE_URI}/events/{producer}/{cls.type_name()}.v{cls.SCHEMA_VERSION}.json",
        "title": cls.type_name(),
        "description": (cls.__doc__ or "").strip()
        if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "(")
        else f"{cls.type_name()}, published by the {producer} service.",
        "type": "object",
        "properties": {f.name: _restricted(type_schema(hints[f.name]), values.get(f.name)) for f in fields},
        "required": [
            f.name for f in fields if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        ],
        "additionalProperties": False,
    }


def _restricted(schema: dict[str, Any], values: dict[str, Any] | None) -> dict[str, Any]:
    if values is None:
        return schema
    if "anyOf" in schema:  # optional: the values, or null
        return {"anyOf": [schema["anyOf"][0] | values, {"type": "null"}]}
    return schema | values


# Example values by a field's name or its ending, then by its type: plausible, and valid against the schema.
EXAMPLE_NAMES: dict[str, Any] = {
    "title": "Let residents propose agenda items", "text": "Residents may add items to every committee agenda.",
    "purpose": "Make government interactive", "name": "Hull City Council", "organisation": "Hull City Council",
    "organisation_name": "Hull City Council", "organisation_id": "hull city council", "domain": "hullcc.gov.uk",
    "email_hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "stars": 4,
    "signatory_name": "Chris Exec", "signatory_role": "chief executive", "store": "pledge", "tree_size": 1000,
    "root_hash": "5d41402abc4b2a76b9719d911017c592ae1b8f3f8b8d4b6d0b3c6c9b0e8a1f2c", "sha256":
    "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", "size": 48213, "round_number": 1,
    "version": 1, "revision": 2, "based_on_revision": 1, "restored_revision": 1, "summary": "Fixed a typo",
}
EXAMPLE_ENDINGS = (("_at", "2026-12-01T10:15:00Z"), ("_until", "2026-12-08T10:15:00Z"), ("_on", "2026-12-01"),
                   ("_date", "2026-12-01"), ("_id", "6f1c2b9e-3d4a-4e5f-9a8b-7c6d5e4f3a2b"),
                   ("_hash", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                   ("_by", "2b7d3c1a-9e8f-4a6b-8c5d-1e2f3a4b5c6d"))


def example_data(cls: type[Event]) -> dict[str, Any]:
    """A plausible `data` of one event type, valid against its schema."""
    hints, values = typing.get_type_hints(cls), field_values()
    return {f.name: _example(f.name, hints[f.name], values.get(f.name)) for f in dataclasses.fields(cls)}


def _example(name: str, hint: Any, values: dict[str, Any] | None) -> Any:
    if values and "enum" in values:
        return values["enum"][0]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _example(name, next(a for a in args if a is not type(None)), values)
    if origin is tuple or origin is list:
        item = args[0] if args else str
        return [] if item is dict or typing.get_origin(item) is dict else [_example(name.removesuffix("s"), item, None)]
    if hint is dict or origin is dict:
        return {}
    if name in EXAMPLE_NAMES:
        return EXAMPLE_NAMES[name]
    if hint is bool:
        return True
    if hint is int:
        return 1
    return next((value for ending, value in EXAMPLE_ENDINGS if name.endswith(ending)), f"the {name.replace('_', ' ')}")


def example_envelope(producer: str, cls: type[Event]) -> dict[str, Any]:
    """An example message of one event type: an envelope as a topic carries it."""
    data = example_data(cls)
    stream_type = next((name.removesuffix("_id") for name in data if name.endswith("_id")), producer)
    return {
        "event_id": "0b8e7c2a-5f1d-4c3b-9a2e-8d7f6e5c4b3a", "type": cls.type_name(),
        "schema_version": cls.SCHEMA_VERSION, "stream_type": stream_type,
        "stream_id": "6f1c2b9e-3d4a-4e5f-9a8b-7c6d5e4f3a2b", "version": 1, "position": 42,
        "occurred_at": "2026-12-01T10:15:00Z", "producer": producer, "actor": "2b7d3c1a-9e8f-4a6b-8c5d-1e2f3a4b5c6d",
        "correlation_id": "c0ffee00-0000-4000-8000-000000000001",
        "causation_id": "c0ffee00-0000-4000-8000-000000000002",
        "data": data, "prev_hash": "0" * 64,
        "hash": "a3f1c9d2e4b5a6978877665544332211ffeeddccbbaa99887766554433221100",
        "signature": {"key_id": f"{producer}:0123456789abcdef", "algorithm": "Ed25519", "value": "A" * 86},
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


def asyncapi(schemas: dict[str, dict[str, dict]], examples: dict[str, dict[str, dict]]) -> dict[str, Any]:
    """The AsyncAPI 3 document: the three topics, their keys and every message on each, with an example."""
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
                "examples": [{"name": f"a {type_name}", "payload": examples[producer][type_name]}],
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
    examples: dict[str, dict[str, dict]] = {}
    for producer, registry in registries().items():
        for cls in registry:
            schema = event_schema(producer, cls)
            by_producer.setdefault(producer, {})[cls.type_name()] = schema
            examples.setdefault(producer, {})[cls.type_name()] = example_envelope(producer, cls)
            files[SCHEMAS / "events" / producer / f"{cls.type_name()}.v{cls.SCHEMA_VERSION}.json"] = _dump(schema)
    # JSON is YAML 1.2, so the AsyncAPI document stays one format without a YAML dependency.
    files[SCHEMAS / "asyncapi.yaml"] = _dump(asyncapi(by_producer, examples))
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
