from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from unittest import mock
from unittest.mock import AsyncMock, MagicMock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from gridcare.billing.models import (
    Bill,
    BillEvent,
    DebitAgreement,
    DebitBatch,
    DunningStep,
    DunningStepKind,
    Payment,
    PrepaidBalance,
    Reconciliation,
)
from gridcare.billing.selectors import dunning_worklist
from gridcare.billing.services.arrears import dunning_record
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import billing_clerk, issued_bill
from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.testing import City, signed_in
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import scope_for

TODAY = date(2027, 1, 1)


def _today(day: date = TODAY) -> AbstractContextManager[MagicMock | AsyncMock]:
    return mock.patch("gridcare.billing.office_views.business_date", return_value=day)


# --- dunning ------------------------------------------------------------------------------------


def test_the_dunning_list_shows_each_bill_at_its_step_with_its_dates(town: City) -> None:
    fresh = issued_bill(town.account, "2026-11", "50.00", date(2026, 12, 25))  # 7 days overdue, no step
    reminded = issued_bill(town.account, "2026-10", "80.00", date(2026, 11, 25))  # reminded, 37 days
    served = issued_bill(town.account, "2026-09", "90.00", date(2026, 10, 25))  # cut-off notice served
    dunning_record(bill=reminded, step=DunningStepKind.REMINDER, on=date(2026, 11, 26), actor=None)
    dunning_record(bill=served, step=DunningStepKind.REMINDER, on=date(2026, 10, 26), actor=None)
    dunning_record(bill=served, step=DunningStepKind.CUTOFF_NOTICE, on=date(2026, 12, 29), actor=None)
    issued_bill(town.other_unit_account, "2026-10", "70.00", date(2026, 11, 25))
    stages = dunning_worklist(scope=scope_for(billing_clerk(town)), on=TODAY)
    found = {s: [(r.bill.pk, r.since, r.until, r.done_on) for r in rows] for s, rows in stages.items() if rows}
    assert found == {
        "reminder": [(fresh.pk, date(2026, 12, 26), None, None)],
        "cutoff_notice": [(reminded.pk, date(2026, 12, 26), None, date(2026, 11, 26))],
        "cutoff": [(served.pk, date(2027, 1, 1), date(2027, 1, 5), date(2026, 12, 29))],
    }


def test_the_dunning_page_lists_only_the_clerks_unit_and_filters_by_hall(town: City) -> None:
    mine = issued_bill(town.account, "2026-10", "80.00", date(2026, 11, 25))
    issued_bill(town.other_unit_account, "2026-10", "70.00", date(2026, 11, 25))
    client = signed_in(billing_clerk(town))
    with _today():
        page = client.get("/billing/dunning/")
        by_hall = client.get("/billing/dunning/?hall=H1").context["page"].items
        other_hall = client.get("/billing/dunning/?hall=H2").context["page"].items
    assert [r.bill.pk for r in page.context["page"].items] == [mine.pk]
    assert town.other_unit_account.account_no not in page.content.decode()
    assert [r.bill.pk for r in by_hall] == [mine.pk]
    assert [r.bill.pk for r in other_hall] == [mine.pk]  # H2 is not the clerk's: the list stays U1's
    with _today():
        admin = signed_in(town.admin).get("/billing/dunning/?unit=U2").context["page"].items
    assert [r.bill.account_id for r in admin] == [town.other_unit_account.pk]


def test_a_billing_clerk_records_a_cutoff_notice_and_the_cutoff(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "80.00", date(2026, 11, 25))
    dunning_record(bill=bill, step=DunningStepKind.REMINDER, on=date(2026, 11, 26), actor=None)
    clerk = billing_clerk(town)
    client = signed_in(clerk)
    url = f"/billing/dunning/bills/{bill.pk}/step/"
    assert client.post(url, {"step": "cutoff_notice", "on": "2026-12-28"}).status_code == 302
    notice = DunningStep.objects.get(step="cutoff_notice")
    assert (notice.done_on, notice.deadline, notice.actor) == (
        date(2026, 12, 28),
        datetime(2027, 1, 4, 23, 59, tzinfo=SHANGHAI),
        clerk,
    )
    client.post(url, {"step": "cutoff", "on": "2026-12-30"})  # 2 days after the notice: too early
    assert not DunningStep.objects.filter(step="cutoff").exists()
    client.post(url, {"step": "cutoff", "on": "2026-12-31"})
    assert DunningStep.objects.get(step="cutoff").done_on == date(2026, 12, 31)
    assert list(BillEvent.objects.filter(bill=bill).values_list("type", flat=True)) == [
        "dunning_reminder",
        "dunning_cutoff_notice",
        "dunning_cutoff",
    ]


