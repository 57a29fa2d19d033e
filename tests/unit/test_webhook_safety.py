"""Where webhooks may go, how they are signed, and how a filter reads organisations: pure checks, no network."""

import ipaddress

import pytest

from services.gateway.delivery.filters import EventFilter, canonical, organisations_named
from services.gateway.delivery.webhooks import egress
from services.gateway.delivery.webhooks.signing import sign, verify

ALWAYS_REFUSED = ["169.254.169.254", "169.254.10.20", "fe80::1", "fd00:ec2::254", "::ffff:169.254.169.254",
                  "64:ff9b::a9fe:a9fe", "0.0.0.0", "224.0.0.1"]
PRIVATE = ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.5", "100.64.0.1", "::1", "fd12:3456::1"]


@pytest.mark.parametrize("address", ALWAYS_REFUSED)
def test_link_local_metadata_and_unroutable_addresses_are_refused_even_where_private_ones_are_allowed(address):
    with pytest.raises(egress.Refused):
        egress.check_address(ipaddress.ip_address(address), allow_private=True)


@pytest.mark.parametrize("address", PRIVATE)
def test_private_and_loopback_addresses_need_the_operators_permission(address):
    egress.check_address(ipaddress.ip_address(address), allow_private=True)

    with pytest.raises(egress.Refused, match="private or loopback"):
        egress.check_address(ipaddress.ip_address(address), allow_private=False)


def test_a_public_address_is_accepted():
    egress.check_address(ipaddress.ip_address("93.184.215.14"), allow_private=False)


@pytest.mark.parametrize("url", ["ftp://example.org/", "file:///etc/passwd", "http:///nohost",
                                 "https://user:pw@example.org/", "http://metadata.google.internal/"])
def test_urls_that_are_not_plain_http_to_a_host_are_refused(url):
    with pytest.raises(egress.Refused):
        egress.check_url(url)


def test_a_signature_verifies_for_its_body_and_moment_only():
    header = sign("whsec_s3cret", b'{"a":1}', 1_700_000_000)

    assert verify("whsec_s3cret", header, b'{"a":1}', now=1_700_000_100)
    assert not verify("whsec_s3cret", header, b'{"a":2}', now=1_700_000_100)
    assert not verify("whsec_other", header, b'{"a":1}', now=1_700_000_100)
    assert not verify("whsec_s3cret", header, b'{"a":1}', now=1_700_000_000 + 301)


def test_a_signature_made_with_a_new_and_a_previous_secret_verifies_with_either_and_no_other():
    header = sign("whsec_new", b'{"a":1}', 1_700_000_000, previous="whsec_old")

    assert header.count(",v1=") == 2
    assert verify("whsec_new", header, b'{"a":1}', now=1_700_000_100)
    assert verify("whsec_old", header, b'{"a":1}', now=1_700_000_100)
    assert not verify("whsec_third", header, b'{"a":1}', now=1_700_000_100)
    assert not verify("whsec_old", header, b'{"a":2}', now=1_700_000_100)


def test_a_signature_without_a_previous_secret_carries_one_v1():
    header = sign("whsec_new", b'{"a":1}', 1_700_000_000, previous=None)

    assert header == sign("whsec_new", b'{"a":1}', 1_700_000_000) and header.count("v1=") == 1


def test_an_event_names_organisations_in_any_of_its_naming_fields_canonically():
    data = {"organisation_name": "Borough of  LEEDS Council", "organisations": ["Kent CC", "kent cc"], "title": "x"}

    assert organisations_named(data) == ["borough of leeds council", "kent cc"]
    assert canonical(" Ｌeeds ") == "leeds"


def test_a_filter_names_its_unknown_topics_and_types():
    flt = EventFilter.of(["charter.pledge.v1", "charter.secrets.v1"], ["CharterCreated", "CharterBurnt"])

    assert set(flt.problems()) == {"topics", "types"}
    assert EventFilter.of(["charter.pilots.v1"], ["PilotProposed"], "  Kent CC ").organisation == "kent cc"
