"""Phones and ID numbers are masked; unmasking is a logged action for roles that need it (CUST-4)."""

from __future__ import annotations

import json

import pytest

from gridcare.core.testing import ID_NUMBER, PHONE, City, api_client, signed_in
from gridcare.customers.models import AccountEvent

UNMASK_ALLOWED = {"clerk", "manager", "agent", "kam", "community", "admin"}
UNMASK_REFUSED = {"guide", "supervisor", "planner"}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(UNMASK_ALLOWED | UNMASK_REFUSED))
def test_every_role_sees_masked_contacts_by_default(town: City, persona: str) -> None:
    body = api_client(town.users[persona]).get(f"/api/v1/accounts/{town.account.account_no}").json()
    assert body["phones"] == ["138****5678"]
    assert body["id_number"] == "110105********002X"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(UNMASK_ALLOWED))
def test_roles_that_need_it_can_unmask_and_each_look_is_logged(town: City, persona: str) -> None:
    user = town.users[persona]
    response = api_client(user).post(
        f"/api/v1/accounts/{town.account.account_no}/unmask",
        data=json.dumps({"reason_code": "caller_check", "reason": "客户来电核实身份"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["phones"] == [PHONE]
    assert response.json()["id_number"] == ID_NUMBER
    event = AccountEvent.objects.get(account=town.account, type=AccountEvent.Type.UNMASKED)
    assert event.actor == user
    assert event.parameters == {"reason": "客户来电核实身份", "reason_code": "caller_check"}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(UNMASK_REFUSED))
def test_roles_that_do_not_need_it_are_refused_and_nothing_is_logged(town: City, persona: str) -> None:
    response = api_client(town.users[persona]).post(
        f"/api/v1/accounts/{town.account.account_no}/unmask", data="{}", content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "您的岗位无权查看完整的个人信息。"
    assert not AccountEvent.objects.filter(type=AccountEvent.Type.UNMASKED).exists()


@pytest.mark.django_db
def test_nobody_can_unmask_an_account_they_cannot_see(town: City) -> None:
    response = api_client(town.supervisor).post(
        f"/api/v1/accounts/{town.other_unit_account.account_no}/unmask", data="{}", content_type="application/json"
    )
    assert response.status_code == 404
    assert not AccountEvent.objects.exists()


@pytest.mark.django_db
def test_the_unmask_button_on_the_page_shows_the_numbers_and_logs_it(town: City) -> None:
    client = signed_in(town.clerk)
    page = client.get(f"/customers/{town.account.account_no}/").content.decode()
    assert "查看完整信息" in page and PHONE not in page
    fragment = client.post(
        f"/customers/{town.account.account_no}/unmask/",
        {"unmask-reason_code": "identity_check", "unmask-reason_text": "柜台办理过户核实"},
    )
    assert fragment.status_code == 200
    assert PHONE in fragment.content.decode()
    assert AccountEvent.objects.filter(type="unmasked", actor=town.clerk).count() == 1
    history = client.get(f"/customers/{town.account.account_no}/").content.decode()
    assert "查看完整个人信息" in history


@pytest.mark.django_db
def test_the_page_hides_the_unmask_button_from_roles_without_the_right(town: City) -> None:
    page = signed_in(town.supervisor).get(f"/customers/{town.account.account_no}/").content.decode()
    assert "查看完整信息" not in page
    refused = signed_in(town.supervisor).post(f"/customers/{town.account.account_no}/unmask/")
    assert refused.status_code == 403
    assert PHONE not in refused.content.decode()
    assert not AccountEvent.objects.exists()
