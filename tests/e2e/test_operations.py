"""Operators' doors: the status document, the Prometheus metrics and the admin API on parked events."""

from .clients import ADMINS, WebClient


def admin_of(web: WebClient) -> WebClient:
    return WebClient.of(web.base_url, ADMINS[web.base_url])


def test_only_an_admin_lists_parked_events(web):
    admin = admin_of(web)

    listed, as_participant, as_nobody = (admin.request("GET", "/api/v1/admin/parked"),
                                         web.request("GET", "/api/v1/admin/parked"),
                                         web.anonymous().request("GET", "/api/v1/admin/parked"))

    assert listed.status == 200 and listed.body == {"parked": []}
    assert as_participant.status == 403
    assert as_nobody.status == 401


def test_a_skip_needs_a_reason_and_names_the_field(web):
    refused = admin_of(web).request("POST", "/api/v1/admin/parked/gateway/1/skip", {})

    assert refused.status == 422 and "reason" in refused.body["errors"]


def test_asking_for_a_parked_event_that_does_not_exist_is_refused_in_every_store(web):
    admin = admin_of(web)

    answers = {store: admin.request("POST", f"/api/v1/admin/parked/{store}/987654/retry", {})
               for store in ("gateway", "webhooks", "pilots", "knowledge")}
    unknown_store = admin.request("POST", "/api/v1/admin/parked/pledge-db/1/retry", {})

    assert {store: a.status for store, a in answers.items()} == dict.fromkeys(answers, 404), answers
    assert all(a.body["code"] == "not_found" for a in answers.values())
    assert unknown_store.status == 404


def test_metrics_say_the_system_is_ready_with_a_gauge_per_part(web):
    web.store_head("pledge")

    scraped = web.request("GET", "/metrics")

    assert scraped.status == 200 and scraped.headers["Content-Type"].startswith("text/plain")
    lines = scraped.body.splitlines()
    assert "charter_ready 1.0" in lines
    assert 'charter_part_up{part="pledge-relay"} 1.0' in lines
    assert any(line.startswith('charter_parked_events{consumer="pilots-subscriptions"} 0.0') for line in lines)
    assert any(line.startswith('charter_consumer_lag_events{consumer="gateway-projector.charter.pledge.v1"')
               for line in lines)