def test_dunning_steps_follow_their_order_and_time_limits(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "80.00", date(2026, 11, 25))
    dunning_record(bill=bill, step=DunningStepKind.REMINDER, on=date(2026, 11, 26), actor=None)
    with pytest.raises(Conflict):  # no notice served yet
        dunning_record(bill=bill, step=DunningStepKind.CUTOFF, on=date(2027, 1, 5), actor=None)
    dunning_record(bill=bill, step=DunningStepKind.CUTOFF_NOTICE, on=date(2026, 12, 28), actor=None)
    with pytest.raises(Conflict):  # back to an earlier step
        dunning_record(bill=bill, step=DunningStepKind.NOTICE, on=date(2026, 12, 29), actor=None)
    with pytest.raises(InvalidInput) as late:  # 8 days after the notice
        dunning_record(bill=bill, step=DunningStepKind.CUTOFF, on=date(2027, 1, 5), actor=None)
    assert str(late.value.message) == "停电须在停电通知送达后第 3 至 7 天之间（2026-12-31 至 2027-01-04）。"
    assert sorted(DunningStep.objects.values_list("step", flat=True)) == ["cutoff_notice", "reminder"]


def test_another_units_bill_cannot_be_dunned_by_a_billing_clerk(town: City) -> None:
    bill = issued_bill(town.other_unit_account, "2026-10", "80.00", date(2026, 11, 25))
    client = signed_in(billing_clerk(town))
    answer = client.post(f"/billing/dunning/bills/{bill.pk}/step/", {"step": "notice", "on": "2026-12-01"})
    assert answer.status_code == 404
    assert signed_in(town.clerk).post(f"/billing/dunning/bills/{bill.pk}/step/", {}).status_code == 403
    assert (DunningStep.objects.count(), BillEvent.objects.count()) == (0, 0)


def _cut_and_paid(town: City, account_bill: Bill) -> DunningStep:
    dunning_record(bill=account_bill, step=DunningStepKind.REMINDER, on=date(2026, 11, 26), actor=None)
    dunning_record(bill=account_bill, step=DunningStepKind.CUTOFF_NOTICE, on=date(2026, 12, 27), actor=None)
    dunning_record(bill=account_bill, step=DunningStepKind.CUTOFF, on=date(2026, 12, 31), actor=None)
    paid_at = datetime(2027, 1, 3, 2, 0, tzinfo=UTC)
    data = PaymentIn("counter_cash", f"C-{account_bill.pk}", account_bill.account.account_no, Decimal("500"), paid_at)
    payment_post(scope=scope_for(town.admin), actor=town.admin, data=data)
    return DunningStep.objects.get(bill=account_bill, step="reconnect")


def test_a_billing_clerk_records_the_reconnection_within_24_hours(town: City) -> None:
    step = _cut_and_paid(town, issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25)))
    clerk = billing_clerk(town)
    client = signed_in(clerk)
    with _today(date(2027, 1, 3)):
        listed = client.get("/billing/dunning/").context["reconnections"]
    assert [s.pk for s in listed] == [step.pk]
    url = f"/billing/dunning/reconnections/{step.pk}/done/"
    assert client.post(url, {"at": "2027-01-03 18:30"}).status_code == 302
    step.refresh_from_db()
    assert (step.completed_at, step.completed_by) == (datetime(2027, 1, 3, 18, 30, tzinfo=SHANGHAI), clerk)
    event = BillEvent.objects.get(type="dunning_reconnected")
    assert event.parameters == {"at": "2027-01-03T18:30:00+08:00", "on_time": True}
    client.post(url, {"at": "2027-01-03 19:00"})  # recorded once
    step.refresh_from_db()
    assert (step.completed_at, BillEvent.objects.filter(type="dunning_reconnected").count()) == (
        datetime(2027, 1, 3, 18, 30, tzinfo=SHANGHAI),
        1,
    )
    with _today(date(2027, 1, 3)):
        assert list(client.get("/billing/dunning/").context["reconnections"]) == []


