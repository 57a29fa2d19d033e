"""Checkpoints and proofs, open to everyone: each store's Merkle tree head, and proofs against it.

A signatory (or anyone) asks for an inclusion proof of an event and checks it with tools/verify_proof.py
and the event's envelope, trusting neither the gateway nor an export; a consistency proof shows that a
later checkpoint extends an earlier one, so the history under a checkpoint was never rewritten.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

import urllib3
from flask import jsonify
from marshmallow import Schema, fields, validate

from shared.config import DOMAIN_SERVICES, Settings
from shared.http import error
from shared.openapi import ANYONE, Blueprint
from shared.signing import Keyring

from .trees import BrokenLog, StoreTree, StoreTrees

HASHING = "RFC 9162 SHA-256 Merkle tree; leaf i = the 32 bytes of the hash of the event at position i + 1"


class CheckpointReply(Schema):
    """A store's Merkle tree head, signed by the store (or, before it signed any, unsigned)."""

    store = fields.String(required=True, metadata={"description": "the producing service (the envelopes' `producer`)"})
    tree_size = fields.Integer(required=True, metadata={
        "description": "how many events the tree covers: positions 1..tree_size"})
    root_hash = fields.String(required=True, metadata={"description": "the RFC 9162 tree head, hex"})
    timestamp = fields.DateTime(required=True, allow_none=True, metadata={
        "description": "`occurred_at` of event tree_size, as that event carries it; null for an empty store"})
    key_id = fields.String(required=True, allow_none=True, metadata={
        "description": "the store's key that signed it (GET /api/v1/audit/keys); null: the head, not yet signed"})
    signature = fields.String(required=True, allow_none=True, metadata={
        "description": "Ed25519 over the RFC 8785 canonical JSON of {store, tree_size, root_hash, timestamp},"
                       " base64url"})
    event_id = fields.String(required=True, allow_none=True,
                             metadata={"description": "the CheckpointPublished event carrying it"})
    position = fields.Integer(required=True, allow_none=True,
                              metadata={"description": "where that event landed in the store"})


class CheckpointList(Schema):
    """The latest checkpoint of each store asked for."""

    checkpoints = fields.List(fields.Nested(CheckpointReply), required=True)
    hashing = fields.String(required=True, metadata={"description": "how the trees are built"})


class SigningKey(Schema):
    """A producer's public key."""

    key_id = fields.String(required=True, metadata={"description": "as events name it in `signature.key_id`"})
    producer = fields.String(required=True, metadata={"description": "the only service whose events this key may sign"})
    algorithm = fields.String(required=True, metadata={"description": "Ed25519"})
    public_key = fields.String(required=True, metadata={"description": "the 32 raw bytes of the public key, base64url"})
    created_at = fields.DateTime(required=True)
    retired_at = fields.DateTime(required=True, allow_none=True, metadata={
        "description": "set once the key signs nothing new; events it signed still verify"})


class SigningKeys(Schema):
    """The keyring: every public key events are signed with, and what a signature covers."""

    algorithm = fields.String(required=True)
    keys = fields.List(fields.Nested(SigningKey), required=True)
    unsigned_through = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, metadata={
        "description": "per producer, the last position written before its store signed anything (0: none)"})
    signed_bytes = fields.String(required=True, metadata={"description": "what an event's signature is over"})


SIGNED_BYTES = ("the event's `prev_hash` (ASCII) followed by the RFC 8785 canonical JSON of the envelope without"
                " `hash` and `signature`")


class StoreQuery(Schema):
    """Which store's checkpoint to answer."""

    store = fields.String(validate=validate.OneOf(DOMAIN_SERVICES), metadata={"description": "default: every store"})


class ConsistencyQuery(Schema):
    """The two tree sizes of one store to prove consistent."""

    store = fields.String(required=True, validate=validate.OneOf(DOMAIN_SERVICES))
    first = fields.Integer(required=True, validate=validate.Range(min=1),
                           metadata={"description": "the earlier tree size"})
    second = fields.Integer(validate=validate.Range(min=1),
                            metadata={"description": "default: the latest checkpoint's tree_size"})


class InclusionQuery(Schema):
    """The tree size to prove against."""

    tree_size = fields.Integer(validate=validate.Range(min=1),
                               metadata={"description": "prove against this earlier size (default: the latest)"})


