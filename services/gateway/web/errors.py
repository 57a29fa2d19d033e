"""Error pages for browsers: the API's error answers, shown as a page to a browser asking outside the API."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import psycopg
from flask import Flask, current_app, request
from psycopg_pool import PoolTimeout
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Response

from shared.http import PUBLIC_PATHS

from .accounts import keep_form_token
from .web import page

# Machine paths: these answer JSON (or text) whatever the client prefers.
NOT_PAGES = ("/api/", "/dev/")
JsonAnswer = Callable[[Any], Any]
# The failures whose JSON answers become pages: unknown URLs and other HTTP errors, wrong methods, the database
# out of reach (503); each with the status code Flask files its handler under.
ANSWERED: tuple[tuple[type[Exception], int | None], ...] = (
    (HTTPException, None), (MethodNotAllowed, 405), (PoolTimeout, None), (psycopg.OperationalError, None),
)


def wants_page() -> bool:
    """Whether this request is a browser's asking for a page: outside the API, preferring HTML to JSON."""
    if request.path.startswith(NOT_PAGES) or request.path in PUBLIC_PATHS:
        return False
    # JSON first: a client that accepts both equally (`*/*`, or no Accept at all) keeps getting JSON.
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def error_page(status: int, message: str | None = None, errors: dict[str, Any] | None = None) -> tuple[str, int]:
    """The error page for `status`: its heading and next steps, with `message` (shown as written) when given."""
    return page("error.html", status, status=status, message=message, errors=errors or {})


def page_message(exc: HTTPException) -> str | None:
    """What a page may tell the reader about `exc`: a message the code gave on purpose, never a server fault's."""
    if (exc.code or 500) >= 500 or exc.description == type(exc).description:
        return None
    return exc.description


def install(app: Flask, headers: Mapping[str, str]) -> None:
    """Let the app's JSON answers to unknown URLs, wrong methods and failures become pages for browsers.

    Install after `shared.http.install` and `commands.install_not_found`: their handlers still decide the
    status and headers (`Allow` on a 405, `Retry-After` on a 503); only the body becomes the page, with the
    pages' `headers`.
    """
    for exc_class, code in ANSWERED:
        answer = app.error_handler_spec[None][code].get(exc_class)
        if answer is not None:
            app.register_error_handler(exc_class, _negotiated(answer, headers))


def _negotiated(answer: JsonAnswer, headers: Mapping[str, str]) -> Callable[[Exception], Response]:
    def handle(exc: Exception) -> Response:
        response = current_app.make_response(answer(exc))
        if not wants_page():
            return response
        html, _ = error_page(response.status_code)
        response.set_data(html)
        response.content_type = "text/html; charset=utf-8"
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        keep_form_token(response)
        return response

    return handle
