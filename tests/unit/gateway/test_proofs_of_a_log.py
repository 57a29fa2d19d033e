"""Every event of a 10,000-event log has proofs the stand-alone checker accepts; tampering and rewrites fail."""

import json
import uuid

import pytest
from flask import Flask

from services.gateway.audit.proofs import blueprint, consistency_reply, inclusion_reply
from services.gateway.audit.trees import BrokenLog, StoreTree, StoreTrees
from shared import http
from shared.config import Settings
from shared.hashchain import GENESIS, chain_hash
from tools.verify_proof import Invalid, check_consistency, check_inclusion

N = 10_000


def a_log(n: int, store: str = "pledge", first_title: str = "Charter") -> list[dict]:
    """n chained envelopes of one store, as its `/events` route lists them; the first with its own title."""
    log, prev = [], GENESIS
    for position in range(1, n + 1):
        env = {"event_id": str(uuid.UUID(int=position + (1 << 64 if store != "pledge" else 0))),
               "type": "CharterCreated", "schema_version": 1, "stream_type": "charter",
               "stream_id": str(uuid.UUID(int=position)), "version": 1, "position": position,
               "occurred_at": f"2026-03-01T00:00:{position % 60:02d}.000000Z", "producer": store, "actor": "a",
               "correlation_id": "c", "causation_id": "c",
               "data": {"title": f"{first_title} {position}" if position == 1 else f"Charter {position}", "n": 1.5},
               "prev_hash": prev}
        env["hash"] = prev = chain_hash(prev, env)
        log.append(env)
    return log


@pytest.fixture(scope="module")
def log() -> list[dict]:
    return a_log(N)


@pytest.fixture(scope="module")
def tree(log) -> StoreTree:
    tree = StoreTree("pledge")
    for page in range(0, N, 5000):
        tree.add(log[page:page + 5000])
    return tree


def test_every_event_of_the_log_has_an_inclusion_proof_the_checker_accepts(log, tree):
    replies = [inclusion_reply(tree, env["event_id"]) for env in log]

    said = [check_inclusion(json.loads(json.dumps(r)), env) for r, env in zip(replies, log, strict=True)]

    assert len(said) == N and all(r["tree_size"] == N and len(r["audit_path"]) <= 14 for r in replies)


def test_every_earlier_tree_is_consistent_with_the_whole_log(tree):
    replies = [consistency_reply(tree, first) for first in range(1, N + 1)]

    assert all(check_consistency(r) for r in replies)
    assert max(len(r["consistency_path"]) for r in replies) <= 2 * 14


def test_an_altered_event_fails_its_proof_whether_or_not_its_hash_was_recomputed(log, tree):
    proof, forged = inclusion_reply(tree, log[4321]["event_id"]), dict(log[4321], data={"title": "Forged"})
    rehashed = dict(forged, hash=chain_hash(forged["prev_hash"], forged))

    with pytest.raises(Invalid, match="altered"):
        check_inclusion(proof, forged)
    with pytest.raises(Invalid, match="does not lead to the checkpoint's root"):
        check_inclusion(proof, rehashed)


def test_a_proof_from_a_rewritten_history_fails_against_a_checkpoint_held_from_before(log, tree):
    held = {"store": "pledge", "tree_size": 5000, "root_hash": tree.root(5000)}
    rewritten = StoreTree("pledge")
    rewritten.add(a_log(N + 10, first_title="Rewritten"))  # event 1 changed, every later hash re-chained
    later = rewritten.checkpoint().to_dict()

    with pytest.raises(Invalid, match="does not extend"):
        check_consistency(consistency_reply(rewritten, 5000) | {"first": held}, held, later)
    with pytest.raises(Invalid, match="is not the checkpoint given"):
        check_consistency(consistency_reply(rewritten, 5000), held, later)
    with pytest.raises(Invalid, match="does not lead"):
        check_inclusion(inclusion_reply(rewritten, log[0]["event_id"]), log[0])
    with pytest.raises(Invalid, match="not the checkpoint given"):
        check_inclusion(inclusion_reply(rewritten, log[1]["event_id"], 5000), log[1], held)


def test_a_proof_against_another_checkpoint_than_the_one_held_is_invalid(log, tree):
    proof = inclusion_reply(tree, log[10]["event_id"], 5000)

    with pytest.raises(Invalid, match="not the checkpoint given"):
        check_inclusion(proof, log[10], tree.checkpoint().to_dict())
    assert check_inclusion(proof, log[10], {"store": "pledge", "tree_size": 5000, "root_hash": tree.root(5000)})


def test_a_store_whose_next_page_does_not_follow_on_is_refused():
    tree, log = StoreTree("pledge"), a_log(3)
    tree.add(log[:1])

    with pytest.raises(BrokenLog):
        tree.add(log[2:])


@pytest.fixture
def client():
    stores = {"pledge": a_log(5), "knowledge": a_log(0, "knowledge"), "pilots": a_log(2, "pilots")}
    app = Flask(__name__)
    http.install(app)  # the API's error replies, refused query parameters among them
    app.register_blueprint(blueprint(Settings.from_env({}),
                                     StoreTrees(stores, lambda store, after: stores[store][after:])))
    return app.test_client()


def test_the_api_answers_checkpoints_proofs_and_clear_refusals(client):
    event_id, unknown = a_log(5)[2]["event_id"], uuid.uuid4()

    checkpoints = client.get("/api/v1/audit/checkpoints").json["checkpoints"]
    proof = client.get(f"/api/v1/audit/proofs/{event_id}").json
    consistency = client.get("/api/v1/audit/proofs/consistency?store=pledge&first=2&second=5").json
    refusals = {path: client.get(f"/api/v1/audit/{path}") for path in (
        f"proofs/{unknown}", "proofs/not-an-id", f"proofs/{event_id}?tree_size=2",
        "proofs/consistency?store=pledge&first=3&second=6", "proofs/consistency?store=nowhere&first=1",
        "proofs/consistency?store=pledge&first=x", "checkpoints?store=nowhere")}

    assert [(c["store"], c["tree_size"], c["timestamp"]) for c in checkpoints] == [
        ("pledge", 5, "2026-03-01T00:00:05.000000Z"), ("knowledge", 0, None),
        ("pilots", 2, "2026-03-01T00:00:02.000000Z")]
    assert proof["leaf_index"] == 2 and proof["checkpoint"] == checkpoints[0]
    assert check_inclusion(proof, a_log(5)[2], checkpoints[0]) and check_consistency(consistency)
    assert {path: (r.status_code, r.json["code"]) for path, r in refusals.items()} == {
        f"proofs/{unknown}": (404, "unknown_event"), "proofs/not-an-id": (404, "unknown_event"),
        f"proofs/{event_id}?tree_size=2": (400, "tree_size_out_of_range"),
        "proofs/consistency?store=pledge&first=3&second=6": (400, "tree_size_out_of_range"),
        "proofs/consistency?store=nowhere&first=1": (400, "invalid_query"),
        "proofs/consistency?store=pledge&first=x": (400, "invalid_query"),
        "checkpoints?store=nowhere": (400, "invalid_query")}
    assert refusals["proofs/consistency?store=pledge&first=3&second=6"].json["tree_size"] == 5
