"""Bank auto-debit (银行代扣, BILL-4): export a debit file, import the bank's result file."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.access import work_unit
from gridcare.billing.exceptions import BillingError, InvalidTransition
from gridcare.billing.models import DebitAgreement, DebitBatch, DebitBatchStatus, Payment, PaymentChannel
from gridcare.billing.rules.bill_dates import day_check, period_start
from gridcare.billing.rules.bill_status import OPEN
from gridcare.billing.selectors import account_due
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.services.readings import _number, table_from_file
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import Capability, Scope, require

HEADER = ["流水号", "户号", "银行账号", "金额"]
SUCCESS = "0000"
DEBIT_TRANSITIONS: dict[str, set[str]] = {
    DebitBatchStatus.EXPORTED: {DebitBatchStatus.SETTLED},
    DebitBatchStatus.SETTLED: set(),
}


def _debit_lines(agreements: QuerySet[DebitAgreement], bank_code: str, on: date) -> list[list[str]]:
    lines = []
    for agreement in agreements.order_by("account__account_no"):
        due = account_due(account=agreement.account, on=on)
        amount = due.principal + due.penalty
        if amount > 0:
            txn = f"{bank_code}{on:%Y%m%d}{agreement.account.account_no}"
            lines.append([txn, agreement.account.account_no, agreement.bank_account, f"{amount:.2f}"])
    return lines


def _csv(lines: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(lines)
    return out.getvalue()


def _agreements(bank_code: str) -> QuerySet[DebitAgreement]:
    return DebitAgreement.objects.filter(bank_code=bank_code, active=True).select_related(
        "account__customer", "account__supply_unit"
    )


def debit_export(*, bank_code: str, on: date) -> str:
    """CSV of what each account with an active agreement at ``bank_code`` owes on ``on``."""
    return _csv(_debit_lines(_agreements(bank_code), bank_code, on))


def debit_batch_export(
    *, scope: Scope, actor: User, bank_code: str, unit_code: str | None, period: str, on: date
) -> DebitBatch:
    """A debit file for a supply unit and period, kept as a batch: the accounts of the unit with an
    agreement at the bank and an open bill of the period, each for everything it owes on ``on``
    (penalties and older bills are settled first, as every payment)."""
    unit = work_unit(scope, unit_code)
    period_start(period)
    day_check(on, "on")
    bank_code = bank_code.strip().upper()
    if not bank_code:
        raise BillingError(_("请填写银行代码。"), errors={"bank_code": _("必填项。")})
    agreements = _agreements(bank_code).filter(account__bills__period=period, account__bills__status__in=OPEN)
    if unit is not None:
        agreements = agreements.filter(account__supply_unit=unit)
    lines = _debit_lines(agreements.distinct(), bank_code, on)
    if not lines:
        raise BillingError(_("该单位该账期没有需要代扣的账户。"))
    return DebitBatch.objects.create(
        bank_code=bank_code,
        unit=unit,
        period=period,
        on=on,
        content=_csv(lines),
        lines=len(lines),
        total=sum((Decimal(line[3]) for line in lines), Decimal(0)),
        created_by=actor,
    )


def _result_table(file_name: str, content: bytes) -> list[list[object]]:
    table = table_from_file(file_name, content)
    if not table or [str(c).strip() for c in table[0]][:4] != ["流水号", "户号", "金额", "结果"]:
        raise BillingError(_("回盘文件格式不正确（应为：流水号,户号,金额,结果）。"))
    return table


@dataclass(frozen=True)
class Exported:
    """One line of a debit file as it was sent to the bank."""

    account_no: str
    amount: Decimal


SERIAL = re.compile(r"^(?P<bank>[A-Z0-9]{1,10})(?P<day>\d{8})(?P<account>\d{10})$")
LISTED = 20  # refused lines named in the message; the rest are counted


def _batch_items(batch: DebitBatch) -> dict[str, Exported]:
    rows = list(csv.reader(io.StringIO(batch.content)))[1:]
    return {row[0]: Exported(row[1], Decimal(row[3])) for row in rows}


def _recomputed_item(txn: str) -> Exported | None:
    """The item of a file written by ``debit_export`` (no batch kept): what the serial's account
    owed on the serial's day at the serial's bank, computed again."""
    match = SERIAL.match(txn)
    if not match:
        return None
    try:
        day = date.fromisoformat(f"{match['day'][:4]}-{match['day'][4:6]}-{match['day'][6:]}")
    except ValueError:
        return None
    agreement = _agreements(match["bank"]).filter(account__account_no=match["account"]).first()
    if agreement is None:
        return None
    lines = _debit_lines(DebitAgreement.objects.filter(pk=agreement.pk), match["bank"], day)
    return Exported(lines[0][1], Decimal(lines[0][3])) if lines else None


def _mismatch(line: int, txn: str, account_no: str, value: Decimal, item: Exported | None) -> str | None:
    if item is None:
        return _("第%(n)s行：流水号 %(t)s 不在代扣文件中") % {"n": line, "t": txn}
    if item.account_no != account_no:
        return _("第%(n)s行：户号 %(a)s 与代扣文件的 %(b)s 不一致") % {"n": line, "a": account_no, "b": item.account_no}
    if item.amount != value:
        return _("第%(n)s行：金额 %(a)s 与代扣文件的 %(b)s 不一致") % {"n": line, "a": value, "b": item.amount}
    return None


def _read_lines(table: list[list[object]]) -> list[tuple[int, str, str, Decimal, str]]:
    lines = []
    for line, cells in enumerate(table[1:], start=2):
        try:
            txn, account_no, text, result = (str(c).strip() for c in cells[:4])
            value = _number(text)
        except ValueError as exc:
            raise BillingError(_("回盘文件第%(n)s行无法读取，未入账任何数据。") % {"n": line}) from exc
        lines.append((line, txn, account_no, value, result))
    return lines


def _refuse_mismatches(lines: list[tuple[int, str, str, Decimal, str]], expected: dict[str, Exported] | None) -> None:
    """Every line must be an item of the debit file, with its account and amount: a bank's file
    can never credit more (or to another account) than was asked. Lines already posted are
    answered by ``payment_post`` (same payment, or a conflict when they differ)."""
    refused = []
    seen: set[str] = set()
    for line, txn, account_no, value, _result in lines:
        if txn in seen:
            refused.append(_("第%(n)s行：流水号 %(t)s 重复") % {"n": line, "t": txn})
            continue
        seen.add(txn)
        if expected is None and Payment.objects.filter(channel=PaymentChannel.BANK_DEBIT, channel_txn_id=txn).exists():
            continue
        item = expected.get(txn) if expected is not None else _recomputed_item(txn)
        problem = _mismatch(line, txn, account_no, value, item)
        if problem:
            refused.append(problem)
    if refused:
        listed = "；".join(refused[:LISTED])
        if len(refused) > LISTED:
            listed += _("；另有 %(n)s 行") % {"n": len(refused) - LISTED}
        raise BillingError(
            _("回盘文件有 %(n)s 行与代扣文件不符，未入账任何数据：%(lines)s。") % {"n": len(refused), "lines": listed},
            errors={"result": listed},
        )


def _post_results(
    table: list[list[object]],
    *,
    scope: Scope,
    actor: User | AnonymousUser | None,
    on: date,
    expected: dict[str, Exported] | None = None,
) -> tuple[int, int, Decimal]:
    """Post the successful lines; (posted, failed, amount posted). Call inside a transaction:
    a bad line raises and the caller's transaction undoes what was posted before it."""
    paid_at = datetime.combine(on, time(12, 0), tzinfo=SHANGHAI)
    lines = _read_lines(table)
    _refuse_mismatches(lines, expected)
    posted = failed = 0
    amount = Decimal(0)
    for _line, txn, account_no, value, result in lines:
        if result != SUCCESS:
            failed += 1
            continue
        data = PaymentIn(PaymentChannel.BANK_DEBIT, txn, account_no, value, paid_at)
        payment_post(scope=scope, actor=actor, data=data, capability=Capability.BANK_DEBIT_POST)
        posted += 1
        amount += value
    return posted, failed, amount


