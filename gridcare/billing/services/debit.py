"""Bank auto-debit (银行代扣, BILL-4): export a debit file, import the bank's result file."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.billing.exceptions import BillingError
from gridcare.billing.models import DebitAgreement, PaymentChannel
from gridcare.billing.selectors import account_due
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.services.readings import _number, table_from_file
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import Scope

HEADER = ["流水号", "户号", "银行账号", "金额"]
SUCCESS = "0000"


def debit_export(*, bank_code: str, on: date) -> str:
    """CSV of what each account with an active agreement at ``bank_code`` owes on ``on``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    agreements = DebitAgreement.objects.filter(bank_code=bank_code, active=True).select_related(
        "account__customer", "account__supply_unit"
    )
    for agreement in agreements.order_by("account__account_no"):
        due = account_due(account=agreement.account, on=on)
        amount = due.principal + due.penalty
        if amount > 0:
            txn = f"{bank_code}{on:%Y%m%d}{agreement.account.account_no}"
            writer.writerow([txn, agreement.account.account_no, agreement.bank_account, f"{amount:.2f}"])
    return out.getvalue()


def debit_import_result(
    *, scope: Scope, actor: User | AnonymousUser | None, file_name: str, content: bytes, on: date
) -> tuple[int, int]:
    """Post the successful debits of a result file (columns 流水号, 户号, 金额, 结果) as
    bank_debit payments. All or nothing: a bad line or a refused payment changes nothing.
    Returns (posted, failed at the bank)."""
    table = table_from_file(file_name, content)
    if not table or [str(c).strip() for c in table[0]][:4] != ["流水号", "户号", "金额", "结果"]:
        raise BillingError(_("回盘文件格式不正确（应为：流水号,户号,金额,结果）。"))
    paid_at = datetime.combine(on, time(12, 0), tzinfo=SHANGHAI)
    posted = failed = 0
    with transaction.atomic():
        for line, cells in enumerate(table[1:], start=2):
            try:
                txn, account_no, amount, result = (str(c).strip() for c in cells[:4])
                value = _number(amount)
            except ValueError as exc:
                raise BillingError(_("回盘文件第%(n)s行无法读取，未入账任何数据。") % {"n": line}) from exc
            if result != SUCCESS:
                failed += 1
                continue
            payment_post(
                scope=scope, actor=actor, data=PaymentIn(PaymentChannel.BANK_DEBIT, txn, account_no, value, paid_at)
            )
            posted += 1
    return posted, failed
