"""Browser-test support: Debian's Chromium through Playwright, axe-core on every page, screenshots.

Fixtures (registered for the whole suite in ``lis/conftest.py``; a second registration would
start a second Playwright in the same thread, which fails):

- ``browser`` — one headless Chromium per test session (never downloaded: the Debian package).
- ``ui`` — a fresh context and page against pytest-django's ``live_server`` for each test, wrapped
  in :class:`UI`, whose ``goto``/``login``/``check`` screenshot the page and run axe on it.

Mark the tests ``@pytest.mark.browser``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Browser, Page, Response, expect, sync_playwright

from lis.conftest import PASSWORD

__all__ = ["UI", "assert_accessible", "browser", "chromium_path", "ui"]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOT_DIR = Path("/tmp/lis-shots")  # noqa: S108 - for humans to look at, never committed
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}

_axe = Axe()

# Every Content-Security-Policy violation also reaches the console, whichever way the browser
# reports it itself; every browser test fails on one (and on a Permissions-Policy complaint).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  console.error(`securitypolicyviolation: ${event.effectiveDirective} ${event.blockedURI} ${where}`);
});
"""
COMPLAINTS = ("Content Security Policy", "securitypolicyviolation", "Permissions-Policy", "Permissions policy")


def chromium_path() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def assert_accessible(page: Page) -> None:
    """Fail with a readable list if axe-core finds WCAG 2.1 A/AA violations on the page as it is now."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    if not violations:
        return
    lines = [f"axe: {len(violations)} WCAG-överträdelse(r) på {page.url}"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{len(v['nodes'])} element]")
        for node in v["nodes"][:3]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}  — {summary[:300]}")
    pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        message = "Chromium saknas: installera Debian-paketet chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    # Playwright's sync API keeps an asyncio loop running on this thread, which makes Django
    # refuse ORM calls from the test body; the ORM itself is still only used synchronously.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class UI:
    """One test's browser page, with the checks every visited page must pass."""

    page: Page
    base_url: str
    name: str
    shots: int = 0
    # Console messages about the Content-Security-Policy or Permissions-Policy, on any page.
    complaints: list[str] = field(default_factory=list)

    def watch(self) -> None:
        self.page.add_init_script(REPORT_VIOLATIONS)
        self.page.on(
            "console",
            lambda message: (
                self.complaints.append(f"{self.page.url}: {message.text}")
                if any(word in message.text for word in COMPLAINTS)
                else None
            ),
        )

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str, *, status: int = 200) -> Response:
        response = self.page.goto(self.url(path))
        assert response is not None
        assert response.status == status, f"{path}: väntade {status}, fick {response.status}"
        self.check()
        return response

    def check(self) -> None:
        """Screenshot and axe the page as it is now: after every navigation and every htmx swap.

        Also that the footer links the policy, which must be reachable from every page (POL-2.4),
        and that no page so far broke the Content-Security-Policy."""
        self.page.wait_for_load_state()
        assert self.complaints == [], "\n".join(self.complaints)
        self.shots += 1
        SHOT_DIR.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SHOT_DIR / f"{self.name}-{self.shots}.png", full_page=True)
        assert_accessible(self.page)
        expect(self.page.locator(f"footer a[href='{reverse('policy:current')}']")).to_have_count(1)

    def login(self, username: str, password: str = PASSWORD) -> None:
        """Through the real form, as a person would (so django-axes and the login event run)."""
        self.goto("/logga-in/")
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(password)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Logga in").click()
        self.check()


@pytest.fixture
def ui(browser: Browser, live_server, transactional_db, request: pytest.FixtureRequest) -> Iterator[UI]:
    context = browser.new_context(locale="sv-SE", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        ui = UI(page=page, base_url=live_server.url, name=re.sub(r"[^\w.-]+", "_", request.node.name))
        ui.watch()
        yield ui
    finally:
        context.close()
