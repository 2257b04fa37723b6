"""The staff pages in a real browser, for the tests marked ``browser`` (issue 13, convention 8).

Chromium comes from Debian's packages (/usr/bin/chromium), driven by Playwright's sync API. The
fixtures (``browser``, ``opening_hours``) are the root conftest's plugin; the helpers sign a person
in through the sign-in page, pair a hall device through its one-time link, and ``look`` at a page
at the sizes it is used at: no horizontal overflow, no internals on screen, a screenshot of each
size in test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from gridcare.core.testing import PASSWORD, City
from gridcare.core.timezone import SHANGHAI

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A module of browser tests: ``pytestmark = BROWSER``.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]

# The sizes the pages are used at (convention 8): the board on a 1080p screen or TV, the pad,
# kiosk and guide's tablet either way round, the desk's 1366×768, a manager's phone on the floor.
SIZES: dict[str, tuple[int, int]] = {
    "board": (1920, 1080),
    "tv": (1280, 720),  # a television's own browser lays the page out at 720p
    "tablet": (1280, 800),
    "tablet-portrait": (800, 1280),
    "desk": (1366, 768),
    "phone": (390, 844),
}
TABLET = ("tablet", "tablet-portrait")
DESK = ("desk", "phone")

# What must never be on a page: a traceback, a Python dict, an English event or field code
# ("ticket_called", "bill_issued"), an untranslated template variable.
INTERNALS = (
    re.compile(r"Traceback"),
    re.compile(r"\{'"),
    re.compile(r"\b[a-z]{2,}(?:_[a-z]+)+\b"),
    re.compile(r"\{\{|\{%"),
)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    from django.db import connections

    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()
        # ORM calls made while Playwright's loop runs get a connection of their own (Django's
        # connections are context-local); close it before the test database is dropped.
        connections.close_all()


@pytest.fixture
def opening_hours(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """A clock that runs from a Monday 10:00, whenever the suite runs: the kiosk issues tickets
    in opening hours only. Returns that Monday 10:00."""
    real_now = timezone.now
    started = real_now()
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: monday + (real_now() - started))
    return monday


def new_context(browser: Browser, size: str = "tablet") -> BrowserContext:
    width, height = SIZES[size]
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    context.set_default_timeout(20000)
    return context


def signed_in_context(browser: Browser, live_server: Any, user: User, size: str = "tablet") -> BrowserContext:
    """A browser already signed in as ``user`` (its session cookie), for tests that are not
    about signing in."""
    client = Client()
    client.force_login(user)
    context = new_context(browser, size)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def sign_in(browser: Browser, live_server: Any, user: User, size: str = "desk") -> Page:
    """A new browser at the sign-in page: the person types their name and password and lands on
    their home page (工作台)."""
    page = new_context(browser, size).new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(user.get_username())
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector("h1:has-text('工作台')")
    return page


def paired_page(browser: Browser, live_server: Any, town: City, kind: str, counter: Any = None) -> Page:
    """A browser of its own for a hall device: the manager registers it, the device's browser
    opens the one-time pairing link and confirms, and lands on its screen."""
    from gridcare.halls.services.devices import device_register
    from gridcare.org.access import scope_for

    device, code = device_register(
        scope=scope_for(town.manager),
        actor=town.manager,
        hall=town.hall,
        kind=kind,
        name=kind,
        counter_id=counter.pk if counter else None,
    )
    page = new_context(browser).new_page()
    page.goto(f"{live_server.url}/halls/device/pair/{code}/")
    page.get_by_role("button", name="确认配对").click()
    page.wait_for_selector("#pair-done")
    page.click("#pair-screen")
    return page


def shown_internals(text: str) -> list[str]:
    """What of ``text`` is an internal (a traceback, a dict, an English code), if anything."""
    return [found.group(0) for pattern in INTERNALS for found in pattern.finditer(text)]


def look(page: Page, name: str, *sizes: str) -> None:
    """The page as it is used: at each size no horizontal overflow and nothing internal on
    screen, and a full-page screenshot test-artifacts/<name>-<size>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    for size in sizes:
        width, height = SIZES[size]
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_load_state()
        page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=True)
        overflow = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert overflow[0] <= overflow[1], f"{name} at {size}: {overflow[0]}px wide in a {overflow[1]}px window"
        assert shown_internals(page.inner_text("body")) == [], f"{name} at {size}"


AXE = Path(__file__).resolve().parent / "tests" / "vendor" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")


def axe_context(browser: Browser, size: str = "phone") -> BrowserContext:
    """A context whose pages accept the injected accessibility checker: axe-core is added as a
    script of the page, which the Content-Security-Policy (script-src 'self') would refuse."""
    width, height = SIZES[size]
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}, bypass_csp=True)
    context.set_default_timeout(20000)
    return context


def accessibility_violations(page: Page, impacts: tuple[str, ...] = SEVERE) -> list[str]:
    """axe-core's violations of the page as it is now with one of ``impacts`` (WCAG 2.1 A and
    AA rules and best practices), as "rule (impact): help — N elements" lines."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => [v.id, v.impact, v.help, v.nodes.length, v.nodes.slice(0, 3).map(n => n.target.join(' '))])"
    )
    return [
        f"{rule} ({impact}): {text} — {count} elements, e.g. {targets}"
        for rule, impact, text, count, targets in found
        if impact in impacts
    ]
