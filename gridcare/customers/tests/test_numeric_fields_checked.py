"""Every number and identifier is checked against its column on every path (finding 17): page
form, API schema and service give the same Chinese message, 422 on the API, never a 500, and
nothing is written."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City, api_client, signed_in
from gridcare.customers import rules, services
from gridcare.customers.models import Account, AccountEvent, Contact, Customer, Meter
from gridcare.org.access import scope_for

VALID = {
    "name": "赵六",
    "customer_class": "commercial",
    "address": "上城区望江路8号2幢301室",
    "supply_unit": "U1",
}
NOT_A_NUMBER = "合同容量应为数字（kVA），例如 315 或 12.5。"
CAPACITY_CASES = [
    ("1e300", "合同容量不能超过999999 kVA。"),
    ("NaN", NOT_A_NUMBER),
    ("sNaN", NOT_A_NUMBER),
    ("Infinity", NOT_A_NUMBER),
    ("-1", "合同容量不能为负数。"),
    ("12.25", "合同容量最多保留1位小数。"),
    ("12345678901234567890", "合同容量不能超过999999 kVA。"),
    ("1000000", "合同容量不能超过999999 kVA。"),
    ("三百", NOT_A_NUMBER),
    ("1,000", NOT_A_NUMBER),
]


def _counts() -> tuple[int, ...]:
    return (
        Customer.objects.count(),
        Account.objects.count(),
        Contact.objects.count(),
        Meter.objects.count(),
        AccountEvent.objects.count(),
    )


def _api(client: Any, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(("raw", "message"), CAPACITY_CASES)
def test_the_capacity_rule_refuses_what_the_column_cannot_hold(raw: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        rules.normalise_capacity_kva(raw)
    assert str(refused.value.message) == message


@pytest.mark.parametrize(
    ("raw", "value"),
    [("", Decimal("0.0")), (None, Decimal("0.0")), ("315", Decimal("315.0")), (12.5, Decimal("12.5")),
     ("999999", Decimal("999999.0")), (" 8.0 ", Decimal("8.0")), ("1.50", Decimal("1.5"))],
)  # fmt: skip
def test_the_capacity_rule_keeps_good_values(raw: Any, value: Decimal) -> None:
    assert rules.normalise_capacity_kva(raw) == value


@pytest.mark.django_db
@pytest.mark.parametrize(("raw", "message"), CAPACITY_CASES)
def test_the_api_refuses_a_bad_capacity_with_422(town: City, raw: str, message: str) -> None:
    before = _counts()
    response = _api(api_client(town.clerk), "/api/v1/customers", dict(VALID, contract_capacity_kva=raw))
    assert response.status_code == 422
    assert response.json()["errors"] == {"contract_capacity_kva": message}
    assert _counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"contract_capacity_kva": 1e300', "合同容量不能超过999999 kVA。"),
        ('{"contract_capacity_kva": NaN', NOT_A_NUMBER),
        ('{"contract_capacity_kva": -Infinity', NOT_A_NUMBER),
        ('{"contract_capacity_kva": true', NOT_A_NUMBER),
        ('{"contract_capacity_kva": 0.05', "合同容量最多保留1位小数。"),
    ],
)
def test_the_api_refuses_bad_json_numbers_too(town: City, body: str, message: str) -> None:
    before = _counts()
    rest = json.dumps(VALID)[1:]
    response = api_client(town.clerk).post(
        "/api/v1/customers", data=body + ", " + rest, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"contract_capacity_kva": message}
    assert _counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("raw", "message"), CAPACITY_CASES)
def test_the_page_form_refuses_a_bad_capacity_with_the_same_message(town: City, raw: str, message: str) -> None:
    before = _counts()
    response = signed_in(town.clerk).post("/customers/new/", dict(VALID, contract_capacity_kva=raw))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("raw", "message"), CAPACITY_CASES)
def test_the_service_refuses_a_bad_capacity(town: City, raw: str, message: str) -> None:
    before = _counts()
    data = services.NewCustomer(**dict(VALID, contract_capacity_kva=raw))
    with pytest.raises(InvalidInput) as refused:
        services.customer_create(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    assert refused.value.errors == {"contract_capacity_kva": message}
    assert _counts() == before


@pytest.mark.django_db
def test_a_good_capacity_is_stored_exactly(town: City) -> None:
    response = _api(api_client(town.clerk), "/api/v1/customers", dict(VALID, contract_capacity_kva="315.5"))
    assert response.status_code == 201
    assert Account.objects.get(account_no=response.json()["account_no"]).contract_capacity_kva == Decimal("315.5")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("address", "上城区" + "很长的地址" * 50, "用电地址不能超过200个字。"),
        ("name", "名" * 101, "客户名称不能超过100个字。"),
        ("meter_no", "M" * 31, "表号不能超过30位。"),
        ("phone", "1380000123", "手机号码应为11位，当前为10位。"),
        ("phone", "12800001234", "手机号码应以13至19开头。"),
        ("id_number", "11010519491231002", "身份证号码应为18位，当前为17位。"),
        ("id_number", "110105194913310027", "身份证号码中的出生日期不存在。"),
    ],
)
def test_texts_longer_than_their_column_and_bad_identifiers_are_refused(
    town: City, field: str, value: str, message: str
) -> None:
    before = _counts()
    response = _api(api_client(town.clerk), "/api/v1/customers", dict(VALID, **{field: value}))
    assert response.status_code == 422
    assert response.json()["errors"] == {field: message}
    assert _counts() == before


@pytest.mark.django_db
def test_a_long_customer_name_fits_its_contact_row(town: City) -> None:
    name = "杭州" + "示范" * 30 + "有限公司"
    response = _api(api_client(town.clerk), "/api/v1/customers", dict(VALID, name=name, phone="13800001234"))
    assert response.status_code == 201
    assert Contact.objects.get(phone="13800001234").name == name[:50]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body", "errors"),
    [
        ("phone", {"phone": "1381234567"}, {"phone": "手机号码应为11位，当前为10位。"}),
        ("phone", {"phone": "abc"}, {"phone": "手机号码只能包含数字。"}),
        ("phone", {"phone": "+86 128 0000 1234"}, {"phone": "手机号码应以13至19开头。"}),
        (
            "transfer",
            {"new_name": "名" * 101, "new_id_number": "11010519491231002X", "new_phone": "13800001234"},
            {"new_name": "客户名称不能超过100个字。"},
        ),
        (
            "transfer",
            {"new_name": "王五", "new_id_number": "1101051949123100", "new_phone": "138"},
            {"new_id_number": "身份证号码应为18位，当前为16位。", "new_phone": "手机号码应为11位，当前为3位。"},
        ),
        ("status", {"status": "suspended", "reason": "外" * 201}, {"reason": "原因不能超过200个字。"}),
    ],
)
def test_every_change_path_checks_its_fields(
    town: City, path: str, body: dict[str, str], errors: dict[str, str]
) -> None:
    before = _counts()
    account = Account.objects.get(pk=town.account.pk)
    response = _api(api_client(town.clerk), f"/api/v1/accounts/{account.account_no}/{path}", body)
    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert _counts() == before
    after = Account.objects.get(pk=town.account.pk)
    assert (after.customer_id, after.status) == (account.customer_id, account.status)
    assert list(Contact.objects.filter(customer=after.customer).values_list("phone", flat=True)) == ["13812345678"]


@pytest.mark.django_db
def test_the_change_form_on_the_page_checks_the_phone_too(town: City) -> None:
    client = signed_in(town.clerk)
    response = client.post(f"/customers/{town.account.account_no}/change/phone/", {"phone-phone": "1234"}, follow=True)
    assert "手机号码应为11位，当前为4位。" in response.content.decode()
    assert list(Contact.objects.filter(customer=town.account.customer).values_list("phone", flat=True)) == [
        "13812345678"
    ]
