from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.models import Bill, DebitAgreement, Payment, PrepaidBalance
from gridcare.billing.services.debit import debit_export, debit_import_result
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City
from gridcare.org.access import scope_for


def test_the_debit_file_lists_what_each_agreement_account_owes(town: City) -> None:
    issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    DebitAgreement.objects.create(account=town.account, bank_code="ICBC", bank_account="6222020000001234")
    text = debit_export(bank_code="ICBC", on=date(2026, 11, 20))
    no = town.account.account_no
    assert text.splitlines() == ["流水号,户号,银行账号,金额", f"ICBC20261120{no},{no},6222020000001234,300.00"]


def test_the_result_file_posts_the_successful_debits_once(town: City) -> None:
    issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    issued_bill(town.other_unit_account, "2026-10", "50.00", date(2026, 11, 25))
    DebitAgreement.objects.create(account=town.account, bank_code="ICBC", bank_account="6222020000001234")
    DebitAgreement.objects.create(account=town.other_unit_account, bank_code="ICBC", bank_account="6222020000005678")
    no, other = town.account.account_no, town.other_unit_account.account_no
    result = (
        f"流水号,户号,金额,结果\nICBC20261120{no},{no},300.00,0000\nICBC20261120{other},{other},50.00,3001\n".encode()
    )
    scope = scope_for(town.admin)
    assert debit_import_result(
        scope=scope, actor=town.admin, file_name="r.csv", content=result, on=date(2026, 11, 21)
    ) == (1, 1)
    assert debit_import_result(
        scope=scope, actor=town.admin, file_name="r.csv", content=result, on=date(2026, 11, 21)
    ) == (1, 1)
    assert list(Payment.objects.values_list("channel", "channel_txn_id", "amount")) == [
        ("bank_debit", f"ICBC20261120{no}", Decimal("300.00"))
    ]
    assert Bill.objects.get(account=town.account).status == "paid"


@pytest.mark.parametrize(
    ("line", "listed"),
    [
        ("ICBC20261120{no},{no},999999.99", "第2行：金额 999999.99 与代扣文件的 300.00 不一致"),
        ("ICBC20261120{no},{other},300.00", "第2行：户号 {other} 与代扣文件的 {no} 不一致"),
        ("ICBC1,{no},300.00", "第2行：流水号 ICBC1 不在代扣文件中"),
        ("ICBC20261131{no},{no},300.00", "第2行：流水号 ICBC20261131{no} 不在代扣文件中"),
        ("ABC20261120{no},{no},300.00", "第2行：流水号 ABC20261120{no} 不在代扣文件中"),
    ],
)
def test_a_result_line_that_is_not_its_exported_item_posts_nothing(town: City, line: str, listed: str) -> None:
    """Issue 11 item 1: the line of an exported 300.00 that says 999,999.99 must not credit it."""
    issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    DebitAgreement.objects.create(account=town.account, bank_code="ICBC", bank_account="6222020000001234")
    no, other = town.account.account_no, town.other_unit_account.account_no
    result = f"流水号,户号,金额,结果\n{line.format(no=no, other=other)},0000\n".encode()
    with pytest.raises(InvalidInput) as refused:
        debit_import_result(
            scope=scope_for(town.admin), actor=town.admin, file_name="r.csv", content=result, on=date(2026, 11, 21)
        )
    assert refused.value.errors == {"result": listed.format(no=no, other=other)}
    assert (Payment.objects.count(), PrepaidBalance.objects.count(), Bill.objects.get().paid) == (0, 0, Decimal("0"))


def test_a_result_file_with_an_unknown_account_posts_nothing(town: City) -> None:
    issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    DebitAgreement.objects.create(account=town.account, bank_code="ICBC", bank_account="6222020000001234")
    no = town.account.account_no
    result = f"流水号,户号,金额,结果\nICBC20261120{no},{no},300.00,0000\nICBC2,9999999999,50.00,0000\n".encode()
    with pytest.raises(InvalidInput, match="第3行：流水号 ICBC2 不在代扣文件中"):
        debit_import_result(
            scope=scope_for(town.admin), actor=town.admin, file_name="r.csv", content=result, on=date(2026, 11, 21)
        )
    assert (Payment.objects.count(), Bill.objects.get().paid) == (0, Decimal("0.00"))
    with pytest.raises(InvalidInput):
        debit_import_result(
            scope=scope_for(town.admin), actor=town.admin, file_name="r.csv", content=b"x,y\n", on=date(2026, 11, 21)
        )
