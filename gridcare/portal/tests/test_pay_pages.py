"""Paying online through the portal's pages (SELF-2 pay, BILL-4; issue 15): 缴费 from the home page,
the amount and the provider, the confirmation, the simulated provider's cashier, the result and
the receipt; a double click is one order; cancelling, a pending and an expired order; the
customer's own orders only; every page in English."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from gridcare.billing.models import Bill, BillStatus, Payment, PaymentOrder
from gridcare.billing.services import payment_orders as orders
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City
from gridcare.customers.rules import mask_name
from gridcare.portal.access import COOKIE, USER_KEY
from gridcare.portal.models import PortalUser
from gridcare.portal.pay import customer_ref
from gridcare.portal.tests.conftest import Customer


@pytest.fixture(autouse=True)
def _providers(settings: Settings) -> None:
    settings.GRIDCARE_PAYMENT_PROVIDERS = {
        "simulated": {"ENABLED": True, "KEY": "test-simulated-key"},
        "wechat": {"ENABLED": False},
        "alipay": {"ENABLED": False},
    }


def page_client(user: PortalUser) -> Client:
    """A browser with the customer's portal session (signed in by the code flow in test_pages)."""
    session = SessionStore()
    session[USER_KEY] = user.pk
    session.create()
    client = Client()
    client.cookies[COOKIE] = session.session_key or ""
    return client


def _key(html: str) -> str:
    found = re.search(r'name="key" value="([0-9a-f]{32})"', html)
    assert found, "the pay form carries its idempotency key"
    return found.group(1)


def test_paying_a_bill_through_the_simulated_provider(town: City, zhang: Customer) -> None:
    bill = issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    no = town.account.account_no
    client = page_client(zhang.user)
    home = client.get("/portal/").content.decode()
    assert f'href="/portal/pay/{no}/">缴费</a>' in home
    form = client.get(f"/portal/pay/{no}/").content.decode()
    assert "应缴电费 <strong>¥88.00</strong>" in form and 'value="88.00"' in form and "模拟支付（演示）" in form
    chosen = {"purpose": "bill", "amount": "88.00", "provider": "simulated", "key": _key(form)}
    asked = client.post(f"/portal/pay/{no}/", chosen)
    assert asked.status_code == 200
    assert f"将为户号 {no} 缴纳 ¥88.00" in asked.content.decode()
    assert not PaymentOrder.objects.exists()  # asked, not done
    confirmed = client.post(f"/portal/pay/{no}/", chosen | {"confirmed": "1"})
    clicked_again = client.post(f"/portal/pay/{no}/", chosen | {"confirmed": "1"})
    order = PaymentOrder.objects.get()  # one order for the double click
    cashier = f"http://testserver/portal/pay/sim/{order.order_no}/"
    assert (confirmed.status_code, confirmed["Location"]) == (302, cashier)
    assert (clicked_again.status_code, clicked_again["Location"]) == (302, cashier)
    assert (order.amount, order.channel, order.customer_ref) == (Decimal("88.00"), "web", customer_ref(zhang.user))
    page = client.get(cashier).content.decode()
    assert "¥88.00" in page and "确认支付" in page and "取消" in page and order.order_no in page
    paid = client.post(cashier, {"action": "confirm"})
    assert (paid.status_code, paid["Location"]) == (302, f"/portal/pay/orders/{order.order_no}/")
    result = client.get(paid["Location"]).content.decode()
    assert "缴费成功" in result and f"/portal/pay/orders/{order.order_no}/receipt.pdf" in result
    payment = Payment.objects.get()
    assert (payment.channel, payment.channel_txn_id, payment.amount) == (
        "web",
        f"SIM{order.order_no}",
        Decimal("88.00"),
    )
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    receipt = client.get(f"/portal/pay/orders/{order.order_no}/receipt.pdf")
    assert (receipt.status_code, receipt["Content-Type"], receipt.content[:5]) == (200, "application/pdf", b"%PDF-")
    assert client.get(cashier)["Location"] == f"/portal/pay/orders/{order.order_no}/"  # paid: nothing to pay
    again = client.post(cashier, {"action": "confirm"})  # a stale cashier tab: nothing more is paid
    assert again.status_code == 302 and Payment.objects.count() == 1
    history = client.get("/portal/pay/orders/").content.decode()
    assert "¥88.00" in history and "已支付" in history


