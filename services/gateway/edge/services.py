"""The gateway's pooled HTTP client to the domain services it forwards commands to."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import urllib3

from shared.config import DOMAIN_SERVICES, Settings
from shared.http import RequestRefused


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


# A service's own answers the gateway passes on as they are: its 503 says when to retry.
PASSED_ON = ("Retry-After", "Idempotent-Replayed", "X-Charter-Command")
CONNECT_TIMEOUT_S = 1.0
SAFE = ("GET", "HEAD", "OPTIONS")


class Services:
    """Keep-alive connections to each domain service, carrying the internal credential.

    The one place a failed exchange becomes an answer: a service that cannot be reached gives 503
    "not delivered", one that does not answer in time (it has its own, shorter deadline) 504 "outcome
    unknown"; both with Retry-After, never a generic 500.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT_S, read=settings.forward_timeout_s)
        self.http = urllib3.PoolManager(num_pools=8, maxsize=32, retries=False, timeout=self.timeout)

    def command(self, service: str, path: str, body: bytes | None, headers: dict[str, str],
                method: str = "POST") -> Reply:
        """Send a request (a command body by POST, unless `method` says otherwise); its status and JSON reply."""
        response = self.send(service, method, path, body, headers)
        try:
            parsed = json.loads(response.data or b"{}")
        except ValueError:
            raise RequestRefused(502, "bad_gateway", f"the {service} service gave an answer that is not JSON",
                                 headers=self._retry_after()) from None
        passed = {name: response.headers[name] for name in PASSED_ON if name in response.headers}
        return Reply(response.status, parsed, passed)

    def fetch(self, service: str, path: str, headers: dict[str, str]) -> urllib3.BaseHTTPResponse:
        """GET a service's resource as it is (bytes, status and headers), carrying the internal credential."""
        return self.send(service, "GET", path, None, headers)

    def send(self, service: str, method: str, path: str, body: bytes | None,
             headers: dict[str, str]) -> urllib3.BaseHTTPResponse:
        """One exchange with a service; its failures refused as 503 (not delivered) or 504 (outcome unknown)."""
        try:
            return self.http.request(method, self.settings.service_url(service) + path, body=body,
                                     headers=headers | {"X-Internal-Token": self.settings.internal_token})
        except urllib3.exceptions.ConnectTimeoutError:  # refused, unresolvable or silent: nothing was sent
            raise RequestRefused(503, "not_delivered", f"the {service} service cannot be reached, so the request"
                                 " was not delivered; try again shortly", headers=self._retry_after()) from None
        except urllib3.exceptions.HTTPError:  # sent, but no (whole) answer came back in time
            if method in SAFE:
                raise RequestRefused(504, "unavailable", f"the {service} service did not answer in time;"
                                     " try again shortly", headers=self._retry_after()) from None
            raise RequestRefused(504, "outcome_unknown", f"the {service} service did not answer in time, so whether"
                                 " the command was applied is unknown; retrying with the same Idempotency-Key is"
                                 " safe: it is applied at most once", headers=self._retry_after()) from None

    def _retry_after(self) -> dict[str, str]:
        return {"Retry-After": str(self.settings.retry_after_s)}

    def openapi(self, service: str) -> dict[str, Any] | None:
        """The service's own OpenAPI document, or None when it cannot be had right now."""
        try:
            r = self.http.request("GET", self.settings.service_url(service) + "/openapi.json", timeout=5,
                                  headers={"X-Internal-Token": self.settings.internal_token})
            return json.loads(r.data) if r.status == 200 else None
        except (urllib3.exceptions.HTTPError, ValueError):
            return None

    def readiness(self) -> dict[str, dict[str, Any]]:
        """Each domain service's own `/readyz` answer (whatever its status code), or why it could not be had."""
        report = {}
        for service in DOMAIN_SERVICES:
            try:
                r = self.http.request("GET", self.settings.service_url(service) + "/readyz",
                                      timeout=urllib3.Timeout(connect=0.5, read=1.0))
                report[service] = json.loads(r.data) | {"reachable": True}
            except (urllib3.exceptions.HTTPError, ValueError) as exc:
                report[service] = {"reachable": False, "status": "down", "error": type(exc).__name__}
        return report

    def parked(self, service: str, include_resolved: bool = False) -> list[dict[str, Any]]:
        """The events a service's own consumers parked."""
        reply = self.command(service, "/parked" + ("?all=true" if include_resolved else ""), None, {}, method="GET")
        return reply.body.get("parked", [])


# The first path segment names the resource, and the resource its owning service.
OWNERS = {"charters": "pledge", "drafts": "pledge", "signatures": "pledge", "organisations": "pledge",
          "memberships": "pledge", "erasures": "pledge",
          "barriers": "knowledge", "solutions": "knowledge", "pilots": "pilots"}
