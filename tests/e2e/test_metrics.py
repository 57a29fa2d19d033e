"""An operator's Prometheus scrapes every process: the gateway, a domain service, and the background processes."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import psutil
import urllib3
from prometheus_client.parser import text_string_to_metric_families

from ..conftest import gateway_url


def scrape(url: str) -> dict[str, list]:
    """The samples of one scrape of `url`, by sample name (`…_total`, `…_bucket`…)."""
    r = urllib3.request("GET", url, timeout=5)
    assert r.status == 200, r.data[:200]
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(r.data.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def value(samples: dict[str, list], name: str, **labels: str) -> float:
    """The sum of the samples called `name` whose labels include `labels`."""
    return sum(s.value for s in samples.get(name, []) if labels.items() <= s.labels.items())


def metrics_port_of(stack, settings, name: str, timeout_s: float = 20) -> int:
    """The metrics port the stack's process `name` took (the first free one of the configured range)."""
    wanted = range(settings.metrics_port, settings.metrics_port + settings.metrics_port_span)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        listening = [c.laddr.port for c in psutil.Process(stack.procs[name].pid).net_connections(kind="tcp")
                     if c.status == psutil.CONN_LISTEN and c.laddr.port in wanted]
        if listening:
            return listening[0]
        time.sleep(0.2)
    raise AssertionError(f"{name} serves no metrics in {wanted}")


def eventually(check, timeout_s: float = 20):
    deadline = time.monotonic() + timeout_s
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return result


def test_after_some_commands_the_gateway_counts_requests_and_commands_by_route_and_shows_lag(stack, settings, steward):
    charter = steward.create_charter()
    drafts = [steward.propose_draft(charter.body["charter_id"], f"Draft {n} of our pledge.") for n in range(3)]
    steward.wait_until_read(*(d.body["consistency_token"] for d in drafts))

    samples = scrape(gateway_url(settings) + "/metrics")

    assert charter.status == 201 and all(d.status == 201 for d in drafts)
    assert value(samples, "charter_http_requests_total", route="/api/v1/<resource>", method="POST", status="201") >= 1
    assert value(samples, "charter_http_requests_total", route="/api/v1/<resource>/<path:rest>", method="POST") >= 3
    assert value(samples, "charter_http_request_duration_seconds_count", route="/api/v1/<resource>") >= 1
    assert value(samples, "charter_forwarded_commands_total", service="pledge", type="CreateCharter",
                 outcome="accepted") >= 1
    assert value(samples, "charter_forwarded_commands_total", type="ProposeDraft", outcome="accepted") >= 3
    assert samples.get("charter_consumer_lag_events"), "no lag gauge"
    labels = {v for group in samples.values() for s in group for v in s.labels.values()}
    assert not any(charter.body["charter_id"] in v for v in labels), "an id became a label"


def test_a_domain_service_counts_the_commands_it_handled_by_type_and_outcome_without_a_credential(stack, settings,
                                                                                                   steward):
    steward.create_charter()
    steward.request("POST", "/api/v1/charters", {"title": ""})

    samples = scrape(f"http://{settings.host}:{settings.pledge_port}/metrics")

    assert value(samples, "charter_commands_total", type="CreateCharter", outcome="accepted") >= 1
    assert value(samples, "charter_commands_total", type="CreateCharter", outcome="invalid") >= 1
    assert value(samples, "charter_http_requests_total", route="/charters", method="POST", status="201") >= 1


def test_a_scrape_of_any_gateway_worker_counts_the_requests_every_worker_answered(stack, settings):
    url = gateway_url(settings)
    before = value(scrape(url + "/metrics"), "charter_http_requests_total", route="/healthz")

    # A fresh connection each: gunicorn's two workers share the requests between them.
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: urllib3.request("GET", url + "/healthz", retries=False).status, range(40)))
    after = value(scrape(url + "/metrics"), "charter_http_requests_total", route="/healthz")

    assert statuses == [200] * 40
    assert after - before >= 40


def test_the_relay_and_the_projector_answer_on_their_metrics_ports(stack, settings, steward):
    steward.wait_until_read(steward.create_charter().body["consistency_token"])
    relay = f"http://{settings.host}:{metrics_port_of(stack, settings, 'pledge-relay')}/metrics"
    projector = f"http://{settings.host}:{metrics_port_of(stack, settings, 'projector')}/metrics"

    published = eventually(lambda: value(scrape(relay), "charter_relay_published_events_total",
                                         topic="charter.pledge.v1"))
    applied = eventually(lambda: value(scrape(projector), "charter_consumer_applied_events_total",
                                       group="gateway-projector", topic="charter.pledge.v1"))
    backlog = scrape(relay).get("charter_relay_backlog_events", [])

    assert published >= 1
    assert applied >= 1
    assert [s.labels for s in backlog] == [{"topic": "charter.pledge.v1"}] and backlog[0].value >= 0
