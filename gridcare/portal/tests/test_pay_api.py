"""Paying online from the app (SELF-2 pay, BILL-4; issue 15): POST /api/v1/portal/accounts/{no}/
payment-orders → {order_no, pay_url, expires_at}, the same key or the same open order again;
GET /api/v1/portal/payment-orders/{order_no} the customer's own only; staff credentials and nobody
are refused (401) with nothing written; bad input is a 422 on its field."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from pytest_django import Settings

from gridcare.billing.models import Payment, PaymentOrder
from gridcare.billing.services import payment_orders as orders
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City, api_client
from gridcare.portal.pay import customer_ref
from gridcare.portal.tests.conftest import Customer


@pytest.fixture(autouse=True)
def _providers(settings: Settings) -> None:
    settings.GRIDCARE_PAYMENT_PROVIDERS = {
        "simulated": {"ENABLED": True, "KEY": "test-simulated-key"},
        "wechat": {"ENABLED": False},
        "alipay": {"ENABLED": False},
    }


def _url(town: City) -> str:
    return f"/api/v1/portal/accounts/{town.account.account_no}/payment-orders"


def test_an_order_from_the_app_and_the_same_key_again(town: City, zhang: Customer) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    app = zhang.api()
    body = {"provider": "simulated", "idempotency_key": "tap-1"}
    made = app.post(_url(town), body, content_type="application/json")
    assert made.status_code == 201, made.content
    order = PaymentOrder.objects.get()
    answer = made.json()
    assert answer == {
        "order_no": order.order_no,
        "pay_url": f"http://testserver/portal/pay/sim/{order.order_no}/",
        "expires_at": answer["expires_at"],
        "amount": "88.00",
        "status": "created",
    }
    # JSON carries milliseconds
    assert datetime.fromisoformat(answer["expires_at"]) == order.expires_at.replace(
        microsecond=order.expires_at.microsecond // 1000 * 1000
    )
    assert (order.channel, order.customer_ref, order.idempotency_key) == ("app", customer_ref(zhang.user), "tap-1")
    again = app.post(_url(town), body, content_type="application/json")
    by_header = app.post(
        _url(town), {"provider": "simulated"}, content_type="application/json", headers={"Idempotency-Key": "tap-1"}
    )
    assert (again.status_code, again.json()["order_no"]) == (200, order.order_no)
    assert (by_header.status_code, by_header.json()["order_no"]) == (200, order.order_no)
    assert PaymentOrder.objects.count() == 1


def test_reading_an_order_before_and_after_it_is_paid(town: City, zhang: Customer) -> None:
    app = zhang.api()
    made = app.post(
        _url(town), {"purpose": "topup", "amount": "66.60", "provider": "simulated"}, content_type="application/json"
    )
    number = made.json()["order_no"]
    before = app.get(f"/api/v1/portal/payment-orders/{number}").json()
    assert (before["status"], before["status_label"], before["amount"], before["receipt_url"], before["paid_at"]) == (
        "created",
        "待支付",
        "66.60",
        "",
        None,
    )
    simulated = orders.provider_for("simulated")
    orders.payment_order_notified(
        provider="simulated",
        notification=simulated.notification(order_no=number, amount=Decimal("66.60")),  # type: ignore[attr-defined]
    )
    after = app.get(f"/api/v1/portal/payment-orders/{number}").json()
    assert (after["status"], after["purpose"], after["provider_label"], after["account_no"]) == (
        "paid",
        "topup",
        "模拟支付（演示）",
        town.account.account_no,
    )
    assert after["receipt_url"] == f"http://testserver/portal/pay/orders/{number}/receipt.pdf"
    listed = app.get("/api/v1/portal/payment-orders")
    assert [o["order_no"] for o in listed.json()] == [number] and listed["X-Total-Count"] == "1"
    retried = app.post(
        _url(town), {"purpose": "topup", "amount": "66.60", "provider": "simulated"}, content_type="application/json"
    )
    assert retried.status_code == 201  # a paid order is not reused: a new order


def test_a_paid_order_asked_again_by_its_key_has_nowhere_to_pay(town: City, zhang: Customer) -> None:
    app = zhang.api()
    body = {"purpose": "topup", "amount": "10.00", "provider": "simulated", "idempotency_key": "k9"}
    number = app.post(_url(town), body, content_type="application/json").json()["order_no"]
    simulated = orders.provider_for("simulated")
    orders.payment_order_notified(
        provider="simulated",
        notification=simulated.notification(order_no=number, amount=Decimal("10.00")),  # type: ignore[attr-defined]
    )
    again = app.post(_url(town), body, content_type="application/json")
    assert (again.status_code, again.json()["status"], again.json()["pay_url"]) == (200, "paid", "")
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"purpose": "topup", "amount": "-1", "provider": "simulated"}, {"amount": "缴费金额必须大于零。"}),
        ({"purpose": "topup", "amount": "1.234", "provider": "simulated"}, {"amount": "缴费金额最多两位小数。"}),
        (
            {"purpose": "topup", "amount": "50000.01", "provider": "simulated"},
            {"amount": "单笔缴费金额不能超过 50000.00 元（掌上电力App）。"},
        ),
        ({"purpose": "topup", "amount": "10", "provider": "wechat"}, {"provider": "微信支付 暂未开通。"}),
        (
            {"purpose": "bill", "provider": "simulated"},
            {"purpose": "户号 0000000018 当前没有应缴电费；如需预存，请选择“预存电费”。"},
        ),
        ({"purpose": "x", "provider": "simulated"}, {"purpose": "缴费用途应为“缴纳电费”或“预存电费”。"}),
        ({"purpose": "topup", "amount": "abc", "provider": "simulated"}, {"amount": "应为数字。"}),
        (
            {"purpose": "topup", "amount": "1", "provider": "simulated", "idempotency_key": "k" * 65},
            {"idempotency_key": "幂等键最多 64 个字符。"},
        ),
    ],
)
def test_bad_input_is_a_422_on_its_field_and_writes_nothing(
    town: City, zhang: Customer, body: dict[str, str], errors: dict[str, str]
) -> None:
    answer = zhang.api().post(_url(town), body, content_type="application/json")
    assert answer.status_code == 422, answer.content
    assert answer.json()["errors"] == errors
    assert not PaymentOrder.objects.exists()


def test_another_customers_account_and_orders_are_not_found(town: City, zhang: Customer, li: Customer) -> None:
    number = (
        zhang.api()
        .post(_url(town), {"purpose": "topup", "amount": "5", "provider": "simulated"}, content_type="application/json")
        .json()["order_no"]
    )
    stranger = li.api()
    assert stranger.get(f"/api/v1/portal/payment-orders/{number}").status_code == 404
    assert (
        stranger.post(
            _url(town), {"purpose": "topup", "amount": "5", "provider": "simulated"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert stranger.get("/api/v1/portal/payment-orders").json() == []
    assert zhang.api().get("/api/v1/portal/payment-orders/PO-NOT-MINE").status_code == 404
    assert PaymentOrder.objects.count() == 1


def test_staff_credentials_and_nobody_are_refused(town: City, zhang: Customer) -> None:
    number = (
        zhang.api()
        .post(_url(town), {"purpose": "topup", "amount": "5", "provider": "simulated"}, content_type="application/json")
        .json()["order_no"]
    )
    callers = [Client(), api_client(town.clerk), api_client(town.admin), Client(HTTP_AUTHORIZATION="Bearer gcp_nope")]
    for caller in callers:
        made = caller.post(
            _url(town), {"purpose": "topup", "amount": "5", "provider": "simulated"}, content_type="application/json"
        )
        read = caller.get(f"/api/v1/portal/payment-orders/{number}")
        listed = caller.get("/api/v1/portal/payment-orders")
        assert (made.status_code, read.status_code, listed.status_code) == (401, 401, 401)
    assert PaymentOrder.objects.count() == 1


def test_an_expired_order_reads_as_expired(town: City, zhang: Customer, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.utils import timezone

    number = (
        zhang.api()
        .post(_url(town), {"purpose": "topup", "amount": "5", "provider": "simulated"}, content_type="application/json")
        .json()["order_no"]
    )
    later = timezone.now() + timedelta(minutes=30)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert zhang.api().get(f"/api/v1/portal/payment-orders/{number}").json()["status"] == "expired"
