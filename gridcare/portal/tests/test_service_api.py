"""Paid services in the app (WO-10): a price sent by the client is refused (422, nothing written),
the server prices the order, another customer's order is a 404, staff credentials are 401, and
paying goes through the simulated provider once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from pytest_django import Settings

from gridcare.billing.models import Payment, PaymentOrder, ServiceOrder
from gridcare.billing.services import service_catalogue as catalogue
from gridcare.core.testing import City, api_client
from gridcare.core.timezone import business_date
from gridcare.org.access import scope_for
from gridcare.portal.tests.conftest import Customer

URL = "/api/v1/portal/service-orders"


@pytest.fixture(autouse=True)
def _catalogue(town: City, settings: Settings) -> None:
    settings.GRIDCARE_PAYMENT_PROVIDERS = {
        "simulated": {"ENABLED": True, "KEY": "test-simulated-key"},
        "wechat": {"ENABLED": False},
        "alipay": {"ENABLED": False},
    }
    catalogue.service_item_create(
        scope=scope_for(town.admin),
        actor=town.admin,
        code="METER-TEST",
        data=catalogue.ItemData(
            name="电能表校验", category="testing", unit="次", price=Decimal("30.00"), valid_from=business_date()
        ),
    )


def test_a_price_from_the_client_is_refused_and_nothing_written(town: City, zhang: Customer) -> None:
    body = {"account_no": town.account.account_no, "lines": [{"code": "METER-TEST", "quantity": 1, "price": "0.01"}]}
    answer = zhang.api().post(URL, body, content_type="application/json")
    assert answer.status_code == 422
    assert ServiceOrder.objects.count() == 0


def test_the_server_prices_and_another_customer_gets_404(town: City, zhang: Customer, li: Customer) -> None:
    body = {
        "account_no": town.account.account_no,
        "lines": [{"code": "METER-TEST", "quantity": 3}],
        "idempotency_key": "a",
    }
    made = zhang.api().post(URL, body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert (made.json()["amount"], made.json()["status"]) == ("90.00", "ordered")
    again = zhang.api().post(URL, body, content_type="application/json")
    assert (again.status_code, again.json()["order_no"]) == (200, made.json()["order_no"])
    number = made.json()["order_no"]
    assert zhang.api().get(f"{URL}/{number}").status_code == 200
    assert li.api().get(f"{URL}/{number}").status_code == 404
    assert (
        li.api().post(f"{URL}/{number}/pay", {"provider": "simulated"}, content_type="application/json").status_code
        == 404
    )
    assert api_client(town.clerk).get(f"{URL}/{number}").status_code == 401
    # another customer's account: 404, nothing written
    other = {"account_no": town.other_unit_account.account_no, "lines": [{"code": "METER-TEST", "quantity": 1}]}
    assert zhang.api().post(URL, other, content_type="application/json").status_code == 404
    assert ServiceOrder.objects.count() == 1
    assert PaymentOrder.objects.count() == 0


def test_paying_through_the_simulated_provider_posts_once(town: City, zhang: Customer) -> None:
    body = {"account_no": town.account.account_no, "lines": [{"code": "METER-TEST", "quantity": 2}]}
    number = zhang.api().post(URL, body, content_type="application/json").json()["order_no"]
    started = zhang.api().post(f"{URL}/{number}/pay", {"provider": "simulated"}, content_type="application/json")
    assert started.status_code == 201, started.content
    assert started.json()["amount"] == "60.00"
    from gridcare.billing.services.providers import PROVIDERS

    sim = PROVIDERS["simulated"]
    raw = sim.notification(order_no=started.json()["order_no"], amount=Decimal("60.00"))  # type: ignore[attr-defined]
    for _ in range(2):
        answer = Client().post(
            "/api/v1/payments/notify/simulated", raw.body, content_type="application/json", headers=dict(raw.headers)
        )
        assert answer.status_code == 200
    assert Payment.objects.count() == 1
    shown = zhang.api().get(f"{URL}/{number}").json()
    assert shown["status"] == "paid"
    assert shown["receipt_url"].endswith(f"/portal/services/orders/{number}/receipt.pdf")
