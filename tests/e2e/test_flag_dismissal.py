"""A moderator dismisses a flag on content that is fine: the queue empties, the decision is public, nothing hides."""

from __future__ import annotations

import uuid

from .clients import PageReader, WebClient

REASON = "A genuine barrier that many councils report, not spam"


def flagged_barrier(web: WebClient) -> tuple[str, str, str]:
    """A barrier someone flagged: its page path, the flag's id and the flag's consistency token."""
    proposed = web.propose_barrier(f"Barrier {uuid.uuid4().hex[:8]}", "Video calls are blocked by the firewall.")
    assert proposed.status == 201, proposed.body
    page = f"barriers/{proposed.body['barrier_id']}"
    flag = web.as_user().flag(page, "looks like spam to me")
    assert flag.status == 201, flag.body
    return page, flag.body["flag_id"], flag.body["consistency_token"]


def open_flag_ids(moderator: WebClient, token: str) -> list[str]:
    return [f["flag_id"] for f in moderator.read_flags(limit="100", consistency_token=token).body["items"]]


def test_a_moderator_dismisses_a_flag_and_the_decision_is_public_while_the_barrier_stays_visible(web):
    page, flag_id, flagged = flagged_barrier(web)
    moderator = web.as_user("moderator")
    queued = open_flag_ids(moderator, flagged)

    dismissed = moderator.dismiss_flag(page, flag_id, REASON)
    token = dismissed.body["consistency_token"]
    log = web.anonymous().read_moderation_log(limit="100", consistency_token=token).body["items"]
    closed = moderator.read_flags(status="dismissed", limit="100").body["items"]

    assert dismissed.status == 200, dismissed.body
    assert flag_id in queued and flag_id not in open_flag_ids(moderator, token)
    entry = next(d for d in log if d["item_id"] == page.split("/")[1])
    assert {"action": "FlagDismissed", "moderator": moderator.actor, "reason": REASON,
            "subject": f"flag {flag_id}"}.items() <= entry.items() and entry["at"]
    mine = next(f for f in closed if f["flag_id"] == flag_id)
    assert (mine["status"], mine["dismissed_by"], mine["dismissal_reason"]) == ("dismissed", moderator.actor, REASON)
    shown = web.anonymous().read_page(page)
    assert shown.status == 200 and shown.body["description"] == "Video calls are blocked by the firewall."


def test_a_participants_dismissal_is_refused_and_writes_nothing(web):
    page, flag_id, flagged = flagged_barrier(web)
    before = web.store_head("knowledge")

    refused = web.as_user().dismiss_flag(page, flag_id, "I think it is fine")

    assert refused.status == 403, refused.body
    assert web.store_head("knowledge") == before
    assert flag_id in open_flag_ids(web.as_user("moderator"), flagged)


def test_dismissing_a_flag_twice_is_refused_with_a_conflict(web):
    page, flag_id, _ = flagged_barrier(web)
    moderator = web.as_user("moderator")
    assert moderator.dismiss_flag(page, flag_id, REASON).status == 200
    before = web.store_head("knowledge")

    again = moderator.dismiss_flag(page, flag_id, "still fine")

    assert again.status == 409 and "already dismissed" in again.body["message"], again.body
    assert web.store_head("knowledge") == before


def test_an_unknown_flag_or_a_missing_reason_is_refused_naming_the_field_and_nothing_is_written(web):
    page, flag_id, _ = flagged_barrier(web)
    moderator = web.as_user("moderator")
    before = web.store_head("knowledge")

    unknown = moderator.dismiss_flag(page, str(uuid.uuid4()), REASON)
    blank = moderator.dismiss_flag(page, flag_id, "")
    too_long = moderator.dismiss_flag(page, flag_id, "x" * 1001)

    assert unknown.status == 404 and "flag_id" in unknown.body["errors"], unknown.body
    assert blank.status == too_long.status == 422 and "reason" in blank.body["errors"] and "reason" in too_long.body[
        "errors"], (blank.body, too_long.body)
    assert web.store_head("knowledge") == before


def test_a_moderator_dismisses_a_flag_from_the_moderation_page_and_it_leaves_the_page(web):
    page, flag_id, flagged = flagged_barrier(web)
    moderator = PageReader.signed_in(web.as_user("moderator"))
    action = f"/moderation/{page}/flags/{flag_id}/dismiss"
    screen = moderator.open(f"/moderation?consistency_token={flagged}")
    before = web.store_head("knowledge")

    blank = moderator.submit(action, {"reason": ""})
    after_blank = web.store_head("knowledge")
    dismissed = moderator.follow(moderator.submit(action, {"reason": REASON}))

    assert f'action="{action}"' in screen.body and f'for="dismiss-{flag_id}-reason"' in screen.body
    assert blank.status == 422 and f'id="dismiss-{flag_id}-reason-err"' in blank.body and after_blank == before
    assert dismissed.status == 200 and "The flag is dismissed" in dismissed.body
    assert f'action="{action}"' not in dismissed.body and REASON in dismissed.body


def test_the_api_document_describes_the_dismissal_command(web):
    document = web.anonymous().request("GET", "/api/v1/openapi.json").body

    path = document["paths"]["/api/v1/barriers/{barrier_id}/flags/{flag_id}/dismiss"]
    body = path["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert document["components"]["schemas"][body]["required"] == ["reason"]
    assert {"barrier_id", "flag_id"} <= {p["name"] for p in path.get("parameters", [])}
