"""A council system that cannot run a Kafka consumer takes webhooks: signed, retried, ordered, pausable."""

import time
import uuid
from datetime import datetime

import pytest

from services.gateway.delivery.webhooks.signing import verify
from shared.hashchain import chain_hash

from .council import Receiver, eventually

PLEDGE = ("charter.pledge.v1",)
CHARTER_EVENTS = ("CharterCreated", "RoundOpened", "DraftProposed")


@pytest.fixture
def register(web):
    """Register webhooks as `web`; each is removed after the test, so its dead receiver gets nothing more."""
    made = []

    def register(url: str, **filters):
        r = web.register_webhook(url, **filters)
        made.extend([r.body["webhook_id"]] if r.status == 201 else [])
        return r

    yield register
    for webhook_id in made:
        web.request("DELETE", f"/api/v1/webhooks/{webhook_id}")


def delivery_log(web, webhook_id: str) -> list[dict]:
    return web.read_webhook_deliveries(webhook_id, limit="100").body["items"]


def test_deliveries_arrive_signed_and_in_stream_order_each_retried_with_backoff_after_failures(
        web, steward, register, settings):
    with Receiver(fail_each=2) as council:
        hook = register(council.url, topics=PLEDGE, types=CHARTER_EVENTS)
        charter = steward.create_charter(title=f"Hooked {uuid.uuid4().hex}").body
        draft = web.propose_draft(charter["charter_id"], "Signed, sealed, delivered.").body

        requests = council.wait_for(3, charter["charter_id"], draft["draft_id"])

    assert hook.status == 201 and hook.body["secret"].startswith("whsec_"), hook.body
    assert [(r.envelope["type"], r.status) for r in requests if r.envelope["stream_id"] == charter["charter_id"]] == [
        ("CharterCreated", 500), ("CharterCreated", 500), ("CharterCreated", 200),
        ("RoundOpened", 500), ("RoundOpened", 500), ("RoundOpened", 200)]
    for r in requests:
        assert verify(hook.body["secret"], r.headers["X-Charter-Signature"], r.body)
        assert abs(int(r.headers["X-Charter-Signature"].split(",")[0][2:]) - r.at) < 300
        assert r.headers["X-Charter-Event-Id"] == r.envelope["event_id"]
        assert r.envelope["hash"] == chain_hash(r.envelope["prev_hash"], r.envelope)
    log = {d["event_id"]: d for d in delivery_log(web, hook.body["webhook_id"])}
    for r in requests:
        d = log[r.envelope["event_id"]]
        assert d["status"] == "delivered" and d["attempts"] == 3
        assert [a["response_code"] for a in d["attempt_log"]] == [500, 500, 200]
        first, second, third = d["attempt_log"]
        assert first["retry_in_ms"] <= settings.webhook_backoff_base_s * 1000
        assert second["retry_in_ms"] <= settings.webhook_backoff_base_s * 2000 and third["retry_in_ms"] is None


def test_a_paused_webhook_holds_its_deliveries_and_catches_up_in_order_when_resumed(web, steward, register):
    with Receiver() as council:
        hook = register(council.url, topics=PLEDGE, types=CHARTER_EVENTS).body
        paused = web.pause_webhook(hook["webhook_id"])
        charter = steward.create_charter(title=f"Paused {uuid.uuid4().hex}").body
        held = eventually(lambda: [d for d in delivery_log(web, hook["webhook_id"]) if d["status"] == "pending"
                                   and d["stream_id"] == charter["charter_id"]][1:])
        time.sleep(1)
        sent_while_paused = council.of_streams(charter["charter_id"])

        resumed = web.resume_webhook(hook["webhook_id"])
        requests = council.wait_for(2, charter["charter_id"])

    assert paused.status == 200 and paused.body["paused"] is True
    assert held and sent_while_paused == []
    assert resumed.status == 200 and resumed.body["paused"] is False
    assert [(r.envelope["type"], r.status) for r in requests] == [("CharterCreated", 200), ("RoundOpened", 200)]


