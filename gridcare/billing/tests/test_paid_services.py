"""Paid value-added services (WO-10): nothing is charged that the catalogue does not list, amounts
are the server's to the fen, a price change leaves existing orders alone, a service order paid
through the simulated provider posts once and never touches the bills, the receipt has the amount,
and refusals write nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from pytest_django import Settings

from gridcare.billing.models import (
    Bill,
    Payment,
    PaymentOrder,
    ServiceItem,
    ServiceItemEvent,
    ServiceOrder,
    ServiceOrderEvent,
    ServiceOrderLine,
    ServicePrice,
)
from gridcare.billing.pdf import FONT_FILE, service_receipt_lines, service_receipt_pdf
from gridcare.billing.services import payment_orders as orders
from gridcare.billing.services import service_catalogue as catalogue
from gridcare.billing.services import service_orders as so
from gridcare.billing.services.providers import PROVIDERS
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput
from gridcare.core.testing import City
from gridcare.core.timezone import business_date
from gridcare.org.access import scope_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _providers(settings: Settings) -> None:
    settings.GRIDCARE_PAYMENT_PROVIDERS = {
        "simulated": {"ENABLED": True, "KEY": "test-simulated-key"},
        "wechat": {"ENABLED": False},
        "alipay": {"ENABLED": False},
    }


def item(town: City, code: str, price: str, *, name: str = "电能表校验") -> ServiceItem:
    return catalogue.service_item_create(
        scope=scope_for(town.admin),
        actor=town.admin,
        code=code,
        data=catalogue.ItemData(
            name=name, category="testing", unit="次", price=Decimal(price), valid_from=business_date()
        ),
    )


def counts() -> tuple[int, ...]:
    return (
        ServiceOrder.objects.count(),
        ServiceOrderLine.objects.count(),
        ServiceOrderEvent.objects.count(),
        PaymentOrder.objects.count(),
        Payment.objects.count(),
    )


def test_the_amount_is_the_catalogues_to_the_fen(town: City) -> None:
    item(town, "METER-TEST", "33.33")
    item(town, "EV-INSTALL", "1280.00", name="充电桩安装")
    order, created = so.service_order_create(
        account=town.account,
        lines=[so.LineIn("METER-TEST", 3), so.LineIn("EV-INSTALL", 1)],
        source="portal",
        customer_ref="portal:1",
    )
    assert created
    assert order.amount == Decimal("1379.99")
    assert [(x.name, x.unit_price, x.quantity, x.amount) for x in order.lines.all()] == [
        ("电能表校验", Decimal("33.33"), 3, Decimal("99.99")),
        ("充电桩安装", Decimal("1280.00"), 1, Decimal("1280.00")),
    ]


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([so.LineIn("NO-SUCH", 1)], "lines.0"),
        ([so.LineIn("METER-TEST", 0)], "lines.0"),
        ([so.LineIn("METER-TEST", 100)], "lines.0"),
        ([so.LineIn("METER-TEST", 1), so.LineIn("OFF-SALE", 1)], "lines.1"),
        ([so.LineIn("METER-TEST", 1), so.LineIn("METER-TEST", 2)], "lines.1"),
        ([so.LineIn("METER-TEST\x00", 1)], "lines.0"),
        ([], "lines"),
    ],
)
def test_nothing_is_charged_that_the_catalogue_does_not_list(town: City, lines: list[so.LineIn], field: str) -> None:
    item(town, "METER-TEST", "30.00")
    off = item(town, "OFF-SALE", "10.00")
    catalogue.service_item_set_active(scope=scope_for(town.admin), actor=town.admin, item=off, active=False)
    before = counts()
    with pytest.raises(InvalidInput) as refused:
        so.service_order_create(account=town.account, lines=lines, source="portal", customer_ref="portal:1")
    assert field in refused.value.errors
    assert counts() == before


def test_a_price_change_leaves_existing_orders_alone(town: City) -> None:
    meter = item(town, "METER-TEST", "30.00")
    order, _ = so.service_order_create(
        account=town.account, lines=[so.LineIn("METER-TEST", 2)], source="portal", customer_ref="portal:1"
    )
    tomorrow = business_date() + timedelta(days=1)
    data = catalogue.ItemData(
        name="电能表校验", category="testing", unit="次", price=Decimal("45.00"), valid_from=tomorrow
    )
    catalogue.service_item_edit(scope=scope_for(town.admin), actor=town.admin, item=meter, data=data)
    assert list(meter.prices.order_by("valid_from").values_list("price", flat=True)) == [
        Decimal("30.00"),
        Decimal("45.00"),
    ]
    assert [e.type for e in ServiceItemEvent.objects.filter(item=meter)] == ["created", "priced"]
    # today's orders still at today's price; the old order untouched
    again, _ = so.service_order_create(
        account=town.account, lines=[so.LineIn("METER-TEST", 1)], source="portal", customer_ref="portal:1"
    )
    assert again.amount == Decimal("30.00")
    order.refresh_from_db()
    assert (order.amount, order.lines.get().unit_price) == (Decimal("60.00"), Decimal("30.00"))


def test_a_price_from_the_past_is_refused_and_nothing_written(town: City) -> None:
    meter = item(town, "METER-TEST", "30.00")
    data = catalogue.ItemData(
        name="电能表校验", category="testing", unit="次", price=Decimal("1.00"), valid_from=date(2020, 1, 1)
    )
    with pytest.raises(InvalidInput) as refused:
        catalogue.service_item_edit(scope=scope_for(town.admin), actor=town.admin, item=meter, data=data)
    assert set(refused.value.errors) == {"valid_from"}
    assert ServicePrice.objects.filter(item=meter).count() == 1


def test_only_administrators_keep_the_catalogue(town: City) -> None:
    with pytest.raises(Forbidden):
        catalogue.service_item_create(
            scope=scope_for(town.clerk),
            actor=town.clerk,
            code="X-1",
            data=catalogue.ItemData(
                name="x", category="other", unit="次", price=Decimal("1"), valid_from=business_date()
            ),
        )
    assert ServiceItem.objects.count() == 0


def test_the_same_key_gives_the_same_order(town: City) -> None:
    item(town, "METER-TEST", "30.00")
    first, created = so.service_order_create(
        account=town.account,
        lines=[so.LineIn("METER-TEST", 1)],
        source="portal",
        customer_ref="portal:1",
        idempotency_key="k1",
    )
    again, created_again = so.service_order_create(
        account=town.account,
        lines=[so.LineIn("METER-TEST", 1)],
        source="portal",
        customer_ref="portal:1",
        idempotency_key="k1",
    )
    assert (created, created_again, again.pk) == (True, False, first.pk)
    with pytest.raises(Conflict):
        so.service_order_create(
            account=town.account,
            lines=[so.LineIn("METER-TEST", 2)],
            source="portal",
            customer_ref="portal:1",
            idempotency_key="k1",
        )
    assert ServiceOrder.objects.count() == 1


def test_paid_through_the_simulated_provider_once_and_never_against_the_bills(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    item(town, "METER-TEST", "30.00")
    order, _ = so.service_order_create(
        account=town.account, lines=[so.LineIn("METER-TEST", 2)], source="portal", customer_ref="portal:1"
    )
    pay, created = so.service_order_pay(order=order, provider="simulated", origin="web", customer_ref="portal:1")
    assert (created, pay.purpose, pay.amount, pay.service_order_id) == (True, "service", Decimal("60.00"), order.pk)
    sim = PROVIDERS["simulated"]
    raw = sim.notification(order_no=pay.order_no, amount=pay.amount)  # type: ignore[attr-defined]
    first = orders.payment_order_notified(provider="simulated", notification=raw)
    again = orders.payment_order_notified(provider="simulated", notification=raw)
    assert (first.created, again.created) == (True, False)
    payment = Payment.objects.get()
    assert (payment.amount, payment.to_service, payment.to_bills, payment.to_prepaid) == (
        Decimal("60.00"),
        Decimal("60.00"),
        Decimal("0"),
        Decimal("0"),
    )
    order.refresh_from_db()
    assert (order.status, order.payment_id) == ("paid", payment.pk)
    assert list(order.events.values_list("type", flat=True)) == ["ordered", "paid"]
    bill.refresh_from_db()
    assert (bill.status, bill.paid) == (Bill.objects.get(pk=bill.pk).status, Decimal("0"))
    assert not hasattr(town.account, "prepaid") or town.account.prepaid.balance == 0
    assert service_receipt_pdf(order)[:5] == b"%PDF-"
    lines = dict(service_receipt_lines(order))
    assert (lines["服务订单号"], lines["合计"], lines["实收金额"], lines["电能表校验"]) == (
        order.order_no,
        "60.00 元",
        "60.00 元",
        "30.00 元/次 × 2 = 60.00 元",
    )
    # every character of the receipt is in the shipped font
    from fontTools.ttLib import TTFont

    cmap = TTFont(FONT_FILE).getBestCmap()
    assert [ch for label, value in lines.items() for ch in label + value if ord(ch) not in cmap] == []


def test_a_bill_payment_form_cannot_ask_for_a_service_purpose(town: City) -> None:
    with pytest.raises(InvalidInput) as refused:
        orders.payment_order_create(
            account=town.account,
            purpose="service",
            provider="simulated",
            origin="web",
            customer_ref="portal:1",
            amount=Decimal("1.00"),
        )
    assert "purpose" in refused.value.errors
    assert PaymentOrder.objects.count() == 0


def test_cancel_before_payment_only(town: City) -> None:
    item(town, "METER-TEST", "30.00")
    order, _ = so.service_order_create(
        account=town.account, lines=[so.LineIn("METER-TEST", 1)], source="portal", customer_ref="portal:1"
    )
    pay, _ = so.service_order_pay(order=order, provider="simulated", origin="web", customer_ref="portal:1")
    so.service_order_cancel(order=order, actor=None)
    pay.refresh_from_db()
    assert (order.status, pay.status) == ("cancelled", "cancelled")
    with pytest.raises(Conflict):
        so.service_order_pay(order=order, provider="simulated", origin="web", customer_ref="portal:1")
    paid, _ = so.service_order_create(
        account=town.account,
        lines=[so.LineIn("METER-TEST", 1)],
        source="hall",
        scope=scope_for(town.clerk),
        actor=town.clerk,
    )
    so.service_order_pay_at_counter(scope=scope_for(town.clerk), actor=town.clerk, order=paid, channel="counter_cash")
    before = counts()
    with pytest.raises(Conflict):
        so.service_order_cancel(order=paid, actor=town.clerk, scope=scope_for(town.clerk))
    assert counts() == before
    paid.refresh_from_db()
    assert paid.status == "paid"
