"""The counter console (issue 13): who works the counter, the current ticket's customer with
links to the card and the bills, its open work orders and arrears, print buttons for the last
bill and receipt, a timer since the call, and the keyboard shortcuts written on the page."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest

from gridcare.billing.models import Payment
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City, signed_in
from gridcare.halls.services.tickets import ticket_issue
from gridcare.halls.tests.appointments_helpers import Clock
from gridcare.org.access import scope_for
from gridcare.workorders.tests.conftest import take

HX = {"HTTP_HX_REQUEST": "true"}


def _customer(html: str) -> str:
    found = re.search(r'<section class="card customer" id="customer">(.*?)</section>', html, re.S)
    assert found is not None
    return found.group(1)


def _account_ticket(town: City) -> None:
    ticket_issue(
        scope=scope_for(town.guide),
        actor=town.guide,
        hall=town.hall,
        kind="account_change",
        source="guide",
        account_no=town.account.account_no,
    )


@pytest.mark.django_db
def test_the_console_shows_the_clerk_the_customer_orders_arrears_and_a_timer(hall_town: City, clock: Clock) -> None:
    no = hall_town.account.account_no
    order = take(hall_town.agent, type="inquiry", text="咨询电价", account_no=no)
    issued_bill(hall_town.account, "2026-10", "88.00", date(2026, 11, 25))
    _account_ticket(hall_town)
    counter = hall_town.counters[0]
    client = signed_in(hall_town.clerk)
    before = client.get(f"/halls/counter/{counter.pk}/", **HX).content.decode()
    assert '<span id="console-clerk" class="muted">尚无人员签到：叫号或恢复服务即在本窗口签到。</span>' in before
    assert 'id="customer"' not in before

    client.post(f"/halls/counter/{counter.pk}/call/", **HX)
    clock.advance(minutes=3, seconds=25)
    page = client.get(f"/halls/counter/{counter.pk}/", **HX).content.decode()
    employee_no = hall_town.clerk.staff.employee_no
    assert '<span class="counter-no">1号窗口</span>' in page
    assert f'<span id="console-clerk">窗口人员：clerk（工号 {employee_no}）</span>' in page
    assert 'id="current-number">C001<' in page
    assert '<b id="call-timer" data-elapsed="205">03:25</b>' in page
    customer = _customer(page)
    assert f'<dd><a href="/customers/{no}/" target="_blank">{no}</a></dd>' in customer
    assert f'<a class="button" href="/customers/{no}/" target="_blank">客户档案</a>' in customer
    assert f'<a class="button" href="/billing/accounts/{no}/" target="_blank">账单、缴费与欠费</a>' in customer
    assert '<p id="customer-due"><b class="owed">欠费 88.00 元（1 张账单），违约金 0.00 元</b></p>' in customer
    assert f'<a href="/workorders/{order.number}/" target="_blank">{order.number}</a> 咨询' in customer
    assert (
        f'<a class="button" href="/billing/accounts/{no}/?print=bill&amp;period=2026-10" target="_blank">'
        "打印 2026-10 账单</a>"
    ) in customer
    assert "打印最近缴费凭证" not in customer

    signed_in(hall_town.clerk).post(
        f"/billing/accounts/{no}/pay/",
        {"channel": "counter_cash", "amount": "88.00", "idempotency_key": str(uuid.uuid4())},
    )
    payment = Payment.objects.get()
    customer = _customer(client.get(f"/halls/counter/{counter.pk}/", **HX).content.decode())
    assert '<p id="customer-due">无欠费</p>' in customer
    assert (
        f'<a class="button" href="/billing/accounts/{no}/?print=receipt&amp;payment={payment.pk}" target="_blank">'
        "打印最近缴费凭证</a>"
    ) in customer


@pytest.mark.django_db
def test_a_ticket_without_an_account_shows_no_customer(hall_town: City) -> None:
    from gridcare.halls.tests.helpers import issue

    issue(hall_town, "payment")
    client = signed_in(hall_town.clerk)
    page = client.post(f"/halls/counter/{hall_town.counters[1].pk}/call/", **HX).content.decode()
    assert 'id="current-number">A001<' in page
    assert 'id="customer"' not in page


@pytest.mark.django_db
def test_the_shortcuts_are_on_the_buttons_and_written_on_the_page(hall_town: City) -> None:
    page = signed_in(hall_town.clerk).get(f"/halls/counter/{hall_town.counters[1].pk}/").content.decode()
    for key, label in (
        ("n", "叫下一位"),
        ("r", "重呼"),
        ("x", "过号"),
        ("f", "办结"),
        ("p", "暂停服务"),
        ("o", "恢复服务"),
    ):
        assert re.search(rf'<button[^>]* data-key="{key}" accesskey="{key}"[^>]*>{label}<kbd>{key.upper()}</kbd>', page)
    assert re.search(
        r'<select name="target" id="transfer-target" data-key="t" accesskey="t" data-enter-clicks="#transfer-button"',
        page,
    )
    assert '<button id="transfer-button"' in page
    assert (
        '<p class="hint muted" id="shortcuts">快捷键：N 叫下一位，R 重呼，X 过号，F 办结，'
        "T 选择转移去向（↑↓ 选择，Enter 转移，Esc 取消），P 暂停服务，O 恢复服务。正在输入时请用 Alt+字母。</p>"
    ) in page
    assert '<script src="/static/halls/console.js"></script>' in page