def debit_import_result(
    *, scope: Scope, actor: User | AnonymousUser | None, file_name: str, content: bytes, on: date
) -> tuple[int, int]:
    """Post the successful debits of a result file (columns 流水号, 户号, 金额, 结果) as
    bank_debit payments. Each line must be an item ``debit_export`` wrote (its serial, account
    and amount, computed again for the serial's bank and day). All or nothing: a bad line, a
    line that differs from its item or a refused payment changes nothing, and the message lists
    every differing line. Returns (posted, failed at the bank)."""
    table = _result_table(file_name, content)
    with transaction.atomic():
        posted, failed, _amount = _post_results(table, scope=scope, actor=actor, on=on)
    return posted, failed


def debit_batch_settle(*, scope: Scope, actor: User, batch: DebitBatch, file_name: str, content: bytes) -> DebitBatch:
    """Import the bank's result file of a batch: every line must be one of the batch's debits;
    the successful ones are posted as payments, and the batch is settled with its counts. All or
    nothing."""
    require(scope, Capability.BANK_DEBIT_POST)
    if DebitBatchStatus.SETTLED not in DEBIT_TRANSITIONS[batch.status]:
        raise InvalidTransition(_("该批次的回盘文件已导入。"))
    table = _result_table(file_name, content)
    expected = _batch_items(batch)
    with transaction.atomic():
        posted, failed, amount = _post_results(table, scope=scope, actor=actor, on=batch.on, expected=expected)
        changed = DebitBatch.objects.filter(pk=batch.pk, status=DebitBatchStatus.EXPORTED).update(
            status=DebitBatchStatus.SETTLED,
            result_name=file_name[:200],
            paid=posted,
            failed=failed,
            paid_amount=amount,
            settled_by=actor,
            settled_at=timezone.now(),
        )
        if not changed:
            raise InvalidTransition(_("该批次的回盘文件已导入。"))
    batch.refresh_from_db()
    return batch
