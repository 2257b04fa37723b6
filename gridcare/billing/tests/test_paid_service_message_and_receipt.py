"""A paid service order tells the customer once (template service_order_paid, the account's primary
phone, as a bill's payment_received; no electricity receipt message), whether paid through the
simulated provider's notification (sent twice) or at the counter; and the staff order page links
the receipt (PDF and the counter's 80 mm slip) once the order is paid — before, there is none."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pytest_django import Settings

from gridcare.billing.exceptions import InvalidTransition
from gridcare.billing.models import ServiceOrder
from gridcare.billing.services import payment_orders as orders
from gridcare.billing.services import service_catalogue as catalogue
from gridcare.billing.services import service_orders as so
from gridcare.billing.services.providers import PROVIDERS
from gridcare.core.testing import PHONE, City, signed_in
from gridcare.core.timezone import SHANGHAI, business_date
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogue(town: City, settings: Settings) -> None:
    settings.GRIDCARE_PAYMENT_PROVIDERS = {
        "simulated": {"ENABLED": True, "KEY": "test-simulated-key"},
        "wechat": {"ENABLED": False},
        "alipay": {"ENABLED": False},
    }
    for code, name, price in (
        ("METER-CHECK", "电能表校验", "50.00"),
        ("RCD-REPLACE", "漏电保护器更换", "120.00"),
        ("LINE-REPAIR", "家用线路检修", "80.00"),
        ("SAFETY-CHECK", "用电安全检测", "150.00"),
    ):
        data = catalogue.ItemData(
            name=name, category="maintenance", unit="次", price=Decimal(price), valid_from=business_date()
        )
        catalogue.service_item_create(scope=scope_for(town.admin), actor=town.admin, code=code, data=data)


def _order(town: City, *codes: str, source: str = "portal") -> ServiceOrder:
    hall = {"scope": scope_for(town.clerk), "actor": town.clerk} if source == "hall" else {"customer_ref": "portal:1"}
    order, _ = so.service_order_create(
        account=town.account, lines=[so.LineIn(c, 1) for c in codes], source=source, **hall
    )
    return order


def _counter(town: City, order: ServiceOrder) -> None:
    so.service_order_pay_at_counter(scope=scope_for(town.clerk), actor=town.clerk, order=order, channel="counter_cash")


def test_paying_through_the_provider_tells_the_customer_once(town: City) -> None:
    order = _order(town, "METER-CHECK", "RCD-REPLACE")
    pay, _ = so.service_order_pay(order=order, provider="simulated", origin="web", customer_ref="portal:1")
    raw = PROVIDERS["simulated"].notification(order_no=pay.order_no, amount=pay.amount)  # type: ignore[attr-defined]
    orders.payment_order_notified(provider="simulated", notification=raw)
    orders.payment_order_notified(provider="simulated", notification=raw)
    order.refresh_from_db()
    [notice] = Notice.objects.all()
    paid_at = order.paid_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")  # type: ignore[union-attr]
    assert (notice.template_code, notice.recipient, notice.account_id, notice.category) == (
        "service_order_paid",
        PHONE,
        town.account.pk,
        "payment",
    )
    assert notice.body == (
        f"【国网示范市供电公司】户号{town.account.account_no}的有偿服务订单{order.order_no}（电能表校验、漏电保护器更换）"
        f"已于{paid_at}支付170.00元，工作人员将与您联系约定上门时间。"
    )
    assert notice.dedupe_key == f"service_order_paid:{order.pk}"


def test_paying_at_the_counter_tells_the_customer_once_and_a_second_click_changes_nothing(town: City) -> None:
    order = _order(town, "METER-CHECK", "RCD-REPLACE", "LINE-REPAIR", "SAFETY-CHECK", source="hall")
    _counter(town, order)
    [notice] = Notice.objects.all()
    assert notice.template_code == "service_order_paid"
    assert notice.variables["services"] == "电能表校验、漏电保护器更换、家用线路检修等4项"
    assert notice.variables["amount"] == "400.00"
    with pytest.raises(InvalidTransition):
        _counter(town, order)
    assert Notice.objects.count() == 1


def test_no_phone_no_message_and_the_order_is_still_paid(town: City) -> None:
    town.account.customer.contacts.all().delete()
    order = _order(town, "METER-CHECK", source="hall")
    _counter(town, order)
    order.refresh_from_db()
    assert (order.status, Notice.objects.count()) == ("paid", 0)


def test_the_staff_order_page_links_the_receipt_once_paid(town: City) -> None:
    order = _order(town, "METER-CHECK", "RCD-REPLACE", source="hall")
    client = signed_in(town.clerk)
    url = f"/billing/service-orders/{order.order_no}/"
    unpaid = client.get(url).content.decode()
    assert "receipt.pdf" not in unpaid and "print=receipt" not in unpaid
    assert client.get(f"{url}receipt.pdf").status_code == 404
    assert client.get(f"{url}?print=receipt").status_code == 404
    _counter(town, order)
    page = client.get(url).content.decode()
    assert f'href="{url}receipt.pdf"' in page and 'href="?print=receipt"' in page
    pdf = client.get(f"{url}receipt.pdf")
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (200, "application/pdf", b"%PDF-")
    assert pdf["Content-Disposition"] == f'inline; filename="service-receipt-{order.order_no}.pdf"'
    slip = client.get(f"{url}?print=receipt")
    assert slip.status_code == 200
    lines = dict(slip.context["lines"])
    assert (lines["服务订单号"], lines["电能表校验"], lines["合计"], lines["缴费渠道"], lines["实收金额"]) == (
        order.order_no,
        "50.00 元/次 × 1 = 50.00 元",
        "170.00 元",
        "营业厅现金",
        "170.00 元",
    )
    assert 'id="print-document"' in slip.content.decode()


def test_another_companys_clerk_finds_no_receipt(town: City) -> None:
    order = _order(town, "METER-CHECK", source="hall")
    _counter(town, order)
    answer = signed_in(town.foreign_clerk).get(f"/billing/service-orders/{order.order_no}/receipt.pdf")
    assert answer.status_code == 404
