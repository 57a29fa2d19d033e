"""A real browser for the end-to-end tests: Debian's chromium driven by Playwright (no browser download).

One chromium per test session, with a fresh profile, closed at the end even when tests fail; any of
its processes still alive then (found by that profile's unique path) are stopped by their PID.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

from deploy.local.stack import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}


def pids_using(profile: str) -> list[int]:
    """The processes whose command line names this browser profile: the chromium this session started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if profile.encode() in cmdline:
            found.append(int(entry.name))
    return found


@contextmanager
def chromium_session() -> Iterator[BrowserContext]:
    """Chromium with a fresh profile; closed, and its processes stopped, however the block ends."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="charter-chromium-") as profile:
        playwright = sync_playwright().start()
        try:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path=str(CHROMIUM), headless=True, args=ARGS, viewport=PHONE)
            try:
                yield context
            finally:
                context.close()
        finally:
            playwright.stop()
            for pid in pids_using(profile):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def chromium() -> Iterator[BrowserContext]:
    """The session's browser."""
    with chromium_session() as context:
        yield context


@pytest.fixture
def tab(chromium: BrowserContext) -> Iterator[Page]:
    """A new tab for a new person: no cookies from earlier tests; every JavaScript dialog is recorded."""
    chromium.clear_cookies()
    page = chromium.new_page()
    page.dialogs = []  # type: ignore[attr-defined]

    def on_dialog(dialog) -> None:
        page.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.set_default_timeout(15_000)
    yield page
    page.close()


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as a test artefact under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


ACCESSIBILITY_PROBLEMS = """() => {
  const problems = [];
  for (const tag of ['header', 'nav', 'main', 'footer'])
    if (!document.querySelector(tag)) problems.push('no <' + tag + '> landmark');
  if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one <h1>');
  if (!document.documentElement.lang) problems.push('no lang on <html>');
  if (!document.querySelector('a.skip-link[href="#main"]')) problems.push('no skip link');
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea'))
    if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) problems.push('unlabelled ' + el.name);
  for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) problems.push('img without alt');
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  for (const id of new Set(ids)) if (ids.filter(i => i === id).length > 1) problems.push('duplicate id ' + id);
  return problems;
}"""


def accessibility_problems(page: Page) -> list[str]:
    """What the page lacks of the basics: landmarks, one h1, labels, alt texts, unique ids, a skip link."""
    return page.evaluate(ACCESSIBILITY_PROBLEMS)
