from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from gridcare.billing.models import Reconciliation
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.services.reconcile import reconcile
from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City
from gridcare.org.access import scope_for


def _post(town: City, txn: str, amount: str) -> None:
    data = PaymentIn("wechat", txn, town.account.account_no, Decimal(amount), datetime(2026, 11, 20, 2, tzinfo=UTC))
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)


def test_reconciliation_lists_missing_extra_and_different_items(town: City) -> None:
    for txn, amount in (("W1", "10.00"), ("W2", "20.00"), ("W3", "30.00")):
        _post(town, txn, amount)
    no = town.account.account_no
    statement = f"流水号,户号,金额\nW1,{no},10.00\nW2,{no},25.00\nW4,{no},40.00\n".encode()
    rec = reconcile(
        channel="wechat", business_date=date(2026, 11, 20), file_name="s.csv", content=statement, actor=None
    )
    items = sorted(rec.items.values_list("kind", "channel_txn_id", "statement_amount", "posted_amount"))
    assert rec.matched == 1
    assert items == [
        ("different", "W2", Decimal("25.00"), Decimal("20.00")),
        ("extra", "W3", None, Decimal("30.00")),
        ("missing", "W4", Decimal("40.00"), None),
    ]


def test_the_reconcile_command_prints_the_mismatches(
    town: City, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _post(town, "W1", "10.00")
    path = tmp_path / "s.csv"
    path.write_text("流水号,户号,金额\n", encoding="utf-8")
    call_command("reconcile", "--channel", "wechat", "--date", "2026-11-20", "--statement", str(path))
    out = capsys.readouterr().out
    assert "wechat 2026-11-20: 0 matched, 1 mismatched" in out
    assert "extra     W1" in out


def test_an_unreadable_statement_records_nothing(town: City) -> None:
    with pytest.raises(InvalidInput):
        reconcile(
            channel="wechat",
            business_date=date(2026, 11, 20),
            file_name="s.csv",
            content=b"txn,amount\nW1,x\n",
            actor=None,
        )
    with pytest.raises(InvalidInput):
        reconcile(
            channel="wechat",
            business_date=date(2026, 11, 20),
            file_name="s.csv",
            content="流水号,户号,金额\nW1,1,abc\n".encode(),
            actor=None,
        )
    assert Reconciliation.objects.count() == 0
