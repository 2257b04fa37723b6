"""Opening an account is scoped like reading it (CUST-1, finding 14): a unit post opens only in
its unit; hall posts and 95598 serve the city (同城通办) as they read it; nobody opens in another
company. A unit outside the caller's reach is "not found" like a missing one; nothing is written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gridcare.core.testing import City, api_client, signed_in
from gridcare.customers.models import Account, AccountEvent, Contact, Customer
from gridcare.org.access import scope_for
from gridcare.org.models import SupplyUnit

IN_U2 = {
    "name": "赵六",
    "customer_class": "residential",
    "phone": "13800001234",
    "address": "萧山区城厢街道人民路8号",
    "supply_unit": "U2",
    "hall": "H2",
}
# Who may open in U2 (the other unit of the company): by post, as account_filter reads.
OPENS_IN_U2 = {"clerk", "manager", "other_manager", "admin"}


def _counts() -> tuple[int, int, int, int]:
    return Customer.objects.count(), Account.objects.count(), Contact.objects.count(), AccountEvent.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["clerk", "manager", "other_manager", "kam", "admin", "foreign_clerk"])
def test_opening_in_another_unit_through_the_api(town: City, persona: str) -> None:
    before = _counts()
    response = api_client(town.users[persona]).post(
        "/api/v1/customers", data=json.dumps(IN_U2), content_type="application/json"
    )
    if persona in OPENS_IN_U2:
        assert response.status_code == 201, response.content
        assert Account.objects.get(account_no=response.json()["account_no"]).supply_unit == town.other_unit
    else:
        assert response.status_code == 422
        assert response.json()["errors"] == {"supply_unit": "供电单位 U2 不存在。"}
        assert _counts() == before


@pytest.mark.django_db
def test_a_key_account_manager_opens_in_their_own_unit(town: City) -> None:
    body = dict(IN_U2, supply_unit="U1", hall="H1", address="上城区望江路8号2幢301室")
    response = api_client(town.kam).post("/api/v1/customers", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["supply_unit"] == "U1"


@pytest.mark.django_db
def test_the_page_offers_a_unit_post_only_its_unit_and_refuses_a_posted_foreign_one(town: City) -> None:
    client = signed_in(town.kam)
    form = client.get("/customers/new/").content.decode()
    assert '<option value="U1"' in form and '<option value="U2"' not in form
    assert '<option value="H2"' not in form and '<option value="X1"' not in form
    before = _counts()
    response = client.post("/customers/new/", dict(IN_U2, contract_capacity_kva="0"))
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert _counts() == before


@pytest.mark.django_db
def test_the_page_lets_a_counter_clerk_open_anywhere_in_the_city(town: City) -> None:
    client = signed_in(town.clerk)
    form = client.get("/customers/new/").content.decode()
    assert '<option value="U1"' in form and '<option value="U2"' in form and '<option value="X1"' not in form
    response = client.post("/customers/new/", dict(IN_U2, contract_capacity_kva="0"))
    assert response.status_code == 302
    assert Account.objects.filter(supply_unit=town.other_unit).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    ["clerk", "guide", "manager", "other_manager", "agent", "supervisor", "other_supervisor", "kam",
     "community", "planner", "admin", "foreign_clerk", "outsider"],
)  # fmt: skip
def test_where_one_may_open_is_where_one_may_read(town: City, persona: str) -> None:
    scope = scope_for(town.users[persona])
    may_open = set(SupplyUnit.objects.filter(scope.unit_filter()).values_list("code", flat=True))
    may_read = set(Account.objects.filter(scope.account_filter()).values_list("supply_unit__code", flat=True))
    assert may_open == may_read
    expected: dict[str, Any] = {"kam": {"U1"}, "supervisor": {"U1"}, "other_supervisor": {"U2"}, "community": {"U1"}}
    if persona in expected:
        assert may_open == expected[persona]
