"""Each kind of process killed with SIGKILL under a write load: the supervisor brings it back, nothing is lost.

One system of this module's own, its stack under `Stack.supervise` (as `make run` runs it). No test
restarts anything itself.
"""

from __future__ import annotations

import time

import pytest

from services.gateway.delivery.webhooks.dispatcher import GROUP as DISPATCHER

from .harness import HealthWatch, Load, assert_converged, assert_health_told_the_truth, converge, report

# (process, the part health should name while it is down; None: the gateway itself, so no answer at all)
KINDS = [
    ("pledge-relay", "pledge-relay"),
    ("projector", "projector"),
    ("pilots-subscriptions", "pilots-subscriptions"),
    ("webhook-dispatcher", DISPATCHER),
    ("knowledge", "knowledge"),  # a domain service's gunicorn master
    ("gateway", None),  # the gateway's gunicorn master
]


@pytest.mark.parametrize(("name", "part"), KINDS, ids=[k[0] for k in KINDS])
def test_a_process_killed_with_sigkill_under_load_is_back_and_nothing_is_lost(
        revived, targets, record_property, name, part):
    system = revived
    with HealthWatch(system) as watch:
        with Load(system, targets) as load:
            time.sleep(2)
            fault_at = time.monotonic()
            pid = system.kill(name)
            back_at = system.wait_restarted(name, pid, timeout_s=30)
            ended = back_at or time.monotonic()
            report(record_property, "down_s", round(ended - fault_at, 2))
            time.sleep(2)
            acknowledged = load.stop()
        converged = converge(system, acknowledged, ended, record_property)
        watch.wait_ready(20)
    assert back_at is not None, f"the supervisor did not restart {name} within 30s"
    assert acknowledged.acks, f"the load got nothing acknowledged: {acknowledged.summary()}"
    assert_converged(converged)
    assert system.stack.procs[name].poll() is None, f"{name} did not stay up after its restart"
    # A process back before it could miss a heartbeat (heartbeat_stale_s) is rightly never reported: then only
    # the return to ready is required. One down for longer must have been named while it was.
    if back_at - fault_at > system.settings.heartbeat_stale_s + 2 or name in ("knowledge", "gateway"):
        assert_health_told_the_truth(watch, fault_at, part, record_property, answers_health=name == "gateway")
    else:
        assert any(s.ready for s in watch.samples if s.at > back_at), "health did not say ready after the restart"
        report(record_property, "health", "back before a heartbeat was missed: only readiness after it checked")
