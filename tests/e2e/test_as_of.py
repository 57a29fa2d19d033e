import time
from datetime import UTC, datetime, timedelta

import psycopg

from services.gateway.readmodels.snapshots import schema_for


def test_an_auditor_builds_a_snapshot_and_reads_as_of_it_show_the_world_as_it_was_then(web, steward):
    auditor = web.as_user("auditor")
    before = steward.create_charter(title="Already there").body
    web.read_charter(before["charter_id"], token=before["consistency_token"])
    time.sleep(0.05)
    moment = datetime.now(UTC).isoformat()
    time.sleep(0.05)
    later = steward.create_charter(title="Not yet").body
    web.read_charter(later["charter_id"], token=later["consistency_token"])

    built = auditor.request("POST", "/api/v1/audit/snapshots", {"as_of": moment})
    again = auditor.request("POST", "/api/v1/audit/snapshots", {"as_of": moment})
    listed = auditor.request("GET", "/api/v1/audit/snapshots")
    then = web.request("GET", "/api/v1/charters", as_of=moment, limit="100")
    later_then = web.request("GET", f"/api/v1/charters/{later['charter_id']}", as_of=moment)
    later_now = web.request("GET", f"/api/v1/charters/{later['charter_id']}")

    assert built.status == 201 and built.body["events"] >= 2  # at least the first charter's two events
    assert again.status == 201 and again.body == built.body  # a moment is built once, then reused
    assert built.body in listed.body["items"]
    ids = {c["charter_id"] for c in then.body["items"]}
    assert then.status == 200
    assert before["charter_id"] in ids and later["charter_id"] not in ids
    assert later_then.status == 404 and later_now.status == 200


def test_a_read_as_of_a_moment_nobody_built_is_a_404_and_builds_nothing(web, settings):
    moment = datetime.now(UTC) - timedelta(minutes=3)

    read = web.request("GET", "/api/v1/charters", as_of=moment.isoformat())

    assert read.status == 404
    assert read.body["code"] == "snapshot_not_found" and "as_of" in read.body["errors"]
    with psycopg.connect(settings.database_url) as conn:
        schemas = conn.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s",
                               [schema_for(moment)]).fetchall()
    assert schemas == []


def test_only_auditors_build_or_list_snapshots(web, steward):
    moment = datetime.now(UTC).isoformat()

    anonymous = web.request("POST", "/api/v1/audit/snapshots", {"as_of": moment})
    a_steward = steward.request("POST", "/api/v1/audit/snapshots", {"as_of": moment})
    listing = steward.request("GET", "/api/v1/audit/snapshots")

    assert anonymous.status in (401, 403) and a_steward.status == 403 and listing.status == 403


def test_a_malformed_or_future_moment_is_refused_naming_as_of(web):
    auditor = web.as_user("auditor")
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()

    malformed = web.request("GET", "/api/v1/charters", as_of="1 March")
    future_read = web.request("GET", "/api/v1/charters", as_of=future)
    future_build = auditor.request("POST", "/api/v1/audit/snapshots", {"as_of": future})
    naive_build = auditor.request("POST", "/api/v1/audit/snapshots", {"as_of": "2026-03-01T00:00:00"})

    assert malformed.status == 400 and "as_of" in malformed.body["errors"]
    assert future_read.status == 400 and "as_of" in future_read.body["errors"]
    assert future_build.status == 422 and "as_of" in future_build.body["errors"]
    assert naive_build.status == 422 and "as_of" in naive_build.body["errors"]