class InclusionProof(Schema):
    """The proof that an event is a leaf of its store's tree of `tree_size` events (RFC 9162 2.1.3)."""

    event_id = fields.String(required=True)
    store = fields.String(required=True)
    position = fields.Integer(required=True)
    leaf_index = fields.Integer(required=True, metadata={"description": "position - 1"})
    leaf_hash = fields.String(required=True, metadata={
        "description": "SHA-256(0x00 || the 32 bytes of the event's `hash`), hex"})
    tree_size = fields.Integer(required=True)
    root_hash = fields.String(required=True)
    audit_path = fields.List(fields.String(), required=True,
                             metadata={"description": "RFC 9162 2.1.3 inclusion path, hex"})
    checkpoint = fields.Nested(CheckpointReply, required=True, allow_none=True,
                               metadata={"description": "the checkpoint of `tree_size` events, when there is one"})
    hashing = fields.String(required=True)


class TreeHead(Schema):
    """A store's tree of `tree_size` events."""

    tree_size = fields.Integer(required=True)
    root_hash = fields.String(required=True)


class ConsistencyProof(Schema):
    """The proof that the tree of `first` events is a prefix of the tree of `second` (RFC 9162 2.1.4)."""

    store = fields.String(required=True)
    first = fields.Nested(TreeHead, required=True)
    second = fields.Nested(TreeHead, required=True)
    consistency_path = fields.List(fields.String(), required=True,
                                   metadata={"description": "RFC 9162 2.1.4 proof, hex"})
    checkpoint = fields.Nested(CheckpointReply, required=True, allow_none=True,
                               metadata={"description": "the checkpoint of `second` events, when there is one"})
    hashing = fields.String(required=True)


def blueprint(settings: Settings, trees: StoreTrees | None = None) -> Blueprint:
    """Routes under /api/v1/audit that need no account: checkpoints, inclusion and consistency proofs."""
    bp = Blueprint("proofs", __name__, url_prefix="/api/v1/audit", area="Audit")
    trees = trees or StoreTrees.of(settings, DOMAIN_SERVICES)
    answered = _answering(settings.retry_after_s)

    @bp.get("/keys")
    @bp.response(200, SigningKeys, description="The keyring.")
    @bp.requires(ANYONE)
    def keys():
        """List the signing keys

        The public keys events are signed with: every producer's current and retired keys, with their ids, and
        what a signature covers. Anyone may read it.
        """
        return jsonify(Keyring.load(settings.trusted_keys_file).to_dict() | {"signed_bytes": SIGNED_BYTES})

    @bp.get("/checkpoints")
    @bp.arguments(StoreQuery, location="query")
    @bp.response(200, CheckpointList, description="The latest checkpoint of each store.")
    @bp.refuses("log_broken")
    @bp.requires(ANYONE)
    @answered
    def checkpoints(query):
        """Read the latest checkpoints

        The latest checkpoint each store (or `store`) signed: its tree size, Merkle tree head, time and signature.
        A store that has signed none yet answers its current tree head, unsigned (`key_id` and `signature` null).
        Anyone may read them.
        """
        stores = [query["store"]] if "store" in query else trees.stores
        return jsonify({"checkpoints": [latest(trees.current(s)) for s in stores], "hashing": HASHING})

    @bp.get("/proofs/consistency")
    @bp.arguments(ConsistencyQuery, location="query")
    @bp.response(200, ConsistencyProof, description="The consistency proof.")
    @bp.refuses("tree_size_out_of_range", "log_broken")
    @bp.requires(ANYONE)
    @answered
    def consistency_proof(query):
        """Prove a store's log was only appended to

        The proof that a store's tree of `first` events is a prefix of its tree of `second` (RFC 9162), so nothing
        under the earlier checkpoint was rewritten. Anyone may ask.
        """
        return jsonify(consistency_reply(trees.current(query["store"]), query["first"], query.get("second")))

    @bp.get("/proofs/<event_id>")
    @bp.arguments(InclusionQuery, location="query")
    @bp.response(200, InclusionProof, description="The inclusion proof.")
    @bp.refuses("unknown_event", "tree_size_out_of_range", "log_broken")
    @bp.requires(ANYONE)
    @answered
    def inclusion_proof(query, event_id: str):
        """Prove an event is in the log

        The proof that an event is in its store's tree: against the latest checkpoint, or against `tree_size`
        events. Check it with tools/verify_proof.py and the event's envelope. Anyone may ask.
        """
        known = _canonical_uuid(event_id)
        tree = trees.find(known) if known else None
        if tree is None or known is None:
            return error(404, "unknown_event", "no store holds an event with this id",
                         {"event_id": ["no such event"]})
        return jsonify(inclusion_reply(tree, known, query.get("tree_size")))

    return bp


