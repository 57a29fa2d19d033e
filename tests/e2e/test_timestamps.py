"""Every timestamp the API answers is RFC 3339 in UTC with a `Z`, never `+00:00`: one format to parse."""

import re
from datetime import UTC, datetime, timedelta

from .council import Receiver

# A date-time with an offset other than Z; plain dates (2026-12-01) are not timestamps and carry none.
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?[+-]\d\d:?\d\d$")


def offsets(value, path: str = "") -> list[str]:
    """Where in a JSON reply a timestamp carries a numeric offset instead of `Z`."""
    if isinstance(value, dict):
        return [found for key, v in value.items() for found in offsets(v, f"{path}.{key}")]
    if isinstance(value, list):
        return [found for i, v in enumerate(value) for found in offsets(v, f"{path}[{i}]")]
    return [f"{path}: {value}"] if isinstance(value, str) and OFFSET.match(value) else []


def test_charters_rounds_signatures_and_their_audit_history_answer_z_timestamps(web, steward):
    closes_at = (datetime.now(UTC) + timedelta(days=7)).isoformat()  # sent with +00:00, answered with Z
    charter = steward.create_charter(title="Timestamps").body
    steward.close_round(charter["charter_id"])
    opened = steward.open_round(charter["charter_id"], closes_at).body
    draft = steward.propose_draft(charter["charter_id"], "Be interactive.").body
    adopted = steward.adopt_draft(charter["charter_id"], draft["draft_id"]).body
    signer = web.as_user().from_address("10.251.13.7")
    signed = signer.sign_charter(charter["charter_id"], 1, "Timestamp Council", "clock@example.org").body
    verified = signer.follow_verification_link(signed["signature_id"]).body
    withdrawn = signer.withdraw_signature(signed["signature_id"], "Testing the clock").body
    steward.wait_until_read(opened["consistency_token"], adopted["consistency_token"],
                            verified["consistency_token"], withdrawn["consistency_token"])
    auditor = web.as_user("auditor")

    replies = {
        "signed": signed,
        "charter": steward.read_charter(charter["charter_id"]).body,
        "draft": steward.read_draft(draft["draft_id"]).body,
        "version": steward.read_adopted_version(charter["charter_id"], 1).body,
        "signatories": steward.read_signatories(charter["charter_id"]).body,
        "timeline": steward.read_signing_timeline(charter["charter_id"]).body,
        "history": auditor.request("GET", f"/api/v1/audit/history/{charter['charter_id']}").body,
        "signature history": auditor.request("GET", f"/api/v1/audit/history/{signed['signature_id']}").body,
    }

    assert replies["history"]["events"] and replies["signature history"]["events"], replies
    assert {name: offsets(reply) for name, reply in replies.items()} == {name: [] for name in replies}


def test_webhooks_and_identity_answer_z_timestamps(web):
    with Receiver() as council:
        hook = web.register_webhook(council.url, topics=("charter.pledge.v1",), types=("CharterCreated",)).body
        rolled = web.rotate_webhook_secret(hook["webhook_id"], 3600).body
        replies = {
            "webhook": hook, "rolled": rolled, "webhooks": web.read_webhooks().body,
            "token": web.create_token("timestamps").body, "tokens": web.list_tokens().body,
            "session": web.request("GET", "/api/v1/session").body,
            "deliveries": web.read_webhook_deliveries(hook["webhook_id"]).body,
        }
        web.request("DELETE", f"/api/v1/webhooks/{hook['webhook_id']}")

    assert rolled["previous_secret_expires_at"].endswith("Z")
    assert {name: offsets(reply) for name, reply in replies.items()} == {name: [] for name in replies}
