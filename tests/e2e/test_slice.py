import uuid

from shared.envelope import CONTRACT_FIELDS
from shared.hashchain import chain_hash

from ..integration.topics import read_topic


def test_a_charter_and_its_draft_are_read_back_through_the_gateway_with_the_consistency_token(web, steward):
    charter = steward.create_charter(title="Our pledge")
    draft = web.propose_draft(charter.body["charter_id"], "I want my organisation to get interactivity.")

    read = web.read_charter(charter.body["charter_id"], token=draft.body["consistency_token"])

    assert charter.status == draft.status == 201
    assert draft.body["version"] == 1 and draft.body["position"] > charter.body["position"]
    assert read.status == 200
    assert read.body["title"] == "Our pledge" and read.body["round_open"] is True
    assert [d["text"] for d in read.body["drafts"]["items"]] == ["I want my organisation to get interactivity."]
    assert read.body["drafts"]["items"][0]["author"] == web.actor


def test_the_pledge_topic_carries_the_full_envelope_to_an_independent_consumer(steward, settings):
    charter = steward.create_charter(title=f"Contract {uuid.uuid4().hex}")

    envelopes = read_topic(settings.kafka_bootstrap_servers, "charter.pledge.v1", charter.body["position"])

    mine = [e for e in envelopes if e["stream_id"] == charter.body["charter_id"]]
    assert [e["type"] for e in mine] == ["CharterCreated", "RoundOpened"]
    for e in mine:
        assert set(CONTRACT_FIELDS) <= set(e)
        assert e["producer"] == "pledge" and e["actor"] == steward.actor
        assert e["hash"] == chain_hash(e["prev_hash"], e)


def test_the_status_reports_every_service_relay_and_consumer_with_lag_from_store_positions(web):
    web.store_head("pledge")  # a measurement taken after the suite's stack was up

    ready, status = web.request("GET", "/readyz"), web.request("GET", "/api/v1/status")

    assert ready.status == 200 and ready.body["status"] == "ok", ready.body["problems"]
    parts = status.body["parts"]
    assert {"database", "broker", "pledge", "knowledge", "pilots", "pledge-relay", "knowledge-relay", "pilots-relay",
            "gateway-projector.charter.pledge.v1", "gateway-projector.charter.knowledge.v1",
            "gateway-projector.charter.pilots.v1", "gateway-webhooks", "pilots-subscriptions",
            "knowledge-subscriptions"} <= set(parts)
    assert all(p["ok"] for p in parts.values())
    assert set(parts["gateway-projector.charter.pledge.v1"]["lag"]) == {"pledge"}
    assert set(parts["pilots-subscriptions"]["lag"]) == {"pledge", "knowledge"}
    assert all(parts[f"{s}-relay"]["backlog"] >= 0 for s in ("pledge", "knowledge", "pilots"))