def test_a_top_up_with_the_amount_typed(town: City, zhang: Customer) -> None:
    client = page_client(zhang.user)
    no = town.account.account_no
    form = client.get(f"/portal/pay/{no}/").content.decode()
    assert "当前无欠费" in form
    chosen = {"purpose": "topup", "amount": "¥200", "provider": "simulated", "key": _key(form), "confirmed": "1"}
    to_cashier = client.post(f"/portal/pay/{no}/", chosen)
    order = PaymentOrder.objects.get()
    assert (order.amount, order.purpose) == (Decimal("200"), "topup")
    client.post(to_cashier["Location"], {"action": "confirm"})
    assert town.account.prepaid.balance == Decimal("200.00")


@pytest.mark.parametrize(
    ("typed", "field_message"),
    [
        ({"purpose": "topup", "amount": "abc"}, "请填写金额，例如 88.00。"),
        ({"purpose": "topup", "amount": "0"}, "缴费金额必须大于零。"),
        ({"purpose": "topup", "amount": "12.345"}, "缴费金额最多两位小数。"),
        ({"purpose": "topup", "amount": ""}, "请填写预存金额。"),
        ({"purpose": "bill", "amount": ""}, "当前没有应缴电费"),
        ({"purpose": "topup", "amount": "10", "provider": "wechat"}, "选择一个有效的选项。"),
    ],
)
def test_a_wrong_entry_stays_on_the_form_with_its_reason(
    town: City, zhang: Customer, typed: dict[str, str], field_message: str
) -> None:
    client = page_client(zhang.user)
    no = town.account.account_no
    form = client.get(f"/portal/pay/{no}/").content.decode()
    answer = client.post(f"/portal/pay/{no}/", {"provider": "simulated", "key": _key(form), "confirmed": "1"} | typed)
    assert answer.status_code == 200
    assert field_message in answer.content.decode()
    assert not PaymentOrder.objects.exists()


def test_cancelling_at_the_cashier_pays_nothing(town: City, zhang: Customer) -> None:
    order, _ = orders.payment_order_create(
        account=town.account,
        purpose="topup",
        provider="simulated",
        origin="web",
        customer_ref=customer_ref(zhang.user),
        amount=Decimal("50.00"),
    )
    client = page_client(zhang.user)
    back = client.post(f"/portal/pay/sim/{order.order_no}/", {"action": "cancel"}, follow=True)
    page = back.content.decode()
    assert "您已取消支付，未扣款。" in page and "支付已取消" in page and "重新缴费" in page
    assert not Payment.objects.exists()
    assert PaymentOrder.objects.get().status == "cancelled"


def test_a_pending_order_says_so_and_refreshes_and_an_expired_one_is_closed(
    town: City, zhang: Customer, monkeypatch: pytest.MonkeyPatch
) -> None:
    order, _ = orders.payment_order_create(
        account=town.account,
        purpose="topup",
        provider="simulated",
        origin="web",
        customer_ref=customer_ref(zhang.user),
        amount=Decimal("50.00"),
    )
    client = page_client(zhang.user)
    pending = client.get(f"/portal/pay/orders/{order.order_no}/").content.decode()
    assert "支付结果确认中" in pending and 'data-pending="1"' in pending and "/static/portal/pay.js" in pending
    assert f'href="/portal/pay/orders/{order.order_no}/">刷新</a>' in pending
    go = client.post(f"/portal/pay/orders/{order.order_no}/go/")
    assert go["Location"] == f"http://testserver/portal/pay/sim/{order.order_no}/"
    later = timezone.now() + timedelta(minutes=31)
    monkeypatch.setattr(timezone, "now", lambda: later)
    expired = client.get(f"/portal/pay/orders/{order.order_no}/").content.decode()
    assert "订单已过期，未扣款" in expired and "重新缴费" in expired
    assert client.get(f"/portal/pay/sim/{order.order_no}/")["Location"] == f"/portal/pay/orders/{order.order_no}/"
    assert client.get(f"/portal/pay/orders/{order.order_no}/receipt.pdf").status_code == 404


