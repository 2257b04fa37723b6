"""The paid services' staff pages read in English (LANGUAGE cookie "en"): the catalogue, an item,
the new item, the orders, a new order with its hits, an order to pay and a paid one, the
questions asked first and the receipt's slip show no Chinese but data (the catalogue's names and
units, the customer's name and address, the SMS templates' texts); the receipt's lines too."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone, translation

from gridcare.billing.models import ServiceOrder
from gridcare.billing.pdf import service_receipt_lines
from gridcare.billing.services import service_catalogue as catalogue
from gridcare.billing.services import service_orders as so
from gridcare.core.testing import City, signed_in
from gridcare.core.tests.probes.test_english_pages import _data_runs, _english_text, _runs, _Text
from gridcare.core.timezone import business_date
from gridcare.customers.rules import mask_name
from gridcare.org.access import scope_for

pytestmark = pytest.mark.django_db


def _orders(town: City) -> tuple[ServiceOrder, ServiceOrder]:
    admin = scope_for(town.admin)
    for code, name, price in (("METER-CHECK", "电能表校验", "50.00"), ("RCD-REPLACE", "漏电保护器更换", "120.00")):
        data = catalogue.ItemData(
            name=name, category="testing", unit="只", price=Decimal(price), valid_from=business_date()
        )
        catalogue.service_item_create(scope=admin, actor=town.admin, code=code, data=data)
    lines = [so.LineIn("METER-CHECK", 1), so.LineIn("RCD-REPLACE", 2)]
    ordered, _ = so.service_order_create(
        account=town.account, lines=lines, source="hall", scope=admin, actor=town.admin
    )
    paid, _ = so.service_order_create(
        account=town.account, lines=lines[:1], source="hall", scope=admin, actor=town.admin
    )
    so.service_order_pay_at_counter(scope=admin, actor=town.admin, order=paid, channel="counter_card")
    so.service_order_schedule(scope=admin, actor=town.admin, order=paid, at=timezone.now() + timedelta(days=2))
    return ordered, paid


def _left(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return sorted(_runs(" ".join(parser.parts)) - _data_runs())


def test_the_staff_pages_of_paid_services_read_in_english(town: City) -> None:
    ordered, paid = _orders(town)
    item = ordered.lines.first().item  # type: ignore[union-attr]
    client = signed_in(town.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = _data_runs() | _runs(mask_name(town.account.customer.name))  # the receipt masks the name
    urls = [
        "/billing/services/",
        "/billing/services/new/",
        f"/billing/services/{item.pk}/",
        "/billing/service-orders/",
        f"/billing/service-orders/new/?q={town.account.account_no}",
        f"/billing/service-orders/{ordered.order_no}/",
        f"/billing/service-orders/{paid.order_no}/",
        f"/billing/service-orders/{paid.order_no}/?print=receipt",
    ]
    for url in urls:
        text = _english_text(client, url)
        assert text is not None, url
        assert sorted(_runs(text) - data) == [], url
    page = _english_text(client, f"/billing/service-orders/{paid.order_no}/") or ""
    assert "Print the receipt" in page and "Receipt (PDF)" in page and "Visit scheduled" in page
    assert "admin ordered through Service hall, 50.00 yuan: 电能表校验×1" in page
    asked = client.post(f"/billing/service-orders/{ordered.order_no}/act/", {"action": "cash"}).content.decode()
    assert _left(asked) == []
    assert "Take 290.00 yuan in cash; the order is then paid. Take the payment?" in asked
    form = {"name": "电能表校验", "category": "testing", "unit": "只", "price": "55.00"}
    priced = client.post(f"/billing/services/{item.pk}/", {**form, "valid_from": str(business_date())})
    assert _left(priced.content.decode()) == []
    off = client.post(f"/billing/services/{item.pk}/active/", {"active": "0"})
    assert _left(off.content.decode()) == []
    body = {"q": town.account.account_no, "account_no": town.account.account_no, "q_METER-CHECK": "1", "key": "k"}
    confirm = client.post("/billing/service-orders/new/", body).content.decode()
    assert _left(confirm) == []
    no = town.account.account_no
    assert f"Order for account {no}: 电能表校验×1, 50.00 yuan in all. Place the order?" in confirm


def test_the_receipt_reads_in_english(town: City) -> None:
    _ordered, paid = _orders(town)
    with translation.override("en"):
        lines = dict(service_receipt_lines(paid))
    assert lines["Service order no."] == paid.order_no
    assert lines["电能表校验"] == "50.00 yuan/只 × 1 = 50.00 yuan"
    assert lines["Amount received"] == "50.00 yuan"
