"""The gateway's pooled HTTP client to the domain services it forwards commands to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import urllib3

from shared.config import DOMAIN_SERVICES, Settings


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]


class Services:
    """Keep-alive connections to each domain service, carrying the internal credential."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.http = urllib3.PoolManager(num_pools=8, maxsize=32, retries=False, timeout=urllib3.Timeout(10))

    def command(self, service: str, path: str, body: bytes | None, headers: dict[str, str],
                method: str = "POST") -> Reply:
        """Send a request (a command body by POST, unless `method` says otherwise); its status and JSON reply."""
        response = self.http.request(
            method, self.settings.service_url(service) + path, body=body,
            headers=headers | {"X-Internal-Token": self.settings.internal_token},
        )
        return Reply(response.status, json.loads(response.data or b"{}"))

    def openapi(self, service: str) -> dict[str, Any] | None:
        """The service's own OpenAPI document, or None when it cannot be had right now."""
        try:
            r = self.http.request("GET", self.settings.service_url(service) + "/openapi.json", timeout=5,
                                  headers={"X-Internal-Token": self.settings.internal_token})
            return json.loads(r.data) if r.status == 200 else None
        except (urllib3.exceptions.HTTPError, ValueError):
            return None

    def fetch(self, service: str, path: str, headers: dict[str, str]) -> urllib3.BaseHTTPResponse:
        """GET a service's resource as it is (bytes, status and headers), carrying the internal credential."""
        return self.http.request("GET", self.settings.service_url(service) + path,
                                 headers=headers | {"X-Internal-Token": self.settings.internal_token})

    def health(self) -> dict[str, dict[str, Any]]:
        """Each domain service's own `/healthz` answer, or why it could not be had."""
        report = {}
        for service in DOMAIN_SERVICES:
            try:
                r = self.http.request("GET", self.settings.service_url(service) + "/healthz", timeout=2)
                report[service] = json.loads(r.data) | {"reachable": True}
            except (urllib3.exceptions.HTTPError, ValueError) as exc:
                report[service] = {"reachable": False, "status": "down", "error": type(exc).__name__}
        return report
