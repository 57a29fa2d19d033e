"""The gateway refuses a pilots command naming leads that are not accounts, before anything is forwarded."""

import json

import pytest

from services.gateway.edge.leads import refuse_unknown_leads
from shared.http import RequestRefused

KNOWN = "5b0c2a52-0000-4000-8000-000000000001"


class Accounts:
    """The one question the check asks of the accounts store, answered from a set."""

    def __init__(self, *ids: str) -> None:
        self.ids = set(ids)

    def missing(self, account_ids: list[str]) -> list[str]:
        return [a for a in dict.fromkeys(account_ids) if a not in self.ids]


def body(**fields: object) -> bytes:
    return json.dumps({"title": "Open collaboration"} | fields).encode()


def test_a_proposal_naming_a_lead_who_is_not_an_account_is_refused_naming_leads():
    with pytest.raises(RequestRefused) as refused:
        refuse_unknown_leads(Accounts(KNOWN), "pilots", body(leads=[KNOWN, "not-an-account"]), "application/json")

    assert (refused.value.status, refused.value.code) == (422, "validation_failed")
    assert refused.value.errors == {"leads": ["no account has the id 'not-an-account'"]}


@pytest.mark.parametrize(
    "service, sent",
    [
        ("pilots", body(leads=[KNOWN])),
        ("pilots", body()),
        ("pilots", body(leads="me")),  # ill-typed: the service's schema names what is wrong
        ("pilots", b"[1, 2]"),
        ("pledge", body(leads=["not-an-account"])),
    ],
    ids=["leads who are accounts", "no leads", "leads not a list", "not an object", "another service"],
)
def test_what_names_only_accounts_or_no_leads_goes_on(service, sent):
    refuse_unknown_leads(Accounts(KNOWN), service, sent, "application/json")
