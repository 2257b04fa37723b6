"""The arrears pages and API (issue 19): the plan form from the bills page previews the
instalments and asks before submitting; another person approves on the plan page; the API
answers 201 then 200 for the same form key; a protected customer is recorded on its page and
the dunning list marks it; every new event type reads as a sentence."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from django.utils import timezone

from gridcare.billing.models import InstalmentPlan, InstalmentPlanEvent, ProtectedAccount
from gridcare.billing.services.arrears import dunning_record
from gridcare.billing.tests.helpers import billing_clerk, issued_bill
from gridcare.core.history import table_of
from gridcare.core.testing import City, api_client, signed_in
from gridcare.core.timezone import SHANGHAI


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 5, 10, 0, tzinfo=SHANGHAI))


def test_a_plan_is_previewed_asked_and_approved_by_another_person(town: City, today: None) -> None:
    issued_bill(town.account, "2026-10", "1000.00", date(2026, 11, 25))
    office = signed_in(billing_clerk(town))
    no = town.account.account_no
    url = f"/billing/accounts/{no}/instalments/new/"
    assert url in office.get(f"/billing/accounts/{no}/").content.decode()
    form = {"request_key": str(uuid.uuid4()), "count": "3", "first_due": "2026-12-20", "reason": "家庭困难"}
    asked = office.post(url, form).content.decode()
    assert not InstalmentPlan.objects.exists()
    assert "账单 2026-10 截至 2026-12-05 欠费（含违约金）¥1,010.00，分 3 期" in asked
    assert "第 1 期 2026-12-20 应缴 ¥336.66；第 2 期 2027-01-20 应缴 ¥336.66；第 3 期 2027-02-20 应缴 ¥336.68" in asked
    done = office.post(url, {**form, "confirmed": "1"})
    plan = InstalmentPlan.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/billing/instalments/{plan.pk}/"
    office.post(url, {**form, "confirmed": "1"})  # a double click: still one plan
    assert InstalmentPlan.objects.count() == 1
    page = office.get(f"/billing/instalments/{plan.pk}/").content.decode()
    assert 'id="plan-decision"' not in page  # the requester cannot decide
    supervisor = signed_in(town.supervisor)
    decide = f"/billing/instalments/{plan.pk}/decide/"
    assert "批准户号" in supervisor.post(decide, {"approve": "1", "note": "同意"}).content.decode()
    supervisor.post(decide, {"approve": "1", "note": "同意", "confirmed": "1"})
    plan.refresh_from_db()
    assert plan.status == "kept"
    shown = supervisor.get(f"/billing/instalments/{plan.pk}/").content.decode()
    assert "申请分期缴费 ¥1010.00，共 3 期" in shown and "批准了分期，期间暂停计收违约金" in shown


def test_the_api_asks_a_plan_once_per_key_and_refuses_the_asker_approving(town: City, today: None) -> None:
    issued_bill(town.account, "2026-10", "1000.00", date(2026, 11, 25))
    clerk = api_client(billing_clerk(town))
    url = f"/api/v1/accounts/{town.account.account_no}/instalment-plans"
    body = {"count": 3, "first_due": "2026-12-20", "reason": "家庭困难", "request_key": "K-1"}
    preview = clerk.post(f"{url}/preview", body, content_type="application/json").json()
    assert [i["amount"] for i in preview["instalments"]] == ["336.66", "336.66", "336.68"]
    first = clerk.post(url, body, content_type="application/json")
    again = clerk.post(url, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["total"] == "1010.00"
    decision = f"/api/v1/instalment-plans/{first.json()['id']}/decision"
    refused = clerk.post(decision, {"approve": True}, content_type="application/json")
    assert refused.status_code == 403 and InstalmentPlan.objects.get().status == "pending"
    bad = clerk.post(url, {**body, "count": 99, "request_key": "K-2"}, content_type="application/json")
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"count"}


def test_a_protected_customer_is_recorded_and_marked_on_the_dunning_list(town: City, today: None) -> None:
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    dunning_record(bill=bill, step="reminder", on=date(2026, 11, 26), actor=town.clerk)  # type: ignore[arg-type]
    user = billing_clerk(town)
    office = signed_in(user)
    no = town.account.account_no
    answer = office.post(
        f"/billing/accounts/{no}/protected/",
        {"reason": "elderly_alone", "evidence": "独居，社区证明", "review_on": "2027-06-30"},
    )
    assert answer.status_code == 302 and ProtectedAccount.objects.get().reason == "elderly_alone"
    listed = office.get("/billing/protected/").content.decode()
    assert no in listed and "独居老人" in listed
    dunning = office.get("/billing/dunning/?stage=notice").content.decode()
    assert "保护性客户" in dunning.split(no, 1)[1][:400]


def test_every_plan_event_type_has_a_sentence() -> None:
    table = table_of(InstalmentPlanEvent)
    assert table is not None and set(table.sentences) == set(InstalmentPlanEvent.Type.values)
