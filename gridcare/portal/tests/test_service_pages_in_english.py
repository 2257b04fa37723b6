"""The portal's paid-service pages read in English (LANGUAGE cookie "en"): the catalogue, ordering
and its confirmation, my orders, an order to pay (and cancelling it, asked first) and a paid one
show no Chinese but data (the catalogue's names and units, the SMS templates' texts)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pytest_django import Settings

from gridcare.billing.services import service_catalogue as catalogue
from gridcare.billing.services import service_orders as so
from gridcare.core.testing import City
from gridcare.core.tests.probes.test_english_pages import _data_runs, _english_text, _runs, _Text
from gridcare.core.timezone import business_date
from gridcare.org.access import scope_for
from gridcare.portal.pay import customer_ref
from gridcare.portal.tests.conftest import Customer
from gridcare.portal.tests.visit_helpers import page_client

pytestmark = pytest.mark.django_db


def _left(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return sorted(_runs(" ".join(parser.parts)) - _data_runs())


def test_the_portal_service_pages_read_in_english(town: City, zhang: Customer, settings: Settings) -> None:
    settings.GRIDCARE_PAYMENT_PROVIDERS = {
        "simulated": {"ENABLED": True, "KEY": "test-simulated-key"},
        "wechat": {"ENABLED": False},
        "alipay": {"ENABLED": False},
    }
    admin = scope_for(town.admin)
    data = catalogue.ItemData(
        name="用电安全检测",
        category="testing",
        unit="次",
        price=Decimal("150.00"),
        valid_from=business_date(),
        description="户内线路绝缘检测",
        tax_note="含税价",
    )
    catalogue.service_item_create(scope=admin, actor=town.admin, code="SAFETY-CHECK", data=data)
    mine = customer_ref(zhang.user)
    lines = [so.LineIn("SAFETY-CHECK", 1)]
    ordered, _ = so.service_order_create(account=town.account, lines=lines, source="portal", customer_ref=mine)
    paid, _ = so.service_order_create(account=town.account, lines=lines, source="hall", scope=admin, actor=town.admin)
    so.service_order_pay_at_counter(scope=admin, actor=town.admin, order=paid, channel="counter_cash")
    client = page_client(zhang.user, english=True)
    urls = [
        "/portal/services/",
        "/portal/services/new/?item=SAFETY-CHECK",
        "/portal/services/orders/",
        f"/portal/services/orders/{ordered.order_no}/",
        f"/portal/services/orders/{paid.order_no}/",
    ]
    for url in urls:
        text = _english_text(client, url)
        assert text is not None, url
        assert sorted(_runs(text) - _data_runs()) == [], url
    assert "Pay ¥150.00" in (_english_text(client, f"/portal/services/orders/{ordered.order_no}/") or "")
    assert "Receipt" in (_english_text(client, f"/portal/services/orders/{paid.order_no}/") or "")
    no = town.account.account_no
    form = client.get("/portal/services/new/").content.decode()
    key = form.split('name="key" value="')[1].split('"')[0]
    confirm = client.post("/portal/services/new/", {"account_no": no, "q_SAFETY-CHECK": "1", "key": key})
    assert confirm.status_code == 200 and _left(confirm.content.decode()) == []
    assert "Place the order" in confirm.content.decode()
    asked = client.post(f"/portal/services/orders/{ordered.order_no}/cancel/")
    assert _left(asked.content.decode()) == []
    assert "A cancelled order can no longer be paid. Cancel it?" in asked.content.decode()
