"""Pages rendered without a stack: the home page before any charter exists; error pages, which a browser outside the
API gets for a gone address or a failure (never a traceback), while JSON clients keep the one JSON error shape."""

from pathlib import Path

import pytest
from flask import Blueprint, Flask, abort, render_template
from psycopg_pool import PoolTimeout

from services.gateway import web
from services.gateway.web import errors
from shared import http

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
PAGES = ("home", "charters", "browse", "pilots_dashboard", "about", "sign_in", "sign_up", "sign_out", "account")


@pytest.fixture(scope="module")
def app():
    """An app with the web's templates and error pages, whose `/gone` is gone and `/broken` fails."""
    app = Flask(__name__)
    ui = Blueprint("ui", __name__, template_folder=Path(web.__file__).parent / "templates",
                   static_folder=Path(web.__file__).parent / "static", static_url_path="/ui-static")
    for name in PAGES:
        ui.add_url_rule(f"/{name}", name, lambda: "")
    ui.add_app_template_global(lambda role: False, "has_role")
    ui.add_app_template_global(lambda: "token", "csrf_token")
    app.register_blueprint(ui)
    app.add_url_rule("/gone", "gone", lambda: abort(410))
    app.add_url_rule("/broken", "broken", lambda: 1 / 0)
    app.add_url_rule("/busy", "busy", busy)
    http.install(app)
    errors.install(app, {"X-Content-Type-Options": "nosniff"})
    return app


def busy():
    raise PoolTimeout("no connection within the deadline")


@pytest.fixture
def client(app):
    return app.test_client()


def test_with_no_charter_the_home_page_still_explains_the_three_parts_and_says_what_happens_next(app):
    with app.test_request_context("/"):
        html = render_template("home.html", charter=None, barriers=[], pilots=[], phases=[], charter_total=0)

    for part in ("Drafting and signing the charter", "The knowledge base", "Pilots", "No charter yet."):
        assert part in html
    assert "What happens next: a steward starts the first charter and opens a drafting round." in html
    assert 'href="/about"' in html


def test_a_failure_is_a_page_saying_sorry_without_the_error_itself(client):
    page = client.get("/broken", headers={"Accept": BROWSER})

    text = page.get_data(as_text=True)
    assert page.status_code == 500 and page.mimetype == "text/html"
    assert "Sorry, there is a problem with the service" in text and "Try again later." in text
    assert "ZeroDivisionError" not in text and "Traceback" not in text
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_the_database_out_of_reach_is_a_page_saying_sorry_and_when_to_try_again(client):
    page = client.get("/busy", headers={"Accept": BROWSER})

    assert (page.status_code, page.mimetype, page.headers["Retry-After"]) == (503, "text/html", "2")
    assert "Sorry, there is a problem with the service" in page.get_data(as_text=True)


def test_a_gone_address_is_a_page_saying_so(client):
    page = client.get("/gone", headers={"Accept": BROWSER})

    assert page.status_code == 410 and "This page has gone" in page.get_data(as_text=True)


def test_a_client_asking_for_json_keeps_the_json_error(client):
    failed = client.get("/broken", headers={"Accept": "application/json"})
    gone = client.get("/gone")

    assert (failed.status_code, failed.json["code"]) == (500, "internal_server_error")
    assert (gone.status_code, gone.json["code"]) == (410, "gone")