def test_another_customers_orders_and_accounts_are_not_found(town: City, zhang: Customer, li: Customer) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    order, _ = orders.payment_order_create(
        account=town.account, purpose="bill", provider="simulated", origin="web", customer_ref=customer_ref(zhang.user)
    )
    stranger = page_client(li.user)
    for url in (
        f"/portal/pay/orders/{order.order_no}/",
        f"/portal/pay/sim/{order.order_no}/",
        f"/portal/pay/orders/{order.order_no}/receipt.pdf",
        f"/portal/pay/{town.account.account_no}/",
    ):
        assert stranger.get(url).status_code == 404, url
    assert stranger.post(f"/portal/pay/sim/{order.order_no}/", {"action": "confirm"}).status_code == 404
    assert stranger.post(f"/portal/pay/orders/{order.order_no}/go/").status_code == 404
    assert "还没有网上缴费记录。" in stranger.get("/portal/pay/orders/").content.decode()
    assert not Payment.objects.exists()
    assert Client().get(f"/portal/pay/orders/{order.order_no}/")["Location"].startswith("/portal/login/?next=")


def test_no_provider_switched_on_says_so(town: City, zhang: Customer, settings: Settings) -> None:
    settings.GRIDCARE_PAYMENT_PROVIDERS = {"simulated": {"ENABLED": False}}
    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    client = page_client(zhang.user)
    page = client.get(f"/portal/pay/{town.account.account_no}/").content.decode()
    assert "网上缴费暂未开通，请到营业厅或通过银行代扣缴费。" in page
    answer = client.post(
        f"/portal/pay/{town.account.account_no}/",
        {"purpose": "bill", "provider": "simulated", "key": "k", "confirmed": "1"},
    )
    assert answer.status_code == 200 and not PaymentOrder.objects.exists()
    assert Bill.objects.get().status == BillStatus.ISSUED


def test_every_pay_page_is_english_when_chosen(town: City, zhang: Customer) -> None:
    from gridcare.core.tests.probes.test_english_pages import _data_runs, _english_text, _runs, _Text

    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    open_order, _ = orders.payment_order_create(
        account=town.account, purpose="bill", provider="simulated", origin="web", customer_ref=customer_ref(zhang.user)
    )
    paid, _ = orders.payment_order_create(
        account=town.account,
        purpose="topup",
        provider="simulated",
        origin="web",
        customer_ref=customer_ref(zhang.user),
        amount=Decimal("5.00"),
    )
    simulated = orders.provider_for("simulated")
    orders.payment_order_notified(
        provider="simulated",
        notification=simulated.notification(order_no=paid.order_no, amount=paid.amount),  # type: ignore[attr-defined]
    )
    client = page_client(zhang.user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    masked = _runs(mask_name(town.account.customer.name))
    no = town.account.account_no
    urls = [
        f"/portal/pay/{no}/",
        f"/portal/pay/sim/{open_order.order_no}/",
        f"/portal/pay/orders/{open_order.order_no}/",
        f"/portal/pay/orders/{paid.order_no}/",
        "/portal/pay/orders/",
        "/portal/",
    ]
    for url in urls:
        text = _english_text(client, url)
        assert text is not None, url
        assert sorted(_runs(text) - _data_runs() - masked) == [], url
    form = client.get(f"/portal/pay/{no}/").content.decode()
    confirm = client.post(
        f"/portal/pay/{no}/", {"purpose": "bill", "amount": "88.00", "provider": "simulated", "key": _key(form)}
    ).content.decode()
    assert f"Pay ¥88.00 into account {no}" in confirm
    parser = _Text()
    parser.feed(confirm)
    assert sorted(_runs(" ".join(parser.parts)) - _data_runs() - masked) == []
