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
    charter = steward.create_charter(title=f"Contract {uuid.uuid4()}")

    envelopes = read_topic(settings.kafka_bootstrap_servers, "charter.pledge.v1", charter.body["position"])

    mine = [e for e in envelopes if e["stream_id"] == charter.body["charter_id"]]
    assert [e["type"] for e in mine] == ["CharterCreated", "RoundOpened"]
    for e in mine:
        assert set(CONTRACT_FIELDS) <= set(e)
        assert e["producer"] == "pledge" and e["actor"] == steward.actor
        assert e["hash"] == chain_hash(e["prev_hash"], e)


def test_health_reports_every_service_and_the_projector_lag(web):
    health = web.request("GET", "/healthz")

    assert health.status == 200
    assert set(health.body["services"]) == {"pledge", "knowledge", "pilots"}
    assert all(s["status"] == "ok" and s["projector_lag"] >= 0 for s in health.body["services"].values())
