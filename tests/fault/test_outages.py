"""The database and the broker go away under a write load, and come back: the system heals by itself.

One system of this module's own (its own PostgreSQL server and broker); each test runs a bounded write
load through the gateway, injects one fault, ends it, and then checks with no manual action that every
acknowledged command is visible, the log is complete and verifies, and the read models equal a replay;
and that health turned degraded naming the part during the fault, and ready again after.
"""

from __future__ import annotations

import time

from .harness import HealthWatch, Load, assert_converged, assert_health_told_the_truth, converge, report


def under_load(system, targets, record_property, fault, part: str, before_s: float = 3, after_s: float = 3,
               within_s: float = 10):
    """Run `fault()` (which ends the fault before returning) in the middle of a write load, then check it all."""
    with HealthWatch(system) as watch:
        with Load(system, targets) as load:
            time.sleep(before_s)
            fault_at = time.monotonic()
            fault()
            ended = time.monotonic()
            report(record_property, "fault_lasted_s", round(ended - fault_at, 2))
            time.sleep(after_s)
            acknowledged = load.stop()
        converged = converge(system, acknowledged, ended, record_property)
        watch.wait_ready(30)
    assert acknowledged.acks, f"the load got nothing acknowledged: {acknowledged.summary()}"
    assert_converged(converged)
    assert_health_told_the_truth(watch, fault_at, part, record_property, within_s=within_s)


def database_down_for(system, seconds: float):
    def fault():
        system.postgres.stop()
        time.sleep(seconds)
        system.postgres.start()  # asserts the server answers at the same URL
    return fault


def test_postgres_stopped_for_twenty_seconds_under_load(revived, targets, record_property):
    under_load(revived, targets, record_property, database_down_for(revived, 20), "database")


def test_postgres_stopped_for_three_seconds_under_load(revived, targets, record_property):
    under_load(revived, targets, record_property, database_down_for(revived, 3), "database", within_s=3)


def test_postgres_hung_for_eight_seconds_under_load(revived, targets, record_property):
    def fault():
        frozen = revived.postgres.freeze()
        try:
            time.sleep(8)
        finally:
            revived.postgres.thaw(frozen)
    under_load(revived, targets, record_property, fault, "database")


def test_broker_killed_and_replaced_by_a_fresh_one_on_the_same_port(revived, targets, record_property):
    def fault():
        revived.broker.kill()  # SIGKILL; memory only, so every topic and record is gone
        time.sleep(3)
        revived.broker.start()  # a fresh, empty broker on the same port
    under_load(revived, targets, record_property, fault, "broker")
