"""The correction pages (issue 19): a bill's 更正 is asked first with the new amount and decided
by another person after a question; a credit or debit note is asked first and decided from the
approvals list; the batch re-bill is previewed (how many bills change), asked first, opened
once and watched on its progress page; the API starts a batch once per request key."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db.models import F

from gridcare.billing.models import Adjustment, Bill, BillCorrection, RebillBatch, Tariff
from gridcare.billing.services import rebill, rebill_batch
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import billable, billing_clerk, issued_bill, mixed_accounts, reading, tariffs
from gridcare.core.testing import City, api_client, signed_in
from gridcare.org.access import scope_for

D = Decimal
TODAY = date(2026, 12, 7)


def _key(page: str) -> str:
    found = re.search(r'name="request_key" value="([0-9a-f-]+)"', page)
    assert found
    return found.group(1)


@pytest.fixture
def wrong(town: City, monkeypatch: pytest.MonkeyPatch) -> Bill:
    """A 2026-10 bill of 300.00 whose reading (200 kWh) prices at 107.60, 100.00 paid on it."""
    monkeypatch.setattr(rebill, "business_date", lambda: TODAY)
    billable(town.account)
    reading(town.account, "2026-10", "200")
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    data = PaymentIn("wechat", "W1", town.account.account_no, D("100.00"), datetime(2026, 12, 5, 2, tzinfo=UTC))
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    return bill


def test_a_correction_is_asked_first_with_the_new_amount_and_decided_by_another(town: City, wrong: Bill) -> None:
    clerk = billing_clerk(town)
    office = signed_in(clerk)
    no = town.account.account_no
    url = f"/billing/accounts/{no}/bills/{wrong.pk}/correction/"
    assert url in office.get(f"/billing/accounts/{no}/").content.decode()
    assert url not in signed_in(town.clerk).get(f"/billing/accounts/{no}/").content.decode()
    data = {"request_key": _key(office.get(url).content.decode()), "reason": "reading", "note": "抄错表"}
    asked = office.post(url, data)
    assert asked.status_code == 200 and BillCorrection.objects.count() == 0
    page = asked.content.decode()
    assert f"将作废户号 {no} 2026-10 账单（原应收 ¥300.00）" in page
    assert "电量 200.00 kWh，电费 ¥107.60，新应收 ¥107.60（−¥192.40）" in page
    done = office.post(url, data | {"confirmed": "1"})
    correction = BillCorrection.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/billing/corrections/{correction.pk}/"
    assert office.post(url, data | {"confirmed": "1"}).status_code == 302  # the same form again: one request
    assert BillCorrection.objects.count() == 1
    # The asker sees no decision form and is refused; nothing changes.
    decide = f"/billing/corrections/{correction.pk}/decide/"
    assert decide not in office.get(f"/billing/corrections/{correction.pk}/").content.decode()
    office.post(decide, {"approve": "1", "confirmed": "1"})
    correction.refresh_from_db()
    assert correction.status == "pending" and Bill.objects.count() == 1
    # The supervisor approves after a question.
    boss = signed_in(town.supervisor)
    assert f"/billing/corrections/{correction.pk}/" in boss.get("/billing/corrections/").content.decode()
    question = boss.post(decide, {"approve": "1", "note": "核实无误"}).content.decode()
    assert "批准更正？2026-10 账单（¥300.00）将作废并重新出账，新应收约 ¥107.60" in question
    assert Bill.objects.count() == 1
    boss.post(decide, {"approve": "1", "note": "核实无误", "confirmed": "1"})
    correction.refresh_from_db()
    assert correction.status == "done" and correction.new_bill is not None
    assert correction.new_bill.amount == D("107.60")
    shown = boss.get(f"/billing/corrections/{correction.pk}/").content.decode()
    assert "批准更正，账单已作废并重新出账 ¥107.60，意见：核实无误" in shown
    assert "申请更正账单（抄表差错），原应收 ¥300.00，更正后 ¥107.60" in shown


def test_a_note_is_asked_first_and_decided_from_the_approvals_list(town: City) -> None:
    clerk = billing_clerk(town)
    office = signed_in(clerk)
    no = town.account.account_no
    url = f"/billing/accounts/{no}/adjustments/"
    assert url in office.get(f"/billing/accounts/{no}/").content.decode()
    form = office.get(url).content.decode()
    data = {"request_key": _key(form), "kind": "credit", "reason": "topup", "amount": "600.00", "note": "多收退还"}
    asked = office.post(url, data).content.decode()
    assert f"为户号 {no} 申请退减（贷项） ¥600.00，将计入该户下一期账单。金额超过审批限额" in asked
    assert Adjustment.objects.count() == 0
    assert office.post(url, data | {"confirmed": "1"}).status_code == 302
    note = Adjustment.objects.get()
    assert (note.status, note.amount, note.kind) == ("pending", D("600.00"), "credit")
    listed = office.get("/billing/corrections/").content.decode()
    assert "须由他人审批" in listed  # the asker's own row has no buttons
    boss = signed_in(town.supervisor)
    decide = f"/billing/adjustments/{note.pk}/decide/"
    assert decide in boss.get("/billing/corrections/").content.decode()
    question = boss.post(decide, {"approve": "0"}).content.decode()
    assert f"驳回户号 {no} 的退减（贷项） ¥600.00？" in question
    note.refresh_from_db()
    assert note.status == "pending"
    boss.post(decide, {"approve": "1", "confirmed": "1"})
    note.refresh_from_db()
    assert note.status == "approved" and note.decided_by == town.supervisor
    assert "批准了退补" in boss.get(url).content.decode() or note.events.count() == 2


def _corrected_tariff(town: City, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(rebill_batch, "business_date", lambda: TODAY)
    tariffs()
    accounts = mixed_accounts(town, 8)
    bill_run_start(period="2026-10", chunk_size=5)
    Tariff.objects.filter(code="COM-TOU").update(price=F("price") - D("0.0125"), peak_price=F("peak_price") - D("0.02"))
    return sum(1 for a in accounts if a.tariff_code == "COM-TOU")


def test_the_batch_is_previewed_asked_first_started_once_and_watched(
    town: City, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: object
) -> None:
    commercial = _corrected_tariff(town, monkeypatch)
    launched: list[int] = []
    monkeypatch.setattr(rebill_batch.subprocess, "Popen", lambda *a, **k: launched.append(1))
    admin = signed_in(town.admin)
    assert "/billing/rebill/" not in signed_in(billing_clerk(town)).get("/billing/runs/").content.decode()
    assert signed_in(billing_clerk(town, other_unit=True)).get("/billing/rebill/").status_code == 403
    form = admin.get("/billing/rebill/").content.decode()
    data = {"request_key": _key(form), "period": "2026-10", "tariff_code": "COM-TOU", "reason": "平段电价录入错误"}
    question = admin.post("/billing/rebill/", data).content.decode()
    changed = Bill.objects.filter(period="2026-10", tariff__code="COM-TOU").count()
    assert f"将按更正后的电价 COM-TOU 重算 2026-10 账期的 {commercial} 张账单" in question
    assert changed == commercial and RebillBatch.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        done = admin.post("/billing/rebill/", data | {"confirmed": "1"})
    batch = RebillBatch.objects.get()
    assert done["Location"] == f"/billing/rebill/{batch.pk}/" and launched == [1]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        admin.post("/billing/rebill/", data | {"confirmed": "1"})
    assert RebillBatch.objects.count() == 1 and launched == [1]
    page = admin.get(f"/billing/rebill/{batch.pk}/").content.decode()
    assert "hx-get" in page and f"0 / {commercial}" in page
    rebill_batch.rebill_batch_run(batch=batch, actor=town.admin)
    finished = admin.get(f"/billing/rebill/{batch.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in finished and "（100%）" in finished


def test_the_api_starts_a_batch_once_per_request_key(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    _corrected_tariff(town, monkeypatch)
    client = api_client(town.admin)
    body = {"period": "2026-10", "tariff_code": "COM-TOU", "reason": "电价更正", "request_key": "API-1"}
    first = client.post("/api/v1/billing/rebill-batches", body, content_type="application/json")
    again = client.post("/api/v1/billing/rebill-batches", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and again.json()["created"] is False
    assert RebillBatch.objects.get().request_key == "API-1"
    bad = client.post(
        "/api/v1/billing/rebill-batches",
        body | {"request_key": "API-2", "period": "26-10"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "period" in bad.json()["errors"] and RebillBatch.objects.count() == 1
    clerk = api_client(billing_clerk(town))
    refused = clerk.post(
        "/api/v1/billing/rebill-batches", body | {"request_key": "API-3"}, content_type="application/json"
    )
    assert refused.status_code == 403 and RebillBatch.objects.count() == 1
