"""A customer's way through the hall in a real browser: kiosk → counter console → board →
evaluation pad, with a screenshot of each page in test-artifacts/. The kiosk, the board and the
pad are devices paired through their one-time link, each in a browser of its own.

Chromium comes from Debian's packages (/usr/bin/chromium), driven by Playwright.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.halls.demo import configure_hall
from gridcare.halls.models import Evaluation, Ticket
from gridcare.halls.services.devices import device_register
from gridcare.org.access import scope_for

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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
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


def _signed_in_context(browser: Any, live_server: Any, user: User) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    context.set_default_timeout(20000)
    return context


@pytest.fixture
def opening_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock that runs from a Monday 10:00, whenever the suite runs: the kiosk issues tickets
    in opening hours only."""
    real_now = timezone.now
    started = real_now()
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: monday + (real_now() - started))


def _paired_page(browser: Any, live_server: Any, town: City, kind: str, counter: Any = None) -> Any:
    """A browser of its own for a hall device: the manager registers it, the device's browser
    opens the one-time pairing link and confirms, and lands on its screen."""
    device, code = device_register(
        scope=scope_for(town.manager),
        actor=town.manager,
        hall=town.hall,
        kind=kind,
        name=kind,
        counter_id=counter.pk if counter else None,
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(20000)
    page = context.new_page()
    page.goto(f"{live_server.url}/halls/device/pair/{code}/")
    page.get_by_role("button", name="确认配对").click()
    page.wait_for_selector("#pair-done")
    page.click("#pair-screen")
    return page


@pytest.mark.django_db(transaction=True)
def test_a_ticket_goes_from_kiosk_to_counter_to_board_to_rating(
    town: City, live_server: Any, browser: Any, opening_hours: None
) -> None:
    configure_hall(town.hall)
    ARTIFACTS.mkdir(exist_ok=True)
    counter = town.counters[1]  # serves payment
    # The kiosk, the board and the pad are paired devices; the console is the clerk's session.
    kiosk = _paired_page(browser, live_server, town, "kiosk")
    board = _paired_page(browser, live_server, town, "board")
    pad = _paired_page(browser, live_server, town, "pad", counter)
    console = _signed_in_context(browser, live_server, town.clerk).new_page()

    kiosk.wait_for_selector("#kiosk-form")
    kiosk.screenshot(path=str(ARTIFACTS / "hall-1-kiosk.png"), full_page=True)
    kiosk.get_by_role("button", name="缴费").click()
    kiosk.wait_for_selector("#ticket-number")
    assert kiosk.inner_text("#ticket-number") == "A001"
    kiosk.screenshot(path=str(ARTIFACTS / "hall-2-ticket.png"), full_page=True)
    # The kiosk's browser reaches nothing else: the archive search is the sign-in page.
    kiosk.goto(f"{live_server.url}/customers/?q=张")
    assert "/login/" in kiosk.url

    board.wait_for_selector("#board")
    pad.wait_for_selector("#pad")
    console.goto(f"{live_server.url}/halls/counter/{counter.pk}/")
    console.keyboard.press("n")  # call next
    console.wait_for_selector("#current-number:has-text('A001')")
    console.screenshot(path=str(ARTIFACTS / "hall-3-console.png"), full_page=True)

    # The board picks the call up by itself and announces it.
    board.wait_for_selector("#calls li:has-text('A001')")
    # A selector, not wait_for_function: the page's CSP forbids evaluating a string as script.
    board.wait_for_selector("body[data-last-said='请A001号到2号窗口办理']", state="attached")
    board.screenshot(path=str(ARTIFACTS / "hall-4-board.png"), full_page=True)

    console.fill("#outcome", "已缴费")
    console.locator("body").click()
    console.keyboard.press("f")  # finish
    console.wait_for_selector("#current-number:has-text('—')")
    ticket = Ticket.objects.get(number="A001")
    assert (ticket.status, ticket.outcome) == ("finished", "已缴费")

    pad.wait_for_selector("text=A001号，请您为本次服务评价")
    pad.screenshot(path=str(ARTIFACTS / "hall-5-pad.png"), full_page=True)
    pad.get_by_role("button", name="满意", exact=True).click()
    pad.wait_for_selector("#pad-thanks")
    evaluation = Evaluation.objects.get()
    assert (evaluation.ticket, evaluation.rating, evaluation.counter, evaluation.clerk) == (
        ticket,
        "satisfied",
        counter,
        town.clerk,
    )

    floor = _signed_in_context(browser, live_server, town.manager).new_page()  # figures posts only
    floor.goto(f"{live_server.url}/halls/H1/floor/")
    floor.wait_for_selector("#floor-counters")
    floor.screenshot(path=str(ARTIFACTS / "hall-6-floor.png"), full_page=True)