def test_a_late_reconnection_is_recorded_as_late_and_another_units_is_not_found(town: City) -> None:
    mine = _cut_and_paid(town, issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25)))
    theirs = _cut_and_paid(town, issued_bill(town.other_unit_account, "2026-10", "300.00", date(2026, 11, 25)))
    client = signed_in(billing_clerk(town))
    assert (
        client.post(f"/billing/dunning/reconnections/{theirs.pk}/done/", {"at": "2027-01-03 12:00"}).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.completed_at is None
    client.post(f"/billing/dunning/reconnections/{mine.pk}/done/", {"at": "2027-01-04 11:00"})
    assert BillEvent.objects.get(type="dunning_reconnected").parameters["on_time"] is False


# --- reconciliation ----------------------------------------------------------------------------


def _wechat(town: City, account_no: str, txn: str, amount: str) -> None:
    data = PaymentIn("wechat", txn, account_no, Decimal(amount), datetime(2026, 11, 20, 2, tzinfo=UTC))
    payment_post(scope=scope_for(town.admin), actor=town.admin, data=data)


def test_a_billing_clerk_reconciles_their_units_statement_and_reviews_it_later(town: City) -> None:
    mine, theirs = town.account.account_no, town.other_unit_account.account_no
    _wechat(town, mine, "W1", "10.00")
    _wechat(town, mine, "W2", "20.00")
    _wechat(town, theirs, "W9", "99.00")  # another unit's payment: not this reconciliation's business
    clerk = billing_clerk(town)
    client = signed_in(clerk)
    statement = SimpleUploadedFile("s.csv", f"流水号,户号,金额\nW1,{mine},10.00\nW3,{mine},30.00\n".encode())
    answer = client.post(
        "/billing/reconciliations/", {"channel": "wechat", "business_date": "2026-11-20", "statement": statement}
    )
    rec = Reconciliation.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/billing/reconciliations/{rec.pk}/"
    assert (rec.unit, rec.matched, rec.actor, rec.statement_name) == (town.unit, 1, clerk, "s.csv")
    assert sorted(rec.items.values_list("kind", "channel_txn_id", "statement_amount", "posted_amount")) == [
        ("extra", "W2", None, Decimal("20.00")),
        ("missing", "W3", Decimal("30.00"), None),
    ]
    page = client.get(f"/billing/reconciliations/{rec.pk}/").content.decode()
    assert "W2" in page and "W3" in page and "系统有、渠道无" in page
    assert signed_in(billing_clerk(town, other_unit=True)).get(f"/billing/reconciliations/{rec.pk}/").status_code == 404
    assert signed_in(town.clerk).get(f"/billing/reconciliations/{rec.pk}/").status_code == 403


def test_a_statement_with_another_units_account_is_refused_and_records_nothing(town: City) -> None:
    mine, theirs = town.account.account_no, town.other_unit_account.account_no
    statement = SimpleUploadedFile("s.csv", f"流水号,户号,金额\nW1,{mine},10.00\nW9,{theirs},99.00\n".encode())
    page = signed_in(billing_clerk(town)).post(
        "/billing/reconciliations/", {"channel": "wechat", "business_date": "2026-11-20", "statement": statement}
    )
    assert page.status_code == 200
    assert f"第3行：户号 {theirs} 不属于城区供电所" in page.content.decode()
    assert Reconciliation.objects.count() == 0


def test_the_reconcile_command_still_reconciles_the_whole_company(town: City, tmp_path: Path) -> None:
    _wechat(town, town.other_unit_account.account_no, "W9", "99.00")
    path = tmp_path / "s.csv"
    path.write_text("流水号,户号,金额\n", encoding="utf-8")
    call_command("reconcile", "--channel", "wechat", "--date", "2026-11-20", "--statement", str(path))
    rec = Reconciliation.objects.get()
    assert (rec.unit, list(rec.items.values_list("kind", "channel_txn_id"))) == (None, [("extra", "W9")])


# --- bank debit ---------------------------------------------------------------------------------


def _agreements(town: City) -> tuple[Bill, Bill]:
    mine = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    theirs = issued_bill(town.other_unit_account, "2026-10", "200.00", date(2026, 11, 25))
    for account, number in ((town.account, "6222020000001234"), (town.other_unit_account, "6222020000005678")):
        DebitAgreement.objects.create(account=account, bank_code="ICBC", bank_account=number)
    return mine, theirs


def test_a_billing_clerk_exports_a_debit_file_and_settles_the_banks_answer(town: City) -> None:
    mine, _theirs = _agreements(town)
    clerk = billing_clerk(town)
    client = signed_in(clerk)
    answer = client.post("/billing/debit/", {"bank_code": "icbc", "period": "2026-10", "on": "2026-11-20", "unit": ""})
    batch = DebitBatch.objects.get()
    assert answer["Location"] == f"/billing/debit/{batch.pk}/"
    no = town.account.account_no
    assert (batch.unit, batch.bank_code, batch.lines, batch.total, batch.status) == (
        town.unit,
        "ICBC",
        1,
        Decimal("300.00"),
        "exported",
    )
    download = client.get(f"/billing/debit/{batch.pk}/file.csv")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download.content.decode().splitlines() == [
        "流水号,户号,银行账号,金额",
        f"ICBC20261120{no},{no},6222020000001234,300.00",
    ]
    result = SimpleUploadedFile("answer.csv", f"流水号,户号,金额,结果\nICBC20261120{no},{no},300.00,0000\n".encode())
    assert client.post(f"/billing/debit/{batch.pk}/", {"result": result}).status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.paid, batch.failed, batch.paid_amount, batch.settled_by, batch.result_name) == (
        "settled",
        1,
        0,
        Decimal("300.00"),
        clerk,
        "answer.csv",
    )
    assert list(Payment.objects.values_list("channel", "account_id", "amount")) == [
        ("bank_debit", town.account.pk, Decimal("300.00"))
    ]
    mine.refresh_from_db()
    assert mine.status == "paid"


