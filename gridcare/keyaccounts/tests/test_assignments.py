"""Assigning a 大客户经理 to an account and a 台区经理 to a 台区: the archive's field changes
through customers' services with the account's history, the open assignment is closed and the
new one opened, the history reads as sentences; refusals write nothing."""

from __future__ import annotations

import pytest

from gridcare.core.exceptions import Forbidden, InvalidInput, NotFound
from gridcare.core.history import sentence_of
from gridcare.core.testing import City, signed_in
from gridcare.customers.models import AccountEvent, TransformerArea
from gridcare.keyaccounts.models import Assignment, KeyAccount, KeyAccountEvent
from gridcare.keyaccounts.services.portfolio import account_assign, area_assign
from gridcare.keyaccounts.tests.portfolio_helpers import portfolio_city
from gridcare.org.access import scope_for
from gridcare.org.models import Staff

pytestmark = pytest.mark.django_db


def test_a_supervisor_moves_an_account_to_another_manager_with_its_history(town: City) -> None:
    p = portfolio_city(town)
    scope = scope_for(town.supervisor)
    account_assign(
        scope=scope, actor=town.supervisor, account_no=p.mine.account_no, employee_no="T0900", reason="片区调整"
    )
    p.mine.refresh_from_db()
    assert p.mine.key_account_manager.employee_no == "T0900"
    account_assign(
        scope=scope, actor=town.supervisor, account_no=p.mine.account_no, employee_no="T0008", reason="回到原经理"
    )
    rows = list(Assignment.objects.filter(account=p.mine).order_by("id").values_list("staff__employee_no", "until"))
    assert [r[0] for r in rows] == ["T0900", "T0008"]
    assert rows[0][1] is not None and rows[1][1] is None  # the first closed, the second open
    event = AccountEvent.objects.filter(account=p.mine, type="manager_changed").order_by("id").first()
    assert event is not None and sentence_of(event) == "supervisor 将大客户经理由 kam 改为 钱七，原因：片区调整"
    lines = [sentence_of(e) for e in KeyAccountEvent.objects.filter(account=p.mine).order_by("id")]
    assert lines == [
        "supervisor 将大客户经理由 kam 改为 钱七，原因：片区调整",
        "supervisor 将大客户经理由 钱七 改为 kam，原因：回到原经理",
    ]
    assert KeyAccount.objects.filter(account=p.mine).count() == 1


def test_a_residential_account_becomes_a_key_account_when_given_a_manager(town: City) -> None:
    scope = scope_for(town.supervisor)
    account_assign(
        scope=scope, actor=town.supervisor, account_no=town.account.account_no, employee_no="T0008", reason="新增大客户"
    )
    town.account.refresh_from_db()
    assert town.account.key_account_manager.user == town.kam
    assert signed_in(town.kam).get(f"/key-accounts/{town.account.account_no}/").status_code == 200


def test_refusals_write_nothing(town: City) -> None:
    p = portfolio_city(town)
    before = (Assignment.objects.count(), AccountEvent.objects.count(), KeyAccountEvent.objects.count())
    with pytest.raises(InvalidInput) as refused:
        account_assign(
            scope=scope_for(town.supervisor),
            actor=town.supervisor,
            account_no=p.mine.account_no,
            employee_no="T0010",
            reason="",
        )
    assert set(refused.value.errors) == {"staff", "reason"}  # T0010 is the planner, not a 大客户经理
    with pytest.raises(NotFound):  # U2's account is not the U1 supervisor's
        account_assign(
            scope=scope_for(town.supervisor),
            actor=town.supervisor,
            account_no=p.far.account_no,
            employee_no="T0008",
            reason="x",
        )
    with pytest.raises(Forbidden):
        account_assign(
            scope=scope_for(town.kam), actor=town.kam, account_no=p.mine.account_no, employee_no="T0900", reason="x"
        )
    assert (Assignment.objects.count(), AccountEvent.objects.count(), KeyAccountEvent.objects.count()) == before
    p.mine.refresh_from_db()
    assert p.mine.key_account_manager.employee_no == "T0008"


def test_a_community_manager_is_given_a_taiqu_and_sees_its_accounts(town: City) -> None:
    area_assign(
        scope=scope_for(town.supervisor), actor=town.supervisor, area_code="T1", employee_no="T0009", reason="新台区"
    )
    assert TransformerArea.objects.get(code="T1").community_manager == Staff.objects.get(user=town.community)
    event = KeyAccountEvent.objects.get(area__code="T1")
    assert sentence_of(event) == "supervisor 指定台区经理 community，原因：新台区"
    client = signed_in(town.community)
    assert client.get(f"/key-accounts/{town.account.account_no}/").status_code == 200
    assert town.account.account_no in client.get("/key-accounts/").content.decode()


def test_the_page_asks_first_then_saves(town: City) -> None:
    p = portfolio_city(town)
    client = signed_in(town.supervisor)
    form = {"do": "account", "account_no": p.mine.account_no, "staff": "T0900", "reason": "片区调整"}
    asked = client.post("/key-accounts/assignments/", form)
    assert asked.status_code == 200 and "确定分配" in asked.content.decode()
    assert Assignment.objects.count() == 0
    done = client.post("/key-accounts/assignments/", {**form, "confirmed": "1"})
    assert done.status_code == 302
    p.mine.refresh_from_db()
    assert p.mine.key_account_manager.employee_no == "T0900"
    page = client.get("/key-accounts/assignments/").content.decode()
    assert "supervisor 将大客户经理由 kam 改为 钱七，原因：片区调整" in page
