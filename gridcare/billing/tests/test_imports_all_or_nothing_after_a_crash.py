"""Issue 21: each import (readings, interval data, bank-debit results, statements) is one
transaction, so a process that dies in the middle of writing leaves nothing of the file, and the
same file imported again then gives exactly what one clean import gives. The crash is the
service's last write failing (what a SIGKILL before the commit amounts to: the transaction never
commits); the drill (benchmarks/drill.py) does the same with real SIGKILLs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from gridcare.billing.models import (
    Bill,
    DebitAgreement,
    IntervalReading,
    Payment,
    Reading,
    ReadingException,
    ReadingImport,
    Reconciliation,
    ReconciliationItem,
)
from gridcare.billing.services import debit as debit_service
from gridcare.billing.services import readings as readings_service
from gridcare.billing.services.debit import debit_import_result
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.services.readings import intervals_import, readings_import
from gridcare.billing.services.reconcile import reconcile
from gridcare.billing.tests.helpers import billable, issued_bill, tariffs
from gridcare.core.testing import City
from gridcare.org.access import scope_for


class Killed(Exception):
    """The process died here."""


def _dies(*args: Any, **kwargs: Any) -> Any:
    raise Killed


def test_a_readings_import_that_dies_at_its_last_write_leaves_nothing_and_imports_whole_again(
    town: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    tariffs()
    a, b = billable(town.account), billable(town.other_unit_account)
    content = (
        "户号,账期,抄表日期,上次示数,本次示数\n"
        f"{a.account_no},2026-10,2026-10-28,1200,1250.5\n{b.account_no},2026-10,2026-10-28,100,180\n"
    ).encode()
    with monkeypatch.context() as m:
        m.setattr(readings_service, "intervals_to_readings", _dies)  # after the readings and exceptions
        with pytest.raises(Killed):
            readings_import(file_name="r.csv", content=content, actor=town.admin)
    assert (Reading.objects.count(), ReadingImport.objects.count(), ReadingException.objects.count()) == (0, 0, 0)
    batch = readings_import(file_name="r.csv", content=content, actor=town.admin)
    assert (batch.rows, batch.exceptions) == (2, 0)
    assert sorted(Reading.objects.values_list("account__account_no", "kwh", "status")) == sorted(
        [(a.account_no, Decimal("50.50"), "valid"), (b.account_no, Decimal("80.00"), "valid")]
    )
    assert ReadingImport.objects.count() == 1


def test_an_interval_import_that_dies_at_its_last_write_leaves_nothing_and_imports_whole_again(
    town: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    no = town.account.account_no
    content = f"户号,开始时间,电量\n{no},2026-10-01 00:00,1.25\n{no},2026-10-01 00:15,1.50\n".encode()
    with monkeypatch.context() as m:
        m.setattr(readings_service, "intervals_to_readings", _dies)  # after the interval rows
        with pytest.raises(Killed):
            intervals_import(file_name="load.csv", content=content, actor=town.admin)
    assert (IntervalReading.objects.count(), ReadingImport.objects.count()) == (0, 0)
    assert intervals_import(file_name="load.csv", content=content, actor=town.admin).rows == 2
    assert sorted(IntervalReading.objects.values_list("kwh", flat=True)) == [Decimal("1.25"), Decimal("1.50")]


def test_a_debit_result_that_dies_after_posting_some_lines_posts_none_and_then_all(
    town: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    issued_bill(town.other_unit_account, "2026-10", "50.00", date(2026, 11, 25))
    for account, bank_account in ((town.account, "6222020000001234"), (town.other_unit_account, "6222020000005678")):
        DebitAgreement.objects.create(account=account, bank_code="ICBC", bank_account=bank_account)
    no, other = town.account.account_no, town.other_unit_account.account_no
    result = (
        f"流水号,户号,金额,结果\nICBC20261120{no},{no},300.00,0000\nICBC20261120{other},{other},50.00,0000\n".encode()
    )
    scope = scope_for(town.admin)
    posted: list[PaymentIn] = []

    def second_dies(**kwargs: Any) -> Any:
        if posted:
            raise Killed
        posted.append(kwargs["data"])
        return payment_post(**kwargs)

    with monkeypatch.context() as m:
        m.setattr(debit_service, "payment_post", second_dies)
        with pytest.raises(Killed):
            debit_import_result(scope=scope, actor=town.admin, file_name="r.csv", content=result, on=date(2026, 11, 21))
    assert len(posted) == 1 and not Payment.objects.exists()
    assert set(Bill.objects.values_list("status", flat=True)) == {"issued"}
    assert debit_import_result(
        scope=scope, actor=town.admin, file_name="r.csv", content=result, on=date(2026, 11, 21)
    ) == (2, 0)
    assert sorted(Payment.objects.values_list("channel_txn_id", "amount")) == [
        (f"ICBC20261120{no}", Decimal("300.00")),
        (f"ICBC20261120{other}", Decimal("50.00")),
    ]
    assert set(Bill.objects.values_list("status", flat=True)) == {"paid"}


def test_a_reconciliation_that_dies_before_its_items_leaves_no_record_and_then_one_whole(
    town: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    for txn, amount in (("W1", "10.00"), ("W2", "20.00")):
        data = PaymentIn("wechat", txn, town.account.account_no, Decimal(amount), datetime(2026, 11, 20, 2, tzinfo=UTC))
        payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    no = town.account.account_no
    statement = f"流水号,户号,金额\nW1,{no},10.00\nW4,{no},40.00\n".encode()
    day = date(2026, 11, 20)
    with monkeypatch.context() as m:
        m.setattr(ReconciliationItem.objects, "bulk_create", _dies)
        with pytest.raises(Killed):
            reconcile(channel="wechat", business_date=day, file_name="s.csv", content=statement, actor=None)
    assert (Reconciliation.objects.count(), ReconciliationItem.objects.count()) == (0, 0)
    rec = reconcile(channel="wechat", business_date=day, file_name="s.csv", content=statement, actor=None)
    assert rec.matched == 1
    assert sorted(rec.items.values_list("kind", "channel_txn_id")) == [("extra", "W2"), ("missing", "W4")]
