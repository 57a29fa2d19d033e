"""Health of a process running as several copies: well while one copy reports and none is stuck."""

from services.gateway.ops.health import SystemHealth
from shared.config import Settings

SETTINGS = Settings.from_env({})


def beat(instance: str, age_s: float, state: str = "publishing", stalled_s: float = 0.1) -> dict:
    return {"process": "pledge-relay", "instance": instance, "pid": int(instance.rsplit(":", 1)[1]), "host": "h",
            "age_s": age_s, "stalled_s": stalled_s, "details": {"state": state}}


def part_of(*beats: dict) -> dict:
    parts: dict = {}
    SystemHealth(None, None, SETTINGS)._processes(parts, ["pledge-relay"], {"processes": list(beats)}, {})
    return {"ok": True} | parts["pledge-relay"]  # measure() says ok where nothing said otherwise


def test_a_process_is_well_while_one_copy_reports_though_another_died():
    part = part_of(beat("h:1", 0.4, "standby"), beat("h:2", 0.3), beat("h:3", 40.0, "retrying"))

    assert part["ok"] is True
    assert (part["copies"], part["state"], part["pid"]) == (2, "publishing", 2)


def test_a_process_whose_every_copy_went_silent_is_reported_with_its_newest_beat():
    part = part_of(beat("h:1", 30.0), beat("h:2", 12.0))

    assert part["ok"] is False
    assert (part["copies"], part["problem"]) == (0, "has not reported for 12s")


def test_one_copy_stuck_retrying_makes_the_process_unwell():
    part = part_of(beat("h:1", 0.2), beat("h:2", 0.5, "retrying"))

    assert part["ok"] is False
    assert part["problem"].startswith("cannot reach a dependency")
