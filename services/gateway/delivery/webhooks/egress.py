"""Where the gateway may send a webhook: http(s) only, never link-local or cloud metadata, private by permission.

A webhook makes the gateway send requests into whatever network it sits in, so a registered URL
could aim at the cloud metadata service or an internal admin page (server-side request forgery).
Every address a host resolves to is checked, at registration and again before each delivery
(a host can resolve to something else later: DNS rebinding), and the delivery connects to the
address that was checked, never re-resolving.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.goog", "metadata"})
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200"))
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(ValueError):
    """A URL or address the gateway will not send to; the message says why."""


@dataclass(frozen=True)
class Target:
    """A checked destination: connect to `address`, speak to `host` (Host header, TLS name)."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def check_url(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path of an acceptable URL, or Refused."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise Refused(f"not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise Refused("the URL must start with http:// or https://")
    if not parts.hostname:
        raise Refused("the URL must name a host")
    if parts.username or parts.password:
        raise Refused("the URL must not carry credentials; verify deliveries by their signature instead")
    if parts.hostname.rstrip(".") in METADATA_HOSTS:
        raise Refused("cloud metadata services are never a webhook receiver")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname.rstrip("."), port or (443 if parts.scheme == "https" else 80), path


def check_address(address: IP, allow_private: bool) -> None:
    """Refused unless the gateway may connect to this address (and to any IPv4 address it embeds)."""
    for a in (_embedded_ipv4(address), address):
        if a is None:
            continue
        if a in METADATA_ADDRESSES:
            raise Refused(f"{address} is a cloud metadata address")
        if a.is_link_local:
            raise Refused(f"{address} is a link-local address")
        if a.is_unspecified or a.is_multicast or (a.is_reserved and not a.is_loopback):
            raise Refused(f"{address} cannot receive webhooks")
        if not a.is_global and not allow_private:
            raise Refused(f"{address} is a private or loopback address, which this gateway does not send to")


def _embedded_ipv4(address: IP) -> ipaddress.IPv4Address | None:
    # ::ffff:169.254.169.254, 2002:a9fe:a9fe:: and 64:ff9b::a9fe:a9fe all reach 169.254.169.254.
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.ipv4_mapped or address.sixtofour


def resolve(url: str, allow_private: bool) -> Target:
    """The URL's checked destination: every address its host resolves to must be acceptable."""
    scheme, host, port, path = check_url(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(f"the host {host!r} does not resolve") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for address in addresses:
        check_address(address, allow_private)
    return Target(scheme, host, port, path, str(addresses[0]))