def test_a_receiver_that_always_fails_ends_in_the_dead_letters_and_can_be_redelivered(web, steward, register, settings):
    with Receiver(always_fail=True) as council:
        hook = register(council.url, topics=PLEDGE, types=("CharterCreated",)).body
        charter = steward.create_charter(title=f"Dead letter {uuid.uuid4().hex}").body
        dead = eventually(lambda: web.read_dead_letters(hook["webhook_id"]).body["items"])
        council.always_fail = False

        redelivered = web.redeliver_dead_letter(hook["webhook_id"], dead[0]["delivery_id"])
        requests = council.wait_for(1, charter["charter_id"])

    assert [d["type"] for d in dead] == ["CharterCreated"]
    assert dead[0]["attempts"] == settings.webhook_max_attempts
    assert [a["response_code"] for a in dead[0]["attempt_log"]] == [500] * settings.webhook_max_attempts
    assert redelivered.status == 202
    assert [r.status for r in requests] == [500] * settings.webhook_max_attempts + [200]
    assert web.read_dead_letters(hook["webhook_id"]).body["items"] == []


def test_deliveries_survive_a_dispatcher_restart_and_none_is_sent_twice(web, steward, register, stack):
    with Receiver() as council:
        hook = register(council.url, topics=PLEDGE, types=CHARTER_EVENTS).body
        before = steward.create_charter(title=f"Before restart {uuid.uuid4().hex}").body
        council.wait_for(2, before["charter_id"])
        stack.stop("webhook-dispatcher")
        during = steward.create_charter(title=f"During restart {uuid.uuid4().hex}").body
        stack.start("webhook-dispatcher")

        requests = council.wait_for(4, before["charter_id"], during["charter_id"], timeout_s=60)
        time.sleep(1)
        requests = council.of_streams(before["charter_id"], during["charter_id"])

    event_ids = [r.envelope["event_id"] for r in requests]
    assert len(event_ids) == len(set(event_ids)) == 4
    assert all(r.status == 200 for r in requests)
    assert [h["webhook_id"] for h in web.read_webhooks().body["items"]] == [hook["webhook_id"]]


@pytest.mark.parametrize("body, field", [
    ({"url": "ftp://council.example/hook"}, "url"),
    ({"url": "javascript:alert(1)"}, "url"),
    ({"url": "http://169.254.10.20/hook"}, "url"),
    ({"url": "http://[fe80::1]/hook"}, "url"),
    ({"url": "http://169.254.169.254/latest/meta-data/"}, "url"),
    ({"url": "http://[fd00:ec2::254]/latest/meta-data/"}, "url"),
    ({"url": "http://metadata.google.internal/computeMetadata/v1/"}, "url"),
    ({"url": "http://127.0.0.1:9/hook", "topics": ["charter.secrets.v1"]}, "topics"),
    ({"url": "http://127.0.0.1:9/hook", "types": ["CharterBurnt"]}, "types"),
    ({"topics": list(PLEDGE)}, "url"),
], ids=["not http", "javascript", "link-local", "link-local v6", "metadata", "metadata v6", "metadata by name",
        "unknown topic", "unknown event type", "no url"])
def test_a_bad_webhook_is_refused_naming_the_field_and_nothing_is_stored(web, body, field):
    r = web.request("POST", "/api/v1/webhooks", body)

    assert (r.status, r.body["code"]) == (422, "validation_failed"), r.body
    assert field in r.body["errors"]
    assert web.read_webhooks().body["total"] == 0


def test_webhooks_belong_to_the_account_that_registered_them(web, register):
    hook = register("http://127.0.0.1:9/hook").body
    someone_else = web.as_user()

    assert web.anonymous().read_webhooks().status == 401
    assert someone_else.read_webhooks().body["total"] == 0
    assert someone_else.read_webhook_deliveries(hook["webhook_id"]).status == 404
    assert someone_else.pause_webhook(hook["webhook_id"]).status == 404
    assert someone_else.request("DELETE", f"/api/v1/webhooks/{hook['webhook_id']}").status == 404
    assert "secret" not in web.read_webhooks().body["items"][0]
    assert web.request("DELETE", f"/api/v1/webhooks/{hook['webhook_id']}").status == 204
    assert web.read_webhooks().body["total"] == 0


