"""Account changes are services with a history; illegal ones change nothing (CUST-2)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gridcare.core.testing import City, api_client, signed_in
from gridcare.customers.models import Account, AccountEvent, Contact, Customer
from gridcare.customers.tests.helpers import NEW_CUSTOMER_FORM


def _post(town: City, path: str, body: dict[str, Any], persona: str = "clerk") -> Any:
    return api_client(town.users[persona]).post(
        f"/api/v1/accounts/{town.account.account_no}/{path}", data=json.dumps(body), content_type="application/json"
    )


def _snapshot(town: City) -> tuple[Any, ...]:
    a = Account.objects.get(pk=town.account.pk)
    return (
        a.customer_id,
        a.customer.name,
        a.customer_class,
        a.tariff_code,
        a.status,
        Customer.objects.count(),
        list(Contact.objects.order_by("id").values_list("phone", "status")),
        AccountEvent.objects.count(),
    )


@pytest.mark.django_db
def test_transfer_moves_the_account_to_a_new_holder_and_keeps_the_old_one(town: City) -> None:
    old_customer = town.account.customer_id
    response = _post(
        town, "transfer", {"new_name": "钱七", "new_id_number": "330102196010186358", "new_phone": "15900002222"}
    )
    assert response.status_code == 200
    assert response.json()["customer_name"] == "钱七"
    assert response.json()["phones"] == ["159****2222"]
    account = Account.objects.get(pk=town.account.pk)
    assert account.customer_id != old_customer
    assert Customer.objects.get(pk=old_customer).name == "张三"
    event = account.events.get(type="transferred")
    assert event.actor == town.clerk
    assert event.parameters == {
        "old_customer_id": old_customer,
        "old_name": "张三",
        "new_customer_id": account.customer_id,
        "new_name": "钱七",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body", "detail"),
    [
        pytest.param(
            "transfer",
            {"new_name": "张三", "new_id_number": "11010519491231002X", "new_phone": "15900002222"},
            "新户主与原户主为同一人，请办理更名而不是过户。",
            id="a_transfer_to_the_same_person_is_refused_as_a_rename",
        ),
        pytest.param(
            "status",
            {"status": "active"},
            "户号 0000000018 当前状态为“正常”，不能变为“正常”。",
            id="resuming_an_active_account_is_an_illegal_move",
        ),
    ],
)
def test_a_change_against_the_rules_is_409_with_its_reason_and_changes_nothing(
    town: City, path: str, body: dict[str, Any], detail: str
) -> None:
    before = _snapshot(town)
    response = _post(town, path, body)
    assert response.status_code == 409
    assert response.json()["detail"] == detail
    assert _snapshot(town) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body", "errors"),
    [
        pytest.param(
            "transfer",
            {"new_name": "", "new_id_number": "123", "new_phone": "999"},
            {
                "new_name": "请填写新户主名称。",
                "new_id_number": "身份证号码应为18位，当前为3位。",
                "new_phone": "手机号码应为11位，当前为3位。",
            },
            id="a_transfer_with_bad_identity_data",
        ),
        pytest.param("status", {"status": "frozen"}, {"status": "取值不在允许范围内。"}, id="an_unknown_status"),
    ],
)
def test_bad_input_is_422_with_field_errors_and_changes_nothing(
    town: City, path: str, body: dict[str, Any], errors: dict[str, str]
) -> None:
    before = _snapshot(town)
    response = _post(town, path, body)
    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert _snapshot(town) == before


@pytest.mark.django_db
def test_rename_and_tariff_change_are_recorded_with_old_and_new_values(town: City) -> None:
    from gridcare.billing.demo import seed_tariffs

    seed_tariffs()
    assert _post(town, "rename", {"new_name": "张叁"}).status_code == 200
    response = _post(town, "tariff", {"customer_class": "commercial", "tariff_code": "COM-TOU"})
    assert response.status_code == 200
    assert response.json()["customer_class_label"] == "一般工商业"
    events = list(Account.objects.get(pk=town.account.pk).events.order_by("id").values_list("type", "parameters"))
    assert events == [
        ("renamed", {"old_name": "张三", "new_name": "张叁"}),
        (
            "tariff_changed",
            {
                "old": {"customer_class": "residential", "tariff_code": ""},
                "new": {"customer_class": "commercial", "tariff_code": "COM-TOU"},
            },
        ),
    ]


@pytest.mark.django_db
def test_suspend_resume_close_follow_the_transition_table(town: City) -> None:
    assert _post(town, "status", {"status": "suspended", "reason": "外出务工"}).json()["status"] == "suspended"
    assert _post(town, "status", {"status": "active"}).json()["status"] == "active"
    assert _post(town, "status", {"status": "closed", "reason": "房屋拆迁"}).json()["status"] == "closed"
    types = list(Account.objects.get(pk=town.account.pk).events.order_by("id").values_list("type", flat=True))
    assert types == ["suspended", "resumed", "closed"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("status", {"status": "active"}),
        ("status", {"status": "suspended"}),
        ("rename", {"new_name": "新名字"}),
        ("tariff", {"customer_class": "commercial"}),
        ("phone", {"phone": "15900002222"}),
    ],
)
def test_a_closed_account_refuses_every_change(town: City, path: str, body: dict[str, Any]) -> None:
    _post(town, "status", {"status": "closed"})
    before = _snapshot(town)
    response = _post(town, path, body)
    assert response.status_code == 409
    assert _snapshot(town) == before


@pytest.mark.django_db
def test_a_new_phone_number_starts_with_a_clean_delivery_record(town: City) -> None:
    Contact.objects.filter(customer=town.account.customer).update(status="failed", delivery_failures=4)
    response = _post(town, "phone", {"phone": "159 0000 2222"})
    assert response.status_code == 200
    contact = Contact.objects.get(customer=town.account.customer)
    assert (contact.phone, contact.status, contact.delivery_failures) == ("15900002222", "valid", 0)
    assert town.account.events.get(type="contact_changed").parameters == {"old": "138****5678", "new": "159****2222"}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["guide", "agent", "supervisor", "planner", "community"])
def test_roles_that_do_not_keep_the_archive_cannot_change_it(town: City, persona: str) -> None:
    before = _snapshot(town)
    response = _post(town, "rename", {"new_name": "新名字"}, persona=persona)
    assert response.status_code == 403
    assert _snapshot(town) == before


@pytest.mark.django_db
def test_the_change_forms_on_the_page_call_the_same_services(town: City) -> None:
    client = signed_in(town.clerk)
    url = f"/customers/{town.account.account_no}/change/rename/"
    response = client.post(url, {"rename-new_name": "张叁"}, follow=True)
    assert "办理成功。" in response.content.decode()
    assert Account.objects.get(pk=town.account.pk).customer.name == "张叁"
    refused = client.post(
        f"/customers/{town.account.account_no}/change/status/", {"status-status": "active"}, follow=True
    )
    assert "不能变为" in refused.content.decode()
    assert Account.objects.get(pk=town.account.pk).status == "active"
    assert client.post(f"/customers/{town.account.account_no}/change/nope/").status_code == 404


@pytest.mark.django_db
def test_opening_a_customer_through_the_page(town: City) -> None:
    client = signed_in(town.clerk)
    form = NEW_CUSTOMER_FORM
    response = client.post("/customers/new/", form)
    assert response.status_code == 302
    account = Account.objects.get(customer__name="孙八")
    assert response["Location"] == f"/customers/{account.account_no}/"
    bad = client.post("/customers/new/", dict(form, name="周九", phone="123"))
    assert bad.status_code == 200
    assert "手机号码应为11位，当前为3位。" in bad.content.decode()
    assert not Account.objects.filter(customer__name="周九").exists()
