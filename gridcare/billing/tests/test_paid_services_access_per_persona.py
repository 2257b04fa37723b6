"""Every post of the City (and a billing clerk) against every staff page and staff endpoint of the
paid services (WO-10): administrators keep the catalogue (SERVICE_CATALOGUE_EDIT); counter clerks,
hall managers and 95598 agents take orders (SERVICE_ORDER_TAKE) for the accounts they reach (the
city's: another hall's manager too, another company's clerk none — its orders are 404); every other
post is refused (403) and the signed-in outsider finds nothing (404). Whoever is refused writes
nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from pytest_django import Settings

from gridcare.billing.models import (
    Payment,
    ServiceItem,
    ServiceItemEvent,
    ServiceOrder,
    ServiceOrderEvent,
    ServiceOrderLine,
    ServicePrice,
)
from gridcare.billing.services import service_catalogue as catalogue
from gridcare.billing.services import service_orders as so
from gridcare.billing.tests.helpers import billing_clerk
from gridcare.core.testing import PERSONAS, City, api_client, signed_in
from gridcare.core.timezone import business_date
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

pytestmark = pytest.mark.django_db

ALL = (*PERSONAS, "billing")
KEEPERS = {"admin"}  # SERVICE_CATALOGUE_EDIT
TAKERS = {"clerk", "manager", "other_manager", "agent", "admin", "foreign_clerk"}  # SERVICE_ORDER_TAKE
REACH_THE_ORDER = TAKERS - {"foreign_clerk"}  # the order is on account 张三's (U1, company HZ)
PAYERS = REACH_THE_ORDER - {"agent"}  # PAYMENT_TAKE too: the counter's cash and card


def _want(persona: str, allowed: set[str], *, reaches: bool = True) -> int:
    if persona == "outsider":
        return 404
    if persona not in allowed:
        return 403
    return 200 if reaches else 404


@pytest.fixture
def world(town: City, settings: Settings) -> dict[str, Any]:
    settings.GRIDCARE_PAYMENT_PROVIDERS = {
        "simulated": {"ENABLED": True, "KEY": "test-simulated-key"},
        "wechat": {"ENABLED": False},
        "alipay": {"ENABLED": False},
    }
    data = catalogue.ItemData(
        name="电能表校验", category="testing", unit="只", price=Decimal("50.00"), valid_from=business_date()
    )
    item = catalogue.service_item_create(scope=scope_for(town.admin), actor=town.admin, code="METER-CHECK", data=data)
    order, _ = so.service_order_create(
        account=town.account, lines=[so.LineIn("METER-CHECK", 1)], source="portal", customer_ref="portal:1"
    )
    paid, _ = so.service_order_create(
        account=town.account, lines=[so.LineIn("METER-CHECK", 2)], source="portal", customer_ref="portal:1"
    )
    so.service_order_pay_at_counter(scope=scope_for(town.admin), actor=town.admin, order=paid, channel="counter_cash")
    town.users["billing"] = billing_clerk(town)
    return {"item": item, "order": order, "paid": paid}


def _user(town: City, persona: str) -> User:
    return town.users[persona]


def _state() -> tuple[Any, ...]:
    return (
        list(ServiceItem.objects.order_by("pk").values_list("pk", "name", "active")),
        ServicePrice.objects.count(),
        ServiceItemEvent.objects.count(),
        list(ServiceOrder.objects.order_by("pk").values_list("pk", "status", "scheduled_for", "payment_id")),
        ServiceOrderLine.objects.count(),
        ServiceOrderEvent.objects.count(),
        Payment.objects.count(),
        Notice.objects.count(),
    )


@pytest.mark.parametrize("persona", ALL)
def test_the_catalogue_pages_and_api_answer_administrators_only(
    town: City, world: dict[str, Any], persona: str
) -> None:
    client, want = signed_in(_user(town, persona)), _want(persona, KEEPERS)
    item = world["item"]
    for url in ("/billing/services/", "/billing/services/new/", f"/billing/services/{item.pk}/"):
        assert client.get(url).status_code == want, url
    api = api_client(_user(town, persona))
    listed = api.get("/api/v1/service-catalogue")
    assert listed.status_code == (want if persona != "outsider" else 403), listed.content
    if want == 200:
        assert [row["code"] for row in listed.json()] == ["METER-CHECK"]


@pytest.mark.parametrize("persona", sorted(set(ALL) - KEEPERS))
def test_a_refused_catalogue_change_writes_nothing(town: City, world: dict[str, Any], persona: str) -> None:
    item, before = world["item"], _state()
    client, want = signed_in(_user(town, persona)), _want(persona, KEEPERS)
    form = {"name": "改名", "category": "testing", "unit": "只", "price": "1.00", "valid_from": str(business_date())}
    new = client.post("/billing/services/new/", {**form, "code": "NEW-ONE", "confirmed": "1"})
    edit = client.post(f"/billing/services/{item.pk}/", {**form, "confirmed": "1"})
    off = client.post(f"/billing/services/{item.pk}/active/", {"active": "0", "confirmed": "1"})
    assert (new.status_code, edit.status_code, off.status_code) == (want, want, want)
    body = {**form, "code": "NEW-TWO", "price": "9.00"}
    added = api_client(_user(town, persona)).post("/api/v1/service-catalogue", body, content_type="application/json")
    assert added.status_code == 403
    assert _state() == before


@pytest.mark.parametrize("persona", ALL)
def test_the_order_pages_and_api_answer_the_posts_that_take_orders_for_the_accounts_they_reach(
    town: City, world: dict[str, Any], persona: str
) -> None:
    client = signed_in(_user(town, persona))
    order, paid = world["order"], world["paid"]
    want = _want(persona, TAKERS)
    assert client.get("/billing/service-orders/").status_code == want
    assert client.get("/billing/service-orders/new/").status_code == want
    one = _want(persona, TAKERS, reaches=persona in REACH_THE_ORDER)
    for url in (
        f"/billing/service-orders/{order.order_no}/",
        f"/billing/service-orders/{paid.order_no}/",
        f"/billing/service-orders/{paid.order_no}/receipt.pdf",
        f"/billing/service-orders/{paid.order_no}/?print=receipt",
    ):
        assert client.get(url).status_code == one, url
    if want == 200:
        page = client.get("/billing/service-orders/")
        shown = {o.order_no for o in page.context["page"]}
        assert shown == ({order.order_no, paid.order_no} if persona in REACH_THE_ORDER else set())
    listed = api_client(_user(town, persona)).get("/api/v1/service-orders")
    assert listed.status_code == (want if persona != "outsider" else 403)
    if want == 200:
        expected = {order.order_no, paid.order_no} if persona in REACH_THE_ORDER else set()
        assert {row["order_no"] for row in listed.json()} == expected
        assert listed["X-Total-Count"] == str(len(expected))


@pytest.mark.parametrize("persona", ALL)
def test_taking_the_money_at_the_counter_is_for_the_posts_that_take_payments_and_a_refusal_writes_nothing(
    town: City, world: dict[str, Any], persona: str
) -> None:
    order, before = world["order"], _state()
    client = signed_in(_user(town, persona))
    url = f"/billing/service-orders/{order.order_no}/"
    answer = client.post(f"{url}act/", {"action": "cash", "confirmed": "1"})
    order.refresh_from_db()
    if persona in PAYERS:
        assert (answer.status_code, order.status) == (302, "paid")
        return
    if persona in REACH_THE_ORDER:  # the 95598 agent: the order, not the money; the buttons say so
        assert answer.status_code == 302
        page = client.get(url).content.decode()
        assert "您的岗位无权办理此项业务。" in page
        assert "<button disabled>收取现金</button>" in page and "<button disabled>刷卡收款</button>" in page
    else:
        assert answer.status_code == _want(persona, TAKERS, reaches=False)
    assert order.status == "ordered"
    assert _state() == before


@pytest.mark.parametrize("persona", ALL)
def test_an_order_is_made_by_the_posts_that_take_orders_and_a_refused_one_writes_nothing(
    town: City, world: dict[str, Any], persona: str
) -> None:
    before = _state()
    client = signed_in(_user(town, persona))
    no = town.account.account_no
    body = {"q": no, "account_no": no, "q_METER-CHECK": "1", "key": "k-1", "confirmed": "1"}
    made = client.post("/billing/service-orders/new/", body)
    if persona in REACH_THE_ORDER:
        assert made.status_code == 302
        assert ServiceOrder.objects.filter(account=town.account, source="hall").count() == 1
        return
    # another company's clerk: the account is not among the hits, so it is refused on its field
    assert made.status_code == (200 if persona == "foreign_clerk" else _want(persona, TAKERS))
    assert _state() == before


@pytest.mark.parametrize("persona", ALL)
def test_scheduling_finishing_and_cancelling_are_refused_to_whoever_may_not_and_write_nothing(
    town: City, world: dict[str, Any], persona: str
) -> None:
    if persona in REACH_THE_ORDER:
        pytest.skip("allowed: the order page tests walk these actions")
    client, before = signed_in(_user(town, persona)), _state()
    want = _want(persona, TAKERS, reaches=False)
    for order, action in ((world["paid"], "schedule"), (world["paid"], "done"), (world["order"], "cancel")):
        body = {"action": action, "at": "2030-01-01T09:00", "confirmed": "1"}
        assert client.post(f"/billing/service-orders/{order.order_no}/act/", body).status_code == want, action
    assert _state() == before