def test_a_failed_debit_is_counted_and_a_second_result_file_is_refused(town: City) -> None:
    _agreements(town)
    clerk = billing_clerk(town)
    client = signed_in(clerk)
    client.post("/billing/debit/", {"bank_code": "ICBC", "period": "2026-10", "on": "2026-11-20"})
    batch = DebitBatch.objects.get()
    no = town.account.account_no
    failed = f"流水号,户号,金额,结果\nICBC20261120{no},{no},300.00,3001\n".encode()
    client.post(f"/billing/debit/{batch.pk}/", {"result": SimpleUploadedFile("a.csv", failed)})
    batch.refresh_from_db()
    assert (batch.status, batch.paid, batch.failed, Payment.objects.count()) == ("settled", 0, 1, 0)
    again = f"流水号,户号,金额,结果\nICBC20261120{no},{no},300.00,0000\n".encode()
    page = client.post(f"/billing/debit/{batch.pk}/", {"result": SimpleUploadedFile("b.csv", again)})
    assert "该批次的回盘文件已导入。" in page.content.decode()
    batch.refresh_from_db()
    assert (batch.paid, batch.failed, batch.result_name, Payment.objects.count()) == (0, 1, "a.csv", 0)


def test_a_result_line_outside_the_batch_posts_nothing(town: City) -> None:
    _agreements(town)
    client = signed_in(billing_clerk(town))
    client.post("/billing/debit/", {"bank_code": "ICBC", "period": "2026-10", "on": "2026-11-20"})
    batch = DebitBatch.objects.get()
    no, other = town.account.account_no, town.other_unit_account.account_no
    result = f"流水号,户号,金额,结果\nICBC20261120{no},{no},300.00,0000\nICBC20261120{other},{other},200.00,0000\n"
    page = client.post(f"/billing/debit/{batch.pk}/", {"result": SimpleUploadedFile("r.csv", result.encode())})
    assert f"第3行：流水号 ICBC20261120{other} 不在代扣文件中" in page.content.decode()
    batch.refresh_from_db()
    assert (batch.status, batch.paid, Payment.objects.count(), Bill.objects.filter(status="paid").count()) == (
        "exported",
        0,
        0,
        0,
    )


