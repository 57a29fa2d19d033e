"""The system's users, as the end-to-end tests drive them: helpers named after what people do."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import urllib3


@dataclass
class Response:
    status: int
    body: Any
    headers: dict


@dataclass
class WebClient:
    """A web client talking JSON to the gateway only."""

    base_url: str
    actor: str = field(default_factory=lambda: f"user-{uuid.uuid4().hex[:8]}")
    roles: tuple[str, ...] = ()
    http: urllib3.PoolManager = field(default_factory=urllib3.PoolManager)

    def request(self, method: str, path: str, body: Any = None, *, raw: bytes | None = None,
                content_type: str = "application/json", **params: str) -> Response:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        headers = {"X-Actor": self.actor, "X-Roles": ",".join(self.roles)}
        if data is not None:
            headers["Content-Type"] = content_type
        r = self.http.request(method, self.base_url + path, body=data, headers=headers, fields=params or None,
                              timeout=15)
        try:
            parsed = json.loads(r.data) if r.data else None
        except ValueError:
            parsed = r.data.decode(errors="replace")
        return Response(r.status, parsed, dict(r.headers))

    def as_user(self, *roles: str) -> WebClient:
        """Another person using the same gateway, with the given roles."""
        return WebClient(self.base_url, roles=roles, http=self.http)

    def create_charter(self, title: str = "Interactive Charter", purpose: str = "Make government interactive"):
        return self.request("POST", "/api/v1/charters", {"title": title, "purpose": purpose})

    def propose_draft(self, charter_id: str, text: str, title: str = "A draft", parents: tuple[str, ...] = ()):
        return self.request("POST", f"/api/v1/charters/{charter_id}/drafts",
                            {"title": title, "text": text, "change_summary": "first go", "parents": list(parents)})

    def read_charter(self, charter_id: str, token: str | None = None):
        params = {"consistency_token": token} if token else {}
        return self.request("GET", f"/api/v1/charters/{charter_id}", **params)
