"""Binding accounts and reading them (SELF-2): the holder's name or the ID number's last six
prove an account; wrong proofs say the same and are limited a day; a customer sees only bound
accounts, any other is the same 404 as a missing one; customer and staff credentials never cross."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City, api_client, make_account, signed_in
from gridcare.customers.models import Account, AccountStatus
from gridcare.portal.models import Binding, PortalEvent
from gridcare.portal.services import auth, bindings
from gridcare.portal.tests.conftest import Customer, sign_in_by_code

ACCOUNTS = "/api/v1/portal/accounts"
REFUSED = {"account_no": "户号与户主信息不符，请核对后重试。"}


def _bind(client: Client, body: dict[str, str]) -> object:
    return client.post(ACCOUNTS, data=json.dumps(body), content_type="application/json")


def test_binding_by_name_or_id_tail_and_listing(town: City) -> None:
    user = sign_in_by_code("13611110000")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {auth.token_issue(user=user)}")
    made = _bind(client, {"account_no": town.account.account_no, "name": " 张 三 "})
    assert made.status_code == 201
    assert made.json() | {"bound_at": ""} == {
        "account_no": town.account.account_no,
        "holder": "张*",
        "address": "上城区解放路1号1幢101室",
        "unit": "城区供电所",
        "customer_class": "居民",
        "amount_due": "0.00",
        "prepaid_balance": "0.00",
        "bound_at": "",
    }
    second = make_account(40, town.unit, town.hall, "赵六", id_number="33010519800101123x")
    assert _bind(client, {"account_no": second.account_no, "id_last6": "01123X"}).status_code == 201
    again = _bind(client, {"account_no": second.account_no, "id_last6": "01123x"})  # already bound: the same
    assert again.status_code == 201
    listed = client.get(ACCOUNTS).json()
    assert [a["account_no"] for a in listed] == [town.account.account_no, second.account_no]
    assert Binding.objects.filter(user=user).count() == 2
    assert list(user.events.values_list("type", "parameters__proof")) == [
        ("signed_in", None),
        ("bound", "name"),
        ("bound", "id_last6"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"account_no": "0000000018", "name": "李四"},  # another's name
        {"account_no": "0000000018", "id_last6": "000000"},
        {"account_no": "9999999999", "name": "张三"},  # no such account
    ],
)
def test_a_wrong_proof_says_the_same_whatever_was_wrong_and_binds_nothing(
    town: City, zhang: Customer, body: dict[str, str]
) -> None:
    before = Binding.objects.count()
    user = sign_in_by_code("13622220000")
    answer = _bind(Client(HTTP_AUTHORIZATION=f"Bearer {auth.token_issue(user=user)}"), body)
    assert (answer.status_code, answer.json()["errors"]) == (422, REFUSED)
    assert Binding.objects.count() == before
    assert user.events.filter(type=PortalEvent.Type.BIND_REFUSED).count() == 1


def test_a_closed_account_cannot_be_bound(town: City) -> None:
    Account.objects.filter(pk=town.account.pk).update(status=AccountStatus.CLOSED)
    user = sign_in_by_code("13633330000")
    with pytest.raises(Exception, match="户号与户主信息不符"):
        bindings.account_bind(user=user, account_no=town.account.account_no, name="张三")
    assert not Binding.objects.exists()


def test_ten_wrong_proofs_a_day_then_no_more_tries(town: City) -> None:
    user = sign_in_by_code("13644440000")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {auth.token_issue(user=user)}")
    for _n in range(10):
        assert _bind(client, {"account_no": town.account.account_no, "name": "错"}).status_code == 422
    locked = _bind(client, {"account_no": town.account.account_no, "name": "张三"})  # even the right one
    assert locked.status_code == 429
    assert not Binding.objects.exists()


def test_bad_shapes_are_refused_on_their_fields(town: City, zhang: Customer) -> None:
    answer = _bind(zhang.api(), {"account_no": "abc", "id_last6": "12"})
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"account_no": "户号为10位以内的数字。", "id_last6": "请填写证件号码的后六位。"}
    empty = _bind(zhang.api(), {"account_no": "0000000018"})
    assert empty.json()["errors"] == {"name": "请填写户主姓名，或证件号码后六位。"}


def test_a_customer_sees_only_bound_accounts_and_others_are_a_404(town: City, zhang: Customer, li: Customer) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2026, 11, 25))
    mine = zhang.api().get(f"{ACCOUNTS}/{town.account.account_no}/bills")
    assert mine.status_code == 200
    [bill] = mine.json()
    assert (bill["period"], bill["amount"], bill["paid"], bill["status"]) == ("2026-10", "88.00", "0.00", "issued")
    for account_no in (town.other_unit_account.account_no, "9999999999", "not-a-number"):
        other = zhang.api().get(f"{ACCOUNTS}/{account_no}/bills")
        assert other.status_code == 404
        assert other.json() == {"detail": "没有找到这个户号，或尚未绑定。", "errors": {}}
    assert [a["account_no"] for a in li.api().get(ACCOUNTS).json()] == [town.other_unit_account.account_no]


def test_unbinding_hides_the_account_again(town: City, zhang: Customer) -> None:
    url = f"{ACCOUNTS}/{town.account.account_no}"
    assert zhang.api().delete(url).status_code == 204
    assert zhang.api().get(ACCOUNTS).json() == []
    assert zhang.api().get(f"{url}/bills").status_code == 404
    assert zhang.api().delete(url).status_code == 404
    assert Binding.objects.get().unbound_at is not None


def test_customer_and_staff_credentials_never_cross(town: City, zhang: Customer) -> None:
    assert zhang.api().get("/api/v1/me").status_code == 401  # a customer token is no staff token
    assert zhang.api().get("/api/v1/accounts/0000000018").status_code == 401
    staff = api_client(town.users["admin"])
    assert staff.get(ACCOUNTS).status_code == 401  # a staff token is no customer token
    assert signed_in(town.users["admin"]).get("/portal/").status_code == 302  # a staff session is no customer's
    page = Client()
    page.cookies.load({"gc_portal": ""})
    assert page.get("/customers/").status_code == 302  # staff pages ask staff sign-in


def test_a_revoked_token_opens_nothing(town: City, zhang: Customer) -> None:
    assert zhang.api().post("/api/v1/portal/auth/logout").status_code == 204
    assert zhang.api().get(ACCOUNTS).status_code == 401


def test_the_amount_due_is_the_open_bills(town: City, zhang: Customer) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    [account] = zhang.api().get(ACCOUNTS).json()
    assert Decimal(account["amount_due"]) == Decimal("88.00")