def one_delivery(council: Receiver, steward, title: str):
    """A new charter's CharterCreated as the council received it."""
    charter = steward.create_charter(title=f"{title} {uuid.uuid4().hex}").body
    [request] = council.wait_for(1, charter["charter_id"])
    return request


def signatures(request) -> list[str]:
    return [p for p in request.headers["X-Charter-Signature"].split(",") if p.startswith("v1=")]


def test_a_rolled_secret_signs_beside_the_previous_one_until_that_expires(web, steward, register):
    with Receiver() as council:
        hook = register(council.url, topics=PLEDGE, types=("CharterCreated",)).body
        rolled = web.rotate_webhook_secret(hook["webhook_id"], 3600)
        overlap = one_delivery(council, steward, "Overlap")
        rolled_again = web.rotate_webhook_secret(hook["webhook_id"], 0)
        after = one_delivery(council, steward, "After")

    assert rolled.status == 201 and rolled.body["secret"].startswith("whsec_"), rolled.body
    assert rolled.body["secret"] != hook["secret"] and rolled.body["webhook_id"] == hook["webhook_id"]
    expires = datetime.fromisoformat(rolled.body["previous_secret_expires_at"]).timestamp()
    assert abs(expires - (time.time() + 3600)) < 60
    assert len(signatures(overlap)) == 2
    assert verify(rolled.body["secret"], overlap.headers["X-Charter-Signature"], overlap.body)
    assert verify(hook["secret"], overlap.headers["X-Charter-Signature"], overlap.body)
    assert rolled_again.status == 201 and rolled_again.body["secret"] not in (hook["secret"], rolled.body["secret"])
    assert datetime.fromisoformat(rolled_again.body["previous_secret_expires_at"]).timestamp() <= time.time()
    assert len(signatures(after)) == 1
    assert verify(rolled_again.body["secret"], after.headers["X-Charter-Signature"], after.body)
    assert not verify(rolled.body["secret"], after.headers["X-Charter-Signature"], after.body)
    assert not verify(hook["secret"], after.headers["X-Charter-Signature"], after.body)


def test_a_bad_previous_valid_for_s_is_refused_naming_it_and_the_secret_is_kept(web, steward, register):
    with Receiver() as council:
        hook = register(council.url, topics=PLEDGE, types=("CharterCreated",)).body

        refused = [web.rotate_webhook_secret(hook["webhook_id"], bad) for bad in (-1, 86401, "3600", 1.5, True, None)]
        delivery = one_delivery(council, steward, "Kept")

    assert [(r.status, r.body["code"]) for r in refused] == [(422, "validation_failed")] * len(refused)
    assert all("previous_valid_for_s" in r.body["errors"] for r in refused)
    assert len(signatures(delivery)) == 1
    assert verify(hook["secret"], delivery.headers["X-Charter-Signature"], delivery.body)


def test_another_account_cannot_roll_my_webhooks_secret_and_mine_keeps_working(web, steward, register):
    with Receiver() as council:
        hook = register(council.url, topics=PLEDGE, types=("CharterCreated",)).body
        someone_else = web.as_user()

        theirs = someone_else.rotate_webhook_secret(hook["webhook_id"], 0)
        unknown = web.rotate_webhook_secret(str(uuid.uuid4()), 0)
        delivery = one_delivery(council, steward, "Still mine")

    assert (theirs.status, theirs.body["code"]) == (404, "not_found") and "secret" not in theirs.body
    assert (unknown.status, unknown.body["code"]) == (404, "not_found")
    assert len(signatures(delivery)) == 1
    assert verify(hook["secret"], delivery.headers["X-Charter-Signature"], delivery.body)