class OutOfRange(Exception):
    """A proof was asked for a tree size the store's tree does not reach, or that does not hold the event."""

    def __init__(self, message: str, name: str, latest: int) -> None:
        super().__init__(message)
        self.name, self.latest = name, latest


UNSIGNED = {"key_id": None, "signature": None, "event_id": None, "position": None}


def latest(tree: StoreTree) -> dict[str, Any]:
    """The store's latest signed checkpoint, or its current head unsigned when it has signed none yet."""
    return tree.signed_checkpoint() or tree.checkpoint().to_dict() | UNSIGNED


def checkpoint_of_size(tree: StoreTree, size: int) -> dict[str, Any] | None:
    """The checkpoint of exactly `size` events to prove against: the signed one, else the current head, else None."""
    signed = tree.signed_checkpoint()
    if signed is not None and signed["tree_size"] == size:
        return signed
    head = tree.checkpoint()
    return head.to_dict() | UNSIGNED if head.tree_size == size else None


def inclusion_reply(tree: StoreTree, event_id: str, size: int | None = None) -> dict[str, Any]:
    """The inclusion proof of an event in its store's tree, as the API answers it.

    Against `size` events, by default the latest signed checkpoint's when it covers the event, else the whole tree.
    """
    head = tree.checkpoint()
    index = tree.index[event_id]
    signed = tree.signed_checkpoint()
    size = size or (signed["tree_size"] if signed and index < signed["tree_size"] else head.tree_size)
    if not index < size <= head.tree_size:
        raise OutOfRange(f"the event is leaf {index}: tree_size must be from {index + 1} to {head.tree_size}",
                         "tree_size", head.tree_size)
    index, path = tree.inclusion_proof(event_id, size)
    return {
        "event_id": event_id, "store": tree.store, "position": index + 1, "leaf_index": index,
        "leaf_hash": tree.leaf_hash(index), "tree_size": size, "root_hash": tree.root(size), "audit_path": path,
        "checkpoint": checkpoint_of_size(tree, size), "hashing": HASHING,
    }


def consistency_reply(tree: StoreTree, first: int, second: int | None = None) -> dict[str, Any]:
    """The consistency proof from the store's tree of `first` events to that of `second` (by default all)."""
    head = tree.checkpoint()
    second = second or head.tree_size
    if not 1 <= first <= second <= head.tree_size:
        raise OutOfRange(f"need 1 <= first <= second <= {head.tree_size}, the latest tree size",
                         "second" if second > head.tree_size else "first", head.tree_size)
    return {
        "store": tree.store,
        "first": {"tree_size": first, "root_hash": tree.root(first)},
        "second": {"tree_size": second, "root_hash": tree.root(second)},
        "consistency_path": tree.consistency_proof(first, second),
        "checkpoint": checkpoint_of_size(tree, second),
        "hashing": HASHING,
    }


def _canonical_uuid(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def _answering(retry_after_s: int) -> Callable[[Callable], Callable]:
    """Decorator: a tree size out of range is 400; a store out of reach, or whose log does not follow on, 503."""

    def wrap(view: Callable) -> Callable:
        @wraps(view)
        def inner(*args: Any, **kwargs: Any) -> Any:
            try:
                return view(*args, **kwargs)
            except OutOfRange as exc:
                return error(400, "tree_size_out_of_range", str(exc), {exc.name: ["out of range"]},
                             {"tree_size": exc.latest})
            except BrokenLog as exc:
                return error(503, "log_broken", str(exc))
            except (RuntimeError, urllib3.exceptions.HTTPError):
                response, status = error(503, "unavailable", "a store could not be read; try again shortly")
                response.headers["Retry-After"] = str(retry_after_s)
                return response, status

        return inner

    return wrap
