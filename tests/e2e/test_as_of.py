import time
from datetime import UTC, datetime, timedelta


def test_reads_as_of_a_moment_show_the_world_as_it_was_then(web, steward):
    before = steward.create_charter(title="Already there").body
    web.read_charter(before["charter_id"], token=before["consistency_token"])
    time.sleep(0.05)
    moment = datetime.now(UTC).isoformat()
    time.sleep(0.05)
    later = steward.create_charter(title="Not yet").body
    web.read_charter(later["charter_id"], token=later["consistency_token"])

    then = web.request("GET", "/api/v1/charters", as_of=moment, limit="100")
    later_then = web.request("GET", f"/api/v1/charters/{later['charter_id']}", as_of=moment)
    later_now = web.request("GET", f"/api/v1/charters/{later['charter_id']}")

    ids = {c["charter_id"] for c in then.body["items"]}
    assert then.status == 200
    assert before["charter_id"] in ids and later["charter_id"] not in ids
    assert later_then.status == 404 and later_now.status == 200


def test_a_malformed_or_future_as_of_is_a_400_naming_it(web):
    malformed = web.request("GET", "/api/v1/charters", as_of="1 March")
    future = web.request("GET", "/api/v1/charters", as_of=(datetime.now(UTC) + timedelta(days=1)).isoformat())

    assert malformed.status == 400 and "as_of" in malformed.body["errors"]
    assert future.status == 400 and "as_of" in future.body["errors"]