@pytest.mark.parametrize(
    ("line", "listed"),
    [
        ("{no},999999.99", "第2行：金额 999999.99 与代扣文件的 300.00 不一致"),
        ("{other},300.00", "第2行：户号 {other} 与代扣文件的 {no} 不一致"),
    ],
)
def test_a_result_line_that_differs_from_its_exported_item_is_refused_and_listed(
    town: City, line: str, listed: str
) -> None:
    """Issue 11 item 1: a line for an exported 300.00 that says 999,999.99 credited the difference
    as prepaid balance; it must match its item's account and amount."""
    _agreements(town)
    client = signed_in(billing_clerk(town))
    client.post("/billing/debit/", {"bank_code": "ICBC", "period": "2026-10", "on": "2026-11-20", "unit": ""})
    batch = DebitBatch.objects.get()
    no, other = town.account.account_no, town.other_unit_account.account_no
    body = line.format(no=no, other=other)
    result = f"流水号,户号,金额,结果\nICBC20261120{no},{body},0000\n"
    page = client.post(f"/billing/debit/{batch.pk}/", {"result": SimpleUploadedFile("r.csv", result.encode())})
    assert page.status_code == 200
    assert listed.format(no=no, other=other) in page.content.decode()
    batch.refresh_from_db()
    assert (batch.status, batch.paid, batch.paid_amount) == ("exported", 0, Decimal("0.00"))
    assert (Payment.objects.count(), PrepaidBalance.objects.count()) == (0, 0)
    assert sorted(Bill.objects.values_list("paid", flat=True)) == [Decimal("0.00"), Decimal("0.00")]


def test_another_units_debit_batch_is_not_found_and_cannot_be_settled(town: City) -> None:
    _agreements(town)
    other = billing_clerk(town, other_unit=True)
    signed_in(other).post("/billing/debit/", {"bank_code": "ICBC", "period": "2026-10", "on": "2026-11-20"})
    batch = DebitBatch.objects.get()
    assert (batch.unit, batch.total) == (town.other_unit, Decimal("200.00"))
    client = signed_in(billing_clerk(town))
    no = town.other_unit_account.account_no
    result = SimpleUploadedFile("r.csv", f"流水号,户号,金额,结果\nICBC20261120{no},{no},200.00,0000\n".encode())
    assert client.get(f"/billing/debit/{batch.pk}/").status_code == 404
    assert client.get(f"/billing/debit/{batch.pk}/file.csv").status_code == 404
    assert client.post(f"/billing/debit/{batch.pk}/", {"result": result}).status_code == 404
    assert [b.pk for b in client.get("/billing/debit/").context["page"]] == []
    batch.refresh_from_db()
    assert (batch.status, Payment.objects.count()) == ("exported", 0)


def test_a_billing_clerk_cannot_export_another_units_debits(town: City) -> None:
    _agreements(town)
    page = signed_in(billing_clerk(town)).post(
        "/billing/debit/", {"bank_code": "ICBC", "period": "2026-10", "on": "2026-11-20", "unit": "U2"}
    )
    assert "您只能办理本供电单位（U1）的业务。" in page.content.decode()
    assert DebitBatch.objects.count() == 0


def test_an_administrator_exports_the_whole_company_and_the_command_still_works(town: City, tmp_path: Path) -> None:
    _agreements(town)
    signed_in(town.admin).post("/billing/debit/", {"bank_code": "ICBC", "period": "2026-10", "on": "2026-11-20"})
    batch = DebitBatch.objects.get()
    assert (batch.unit, batch.lines, batch.total) == (None, 2, Decimal("500.00"))
    out = tmp_path / "d.csv"
    call_command("bank_debit", "--bank", "ICBC", "--date", "2026-11-20", "--export", str(out))
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
