"""The customer's tasks in a real browser at a phone's size (390×844), in 长辈模式 for the fault
report: paying a bill through the simulated provider, taking a ticket and following it to the
rating, booking and cancelling an appointment, reporting a fault followed to closing, answering
the call-back and rating it. Each page is screenshot in test-artifacts/ and checked by axe-core
(no serious or critical violation)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from pytest_django import Settings

from gridcare.billing.models import Bill, BillStatus, Payment, PaymentOrder
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.browser_testing import BROWSER, accessibility_violations, axe_context, look
from gridcare.core.testing import City, api_client
from gridcare.halls.models import Appointment, AppointmentStatus, Evaluation, Ticket, TicketStatus
from gridcare.portal.access import COOKIE, USER_KEY
from gridcare.portal.tests.conftest import Customer
from gridcare.portal.tests.visit_helpers import clock, halls, post_json, serve
from gridcare.workorders.models import CallBack, OrderRating, WorkOrder

__all__ = ["clock", "halls"]  # the fixtures these tests use
pytestmark = BROWSER


def checked(page: Any, name: str) -> None:
    look(page, name, "phone")
    assert accessibility_violations(page) == [], name


def customer_page(browser: Any, live_server: Any, customer: Customer) -> Any:
    """A phone's browser with the customer's portal session (signed in by the code flow, which
    test_browser_portal walks through the pages)."""
    session = SessionStore()
    session[USER_KEY] = customer.user.pk
    session.create()
    context = axe_context(browser)
    context.add_cookies([{"name": COOKIE, "value": session.session_key or "", "url": live_server.url}])
    return context.new_page()


@pytest.mark.django_db(transaction=True)
def test_a_customer_pays_a_bill_through_the_simulated_provider(
    town: City, zhang: Customer, live_server: Any, browser: Any, settings: Settings
) -> None:
    settings.GRIDCARE_PAYMENT_PROVIDERS = {
        "simulated": {"ENABLED": True, "KEY": "test-simulated-key"},
        "wechat": {"ENABLED": False},
        "alipay": {"ENABLED": False},
    }
    bill = issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    page = customer_page(browser, live_server, zhang)
    page.goto(f"{live_server.url}/portal/")
    page.wait_for_selector("text=¥88.00")
    page.get_by_role("link", name="缴费", exact=True).click()
    page.wait_for_selector("text=应缴电费")
    assert page.get_by_label("金额（元）").input_value() == "88.00"
    page.get_by_label("模拟支付（演示）").check()
    checked(page, "portal-pay-1-form")
    page.get_by_role("button", name="下一步").click()
    page.wait_for_selector(f"text=将为户号 {town.account.account_no} 缴纳 ¥88.00")
    assert not PaymentOrder.objects.exists()  # asked, not done
    checked(page, "portal-pay-2-confirm")
    page.get_by_role("button", name="确认支付").click()
    page.wait_for_selector("text=这是演示用的模拟支付页面，不会真实扣款。")
    checked(page, "portal-pay-3-cashier")
    page.get_by_role("button", name="确认支付").click()
    page.wait_for_selector("text=缴费成功")
    checked(page, "portal-pay-4-paid")
    order = PaymentOrder.objects.get()
    assert (order.status, order.amount, order.channel) == ("paid", Decimal("88.00"), "web")
    assert list(Payment.objects.values_list("amount", "channel")) == [(Decimal("88.00"), "web")]
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    assert page.get_by_role("link", name="查看缴费凭证").get_attribute("href") == (
        f"/portal/pay/orders/{order.order_no}/receipt.pdf"
    )
    page.reload()  # the result page again: still one payment
    page.wait_for_selector("text=缴费成功")
    assert Payment.objects.count() == 1 and Bill.objects.get().status == BillStatus.PAID


@pytest.mark.django_db(transaction=True)
def test_a_ticket_taken_on_the_phone_is_served_and_rated(
    halls: City, zhang: Customer, live_server: Any, browser: Any
) -> None:
    page = customer_page(browser, live_server, zhang)
    page.goto(f"{live_server.url}/portal/service/")
    page.get_by_role("link", name="线上取号").first.click()
    page.wait_for_selector("text=城区营业厅")
    checked(page, "portal-ticket-1-halls")
    page.locator("a[href='/portal/visits/halls/H1/ticket/']").click()
    page.wait_for_selector("h1:has-text('线上取号')")
    page.get_by_label("缴费 · 等候0人 · 约0分钟").check()
    checked(page, "portal-ticket-2-take")
    page.get_by_role("button", name="取号").click()
    page.wait_for_selector("text=取号成功：城区营业厅 A001号。")
    assert page.inner_text("#visit-ahead") == "您前面还有 0 人"
    checked(page, "portal-ticket-3-waiting")
    ticket = Ticket.objects.get()
    assert (ticket.number, ticket.status) == ("A001", TicketStatus.WAITING)

    serve(halls, ticket)  # the clerk calls it to counter 2 and finishes it
    page.reload()
    page.wait_for_selector("#visit-done")
    page.get_by_label("非常满意").check()
    checked(page, "portal-ticket-4-rate")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=您的评价：非常满意")
    checked(page, "portal-ticket-5-rated")
    assert list(Evaluation.objects.values_list("ticket_id", "rating")) == [(ticket.pk, "very_satisfied")]


@pytest.mark.django_db(transaction=True)
def test_an_appointment_is_booked_and_cancelled_after_a_question(
    halls: City, zhang: Customer, live_server: Any, browser: Any
) -> None:
    page = customer_page(browser, live_server, zhang)
    page.goto(f"{live_server.url}/portal/visits/halls/H1/book/")
    page.get_by_label("办理业务").select_option("payment")
    page.get_by_label("预约日期").select_option("2026-11-24")
    page.get_by_role("button", name="查看可预约时段").click()
    page.wait_for_selector("text=10:00-10:30（余2个）")
    page.get_by_label("10:00-10:30（余2个）").check()
    checked(page, "portal-book-1-slots")
    page.get_by_role("button", name="确认预约").click()
    appointment_text = page.wait_for_selector("text=预约成功：11月24日 10:00-10:30 城区营业厅")
    assert appointment_text is not None
    checked(page, "portal-book-2-booked")
    appointment = Appointment.objects.get()
    assert (appointment.status, str(appointment.day)) == (AppointmentStatus.BOOKED, "2026-11-24")

    page.get_by_role("button", name="取消预约").click()
    page.wait_for_selector("text=确定取消吗？")
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED  # asked, not done
    checked(page, "portal-book-3-ask")
    page.get_by_role("button", name="确定取消预约").click()
    page.wait_for_selector(f"text=预约{appointment.reference}已取消。")
    checked(page, "portal-book-4-cancelled")
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_a_fault_reported_in_elderly_mode_is_followed_to_closing_answered_and_rated(
    halls: City, zhang: Customer, live_server: Any, browser: Any
) -> None:
    page = customer_page(browser, live_server, zhang)
    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("button", name="长辈模式").click()
    page.wait_for_selector("body.elderly")
    page.goto(f"{live_server.url}/portal/requests/new/fault/")
    page.wait_for_selector("body.elderly")
    page.get_by_label("您的诉求").fill("家里突然停电了")
    checked(page, "portal-fault-1-form-elderly")
    page.get_by_role("button", name="提交").click()
    order = WorkOrder.objects.get()
    page.wait_for_selector(f"text=已提交，工单编号 {order.number}。")
    checked(page, "portal-fault-2-filed-elderly")
    assert (order.channel, order.type, order.account) == ("web", "fault", halls.account)

    agent = api_client(halls.agent)
    for action, body in (("accept", {}), ("dispatch", {"unit": "U1"}), ("arrive", {}), ("restore", {}), ("close", {})):
        assert post_json(agent, f"/api/v1/workorders/{order.number}/{action}", body).status_code == 200, action
    page.reload()
    page.wait_for_selector("text=工单已办结。")
    assert page.inner_text("#request-status") == "已办结"
    page.get_by_label("满意", exact=True).check()
    checked(page, "portal-fault-3-closed-elderly")
    page.get_by_role("button", name="提交回复").click()
    page.wait_for_selector("text=感谢您的回复。")
    page.get_by_label("5星", exact=True).check()
    page.get_by_label("评价（可选）").fill("师傅很专业")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=您的评价：5 星")
    checked(page, "portal-fault-4-rated-elderly")
    assert list(CallBack.objects.values_list("satisfied", "source")) == [(True, "customer")]
    assert list(OrderRating.objects.values_list("score", "comment", "channel")) == [(5, "师傅很专业", "web")]
