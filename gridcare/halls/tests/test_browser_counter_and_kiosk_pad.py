"""The counter and the hall in a real browser (issue 13), at the sizes they are used at: the
kiosk's number pad by clicks only (a touch screen has no keyboard) at 1280×800 and 800×1280, its
ticket slip and print button; the counter console at 1366×768 with the customer, a running timer
and the transfer by keyboard; the bill and receipt print pages; the evaluation pad with the
clerk's name and counter. No page overflows sideways. Screenshots in test-artifacts/."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

import pytest

from gridcare.billing.models import Payment
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.browser_testing import ARTIFACTS, BROWSER, look, paired_page, signed_in_context
from gridcare.core.testing import City, signed_in
from gridcare.halls.demo import configure_hall
from gridcare.halls.models import Ticket
from gridcare.halls.services.tickets import ticket_issue
from gridcare.org.access import scope_for
from gridcare.workorders.tests.conftest import take

pytestmark = BROWSER

# window.print() stubbed before the page's own scripts: the button is pressed, no dialog opens.
PRINT_STUB = "window.print = function () { document.body.setAttribute('data-printed', '1'); };"


def _shot(page: Any, name: str) -> None:
    """A screenshot as the page is now (a state ``look`` does not cover: printing, a key pressed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_the_kiosk_number_pad_works_by_clicks_only_and_the_slip_prints(
    town: City, live_server: Any, browser: Any, opening_hours: None
) -> None:
    configure_hall(town.hall)
    kiosk = paired_page(browser, live_server, town, "kiosk")
    kiosk.context.add_init_script(PRINT_STUB)
    kiosk.wait_for_selector("#kiosk-form")
    assert kiosk.locator("#numpad").is_hidden()
    kiosk.click("#kiosk-phone")
    kiosk.wait_for_selector("#numpad", state="visible")
    assert kiosk.inner_text("#numpad-caption") == "手机号（选填，临近叫号短信提醒）"
    for digit in "13800138001":
        kiosk.click(f"#numpad [data-numpad-key='{digit}']")
    kiosk.click("#numpad [data-numpad-key='delete']")
    kiosk.click("#numpad [data-numpad-key='0']")
    assert kiosk.input_value("#kiosk-phone") == "13800138000"
    assert kiosk.inner_text("#numpad-readout") == "13800138000"
    for digit in "123":  # the field takes 13 characters, no more
        kiosk.click(f"#numpad [data-numpad-key='{digit}']")
    assert kiosk.input_value("#kiosk-phone") == "1380013800012"
    look(kiosk, "kiosk-numpad", "tablet", "tablet-portrait")
    kiosk.click("#numpad [data-numpad-key='clear']")
    assert kiosk.input_value("#kiosk-phone") == ""
    for digit in "13800138000":
        kiosk.click(f"#numpad [data-numpad-key='{digit}']")
    kiosk.click("#numpad [data-numpad-key='ok']")
    kiosk.wait_for_selector("#numpad", state="hidden")

    kiosk.get_by_role("button", name="缴费").click()
    kiosk.wait_for_selector("#ticket-number")
    ticket = Ticket.objects.get()
    assert (ticket.number, ticket.phone) == ("A001", "13800138000")
    assert kiosk.inner_text("#ticket-type") == "缴费"
    assert kiosk.inner_text("#ticket-ahead") == "您前面还有 0 人"
    assert re.fullmatch(r"取号时间 2026-11-23 10:\d\d", kiosk.inner_text("#ticket-time"))
    look(kiosk, "kiosk-slip", "tablet", "tablet-portrait")
    kiosk.click("#print-slip")
    kiosk.wait_for_selector("body[data-printed='1']", state="attached")
    kiosk.emulate_media(media="print")
    assert kiosk.locator("#print-slip").is_hidden()
    _shot(kiosk, "kiosk-slip-print.png")


@pytest.mark.django_db(transaction=True)
def test_the_console_shows_the_customer_times_the_call_transfers_by_keyboard_and_prints(
    town: City, live_server: Any, browser: Any, opening_hours: None
) -> None:
    configure_hall(town.hall)
    no = town.account.account_no
    order = take(town.agent, type="inquiry", text="咨询电价", account_no=no)
    issued_bill(town.account, "2026-10", "88.00", date(2026, 12, 25))
    ticket_issue(
        scope=scope_for(town.guide),
        actor=town.guide,
        hall=town.hall,
        kind="account_change",
        source="guide",
        account_no=no,
    )
    counter = town.counters[0]  # serves C (account change) and B
    pad = paired_page(browser, live_server, town, "pad", counter)
    context = signed_in_context(browser, live_server, town.clerk, "desk")
    context.add_init_script(PRINT_STUB)
    console = context.new_page()
    console.goto(f"{live_server.url}/halls/counter/{counter.pk}/")
    console.keyboard.press("n")
    console.wait_for_selector("#current-number:has-text('C001')")
    console.wait_for_selector(f"#customer a:has-text('{order.number}')")
    assert console.inner_text("#console-clerk") == f"窗口人员：clerk（工号 {town.clerk.staff.employee_no}）"
    assert console.inner_text("#customer-due") == "欠费 88.00 元（1 张账单），违约金 0.00 元"
    first = console.inner_text("#call-timer")
    console.wait_for_timeout(2500)
    later = console.inner_text("#call-timer")
    assert re.fullmatch(r"00:0\d", first) and re.fullmatch(r"00:0\d", later) and later > first
    look(console, "console", "desk")

    # The bill prints from the console, in a tab of its own, on A4.
    with context.expect_page() as opened:
        console.click("#customer-print a:has-text('打印 2026-10 账单')")
    bill = opened.value
    bill.wait_for_selector("#document")
    assert "本期电费\t88.00 元" in bill.inner_text("#document")
    look(bill, "bill-print", "desk")
    bill.click("#print-document")
    bill.wait_for_selector("body[data-printed='1']", state="attached")
    bill.emulate_media(media="print")
    assert bill.locator(".topbar").is_hidden()
    _shot(bill, "bill-print-a4.png")

    # The transfer by keyboard alone: T to the list, ↓ to the next choice, Enter.
    console.keyboard.press("t")
    console.wait_for_selector("#transfer-target:focus")
    console.keyboard.press("ArrowDown")
    console.keyboard.press("Enter")
    console.wait_for_selector("#current-number:has-text('—')")
    ticket = Ticket.objects.select_related("business_type").get()
    assert (ticket.status, ticket.business_type.prefix) == ("waiting", "B")

    console.keyboard.press("n")
    console.wait_for_selector("#current-number:has-text('C001')")
    console.keyboard.press("f")
    console.wait_for_selector("#current-number:has-text('—')")
    pad.wait_for_selector("text=C001号，请您为本次服务评价")
    assert pad.inner_text("#pad-clerk-name") == "clerk"
    assert pad.inner_text("#pad-counter") == "1号窗口"
    look(pad, "pad-rating", "tablet", "tablet-portrait")

    signed_in(town.clerk).post(
        f"/billing/accounts/{no}/pay/",
        {"channel": "counter_cash", "amount": "88.00", "idempotency_key": str(uuid.uuid4())},
    )
    payment = Payment.objects.get()
    receipt = context.new_page()
    receipt.goto(f"{live_server.url}/billing/accounts/{no}/?print=receipt&payment={payment.pk}")
    assert "缴费金额\t88.00 元" in receipt.inner_text("#document")
    look(receipt, "receipt-print", "desk")
    receipt.emulate_media(media="print")
    _shot(receipt, "receipt-print-80mm.png")
