from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from gridcare.core.testing import City, api_client
from gridcare.customers.models import Account, AccountEvent, Contact, Customer

VALID = {
    "name": "赵六",
    "customer_class": "residential",
    "id_number": "11010519491231002X",
    "phone": "138 0000 1234",
    "address": "上城区望江路8号2幢301室",
    "supply_unit": "U1",
    "hall": "H1",
    "feeder": "F1",
    "transformer_area": "T1",
}


def _post(client: Client, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/customers", data=json.dumps(body), content_type="application/json")


def _counts() -> tuple[int, int, int, int]:
    return Customer.objects.count(), Account.objects.count(), Contact.objects.count(), AccountEvent.objects.count()


@pytest.mark.django_db
def test_a_clerk_opens_a_customer_and_gets_a_new_account_number(town: City) -> None:
    response = _post(api_client(town.clerk), VALID)
    assert response.status_code == 201
    body = response.json()
    # The persona city uses serials 1-3; a counter opening takes the next free serial.
    assert body["account_no"] == "0000000042"
    assert body["customer_name"] == "赵六"
    assert body["phones"] == ["138****1234"]
    assert body["id_number"] == "110105********002X"
    assert body["transformer_area"] == "T1"
    account = Account.objects.get(account_no="0000000042")
    assert account.customer.contacts.get().phone == "13800001234"
    assert list(account.events.values_list("type", flat=True)) == ["opened"]


@pytest.mark.django_db
def test_every_bad_field_gets_its_own_chinese_message_and_nothing_is_written(town: City) -> None:
    before = _counts()
    bad = dict(
        VALID,
        name="",
        customer_class="household",
        id_number="110105194912310021",
        phone="12345",
        address="上城",
        supply_unit="NOPE",
    )
    response = _post(api_client(town.clerk), bad)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "客户信息有误，请按提示修改。"
    assert body["errors"] == {
        "name": "请填写客户名称。",
        "customer_class": "用电类别应为居民、一般工商业、大工业或农业之一。",
        "address": "请填写完整的用电地址（至少5个字）。",
        "id_number": "身份证号码校验位不正确，请核对。",
        "phone": "手机号码应为11位，当前为5位。",
        "supply_unit": "供电单位 NOPE 不存在。",
    }
    assert _counts() == before


@pytest.mark.django_db
def test_missing_fields_and_wrong_types_are_422_in_chinese(town: City) -> None:
    before = _counts()
    response = _post(api_client(town.clerk), {"name": "x", "contract_capacity_kva": "abc"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["customer_class"] == "必填项。"
    assert errors["address"] == "必填项。"
    assert errors["contract_capacity_kva"] == "合同容量应为数字（kVA），例如 315 或 12.5。"
    assert _counts() == before


@pytest.mark.django_db
def test_a_hall_of_another_unit_or_a_stray_area_is_refused(town: City) -> None:
    before = _counts()
    response = _post(api_client(town.clerk), dict(VALID, hall="H2", transformer_area="NOPE"))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "hall": "营业厅 H2 不属于该供电单位。",
        "transformer_area": "台区 NOPE 不在该供电单位（或所填线路）下。",
    }
    assert _counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["guide", "agent", "supervisor", "planner"])
def test_roles_that_do_not_keep_the_archive_cannot_open_customers(town: City, persona: str) -> None:
    before = _counts()
    response = _post(api_client(town.users[persona]), VALID)
    assert response.status_code == 403
    assert response.json()["detail"] == "您的岗位不能修改客户档案。"
    assert _counts() == before


@pytest.mark.django_db
def test_a_unit_of_another_company_does_not_exist_for_the_caller(town: City) -> None:
    before = _counts()
    response = _post(
        api_client(town.clerk), dict(VALID, supply_unit="X1", hall=None, feeder=None, transformer_area=None)
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"supply_unit": "供电单位 X1 不存在。"}
    assert _counts() == before


@pytest.mark.django_db
def test_without_a_token_the_api_answers_401(town: City) -> None:
    from django.test import Client

    before = _counts()
    response = _post(Client(), VALID)
    assert response.status_code == 401
    assert response.json()["detail"] == "请先登录或提供有效的令牌。"
    bad = Client(headers={"Authorization": "Bearer nonsense"})
    assert _post(bad, VALID).status_code == 401
    assert _counts() == before


@pytest.mark.django_db
def test_token_endpoint_refuses_a_wrong_password(town: City) -> None:
    from django.test import Client

    response = Client().post(
        "/api/v1/auth/token",
        data=json.dumps({"username": "clerk", "password": "wrong"}),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "用户名或密码错误。"
