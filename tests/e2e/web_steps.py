"""Steps the browser tests share: the world a newcomer finds, and what a person does in the pages."""

from __future__ import annotations

import random
import string
import struct
import uuid
import zlib
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

from ..conftest import gateway_url
from .browser import accessibility_problems, screenshot
from .clients import WebClient
from .pilot_steps import propose_barrier, running_pilot

METRICS_CSV = ("reported_on,metric,value,unit\n2025-02-01,teams sharing documents,2,teams\n"
               "2025-03-01,teams sharing documents,5,teams\n2025-04-01,teams sharing documents,9,teams\n")


def tiny_png(width: int = 16, height: int = 12) -> bytes:
    """A real (decodable) PNG of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes((30, 90, 160)) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@dataclass
class World:
    base: str
    charter_id: str
    other_draft_id: str
    barrier_id: str
    barrier_title: str
    search_word: str
    pilot_id: str
    pilot_title: str


def build_world(settings) -> World:
    """What the newcomer finds: a charter with an adopted version and an open round, a barrier, a running pilot."""
    web = WebClient(gateway_url(settings))
    steward = web.as_user("steward")
    charter_id = steward.create_charter(title="The Interactive Charter").body["charter_id"]
    first = steward.propose_draft(charter_id, "I want my organisation to get interactivity.", title="Version one")
    assert steward.adopt_draft(charter_id, first.body["draft_id"]).status == 201
    assert steward.open_round(charter_id).status == 201
    other = web.as_user().propose_draft(charter_id, "We will work in the open, with the people we serve.",
                                        title="Work in the open")
    word = "".join(random.choices(string.ascii_lowercase, k=12))
    title = f"Photo uploads refused by the {word} policy"
    barrier_id = propose_barrier(web, title)
    pilot = running_pilot(web, steward, barrier_id)
    pilot_title = web.read_pilot(pilot.pilot_id, pilot.token).body["title"]
    imported = pilot.lead.upload_pilot_csv(pilot.pilot_id, "metrics", METRICS_CSV)
    assert imported.status == 201, imported.body
    steward.wait_until_read(other.body["consistency_token"], imported.body["consistency_token"])
    return World(web.base_url, charter_id, other.body["draft_id"], barrier_id, title, word, pilot.pilot_id, pilot_title)


def sign_up(page: Page, base: str) -> str:
    """Open an account through the sign-up page; the e-mail used."""
    email = f"newcomer-{uuid.uuid4().hex[:8]}@example.test"
    page.goto(base + "/sign-up")
    page.get_by_label("Your name, as others see it").fill("Newcomer Example")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("Your account is ready")
    return email


def looks_right(page: Page, name: str) -> None:
    """The page is no error page, and has the accessible basics; a screenshot of it is kept."""
    assert "there is a problem with the service" not in page.title(), page.url
    assert accessibility_problems(page) == [], page.url
    screenshot(page, name)


def nav(page: Page, name: str) -> Locator:
    """A link of the main navigation."""
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)
