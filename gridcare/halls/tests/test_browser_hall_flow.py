"""A customer's way through the hall in a real browser: kiosk → counter console → board →
evaluation pad, with a screenshot of each page in test-artifacts/. The kiosk, the board and the
pad are devices paired through their one-time link, each in a browser of its own
(gridcare.core.browser_testing).
"""

from __future__ import annotations

from typing import Any

import pytest

from gridcare.core.browser_testing import ARTIFACTS, BROWSER, paired_page, signed_in_context
from gridcare.core.testing import City
from gridcare.halls.demo import configure_hall
from gridcare.halls.models import Evaluation, Ticket

pytestmark = BROWSER


@pytest.mark.django_db(transaction=True)
def test_a_ticket_goes_from_kiosk_to_counter_to_board_to_rating(
    town: City, live_server: Any, browser: Any, opening_hours: Any
) -> None:
    configure_hall(town.hall)
    ARTIFACTS.mkdir(exist_ok=True)
    counter = town.counters[1]  # serves payment
    # The kiosk, the board and the pad are paired devices; the console is the clerk's session.
    kiosk = paired_page(browser, live_server, town, "kiosk")
    board = paired_page(browser, live_server, town, "board")
    pad = paired_page(browser, live_server, town, "pad", counter)
    console = signed_in_context(browser, live_server, town.clerk).new_page()

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

    floor = signed_in_context(browser, live_server, town.manager).new_page()  # figures posts only
    floor.goto(f"{live_server.url}/halls/H1/floor/")
    floor.wait_for_selector("#floor-counters")
    floor.screenshot(path=str(ARTIFACTS / "hall-6-floor.png"), full_page=True)
