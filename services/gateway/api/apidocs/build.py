"""Build the public API's document: the gateway's routes and each service's commands, from flask-smorest."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from typing import Any

import flask_smorest
from flask import Flask

from shared.openapi import document

from ...edge.auth import SESSION_COOKIE, anonymous_may
from ...edge.consistency import READ_YOUR_WRITES
from .merge import PREFIX, merge, service_part, spelt_out
from .publish import pruned, publish, renamed_page_ids, with_examples

NOT_DOCUMENTED = {"commands.forward", "apidocs.openapi_json", "apidocs.docs_page", "apidocs.asyncapi_json"}
DESCRIPTION = (
    "The Interactive Charter's public API. Reads are open to everyone. Writes need an account (except signing and"
    " a signature's mailed links, whose body carries the proof): send an API token"
    " as `Authorization: Bearer <token>`, or sign in and send the session cookie together with the session's"
    " CSRF token in `X-CSRF-Token`. Commands answer with a `consistency_token`: pass it to a read"
    " (`?consistency_token=`) to read your own write. Every error has the shape `{code, message, errors}`."
    " Reads carry weak ETags; send `If-None-Match` to get 304 when nothing changed. Text is UTF-8 and may not"
    " hold NUL characters. Each operation names the role it needs (`x-required-role`: `anyone`, `account`, or a"
    " role an admin grants) and, on each error reply, the codes it can carry (`x-error-codes`; see docs/errors.md)."
)


def gateway_spec(smorest: flask_smorest.Api) -> dict[str, Any]:
    """The gateway's own routes under /api/v1 (its flask-smorest blueprints) as an OpenAPI 3 document."""
    if "bearerAuth" not in smorest.spec.components.security_schemes:
        smorest.spec.components.security_scheme("bearerAuth", {
            "type": "http", "scheme": "bearer", "description": "an API token from POST /api/v1/tokens"})
        smorest.spec.components.security_scheme("sessionCookie", {
            "type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
            "description": "signed in; writes also need X-CSRF-Token"})
    return document(smorest)


class ApiDocument:
    """The merged document, rebuilt at most every `ttl_s` seconds; a service that cannot answer is left out."""

    def __init__(self, app: Flask, smorest: flask_smorest.Api, fetch: Callable[[str], dict[str, Any] | None],
                 owners: Mapping[str, str], ttl_s: float = 60.0) -> None:
        self.app, self.smorest, self.fetch, self.owners, self.ttl_s = app, smorest, fetch, owners, ttl_s
        self._built: tuple[float, dict[str, Any]] | None = None

    def get(self) -> dict[str, Any]:
        """The current document."""
        if self._built and time.monotonic() - self._built[0] < self.ttl_s:
            return self._built[1]
        services = sorted(set(self.owners.values()))
        specs = {s: self.fetch(s) for s in services}
        parts = [service_part(spec, s, self.owners) for s, spec in specs.items() if spec]
        waiting = _reads_your_writes(self.app)
        merged = renamed_page_ids(spelt_out(merge(gateway_spec(self.smorest), parts)))
        published = publish(merged, anonymous_may, PREFIX, waiting.__contains__,
                            lambda path: path.removeprefix(PREFIX).strip("/").split("/")[0] in self.owners)
        document = with_examples(pruned(published))
        if all(specs.values()):
            self._built = (time.monotonic(), document)
        return document


def _reads_your_writes(app: Flask) -> set[str]:
    """The operations (`get /path`) that wait for a consistency token, their blueprint's every route."""
    return {f"{method.lower()} " + re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule)
            for rule in app.url_map.iter_rules() if rule.endpoint.rpartition(".")[0] in READ_YOUR_WRITES
            for method in (rule.methods or ()) if method not in ("HEAD", "OPTIONS")}
