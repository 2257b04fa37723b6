"""Prepaid balance (预交电费, BILL-6): deposits from payments, deduction at billing, and the
low-balance warning into the outbox."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import numpy as np
from django.db import connection
from django.db.models import F
from django.utils import timezone

from gridcare.billing.conf import rule_decimal
from gridcare.billing.models import BillStatus, Payment, PrepaidBalance, PrepaidEntry
from gridcare.billing.services.outbox import Message, fen_text, notice_rows
from gridcare.core.bulk import insert_rows
from gridcare.core.money import to_fen
from gridcare.customers.models import Account

ENTRY_COLUMNS = ("account_id", "kind", "amount", "payment_id", "bill_id", "created_at")


def warning_fen() -> int:
    return to_fen(rule_decimal("PREPAID_WARNING_YUAN"))


_BALANCES = (
    "SELECT account_id, CAST(ROUND(balance * 100) AS BIGINT) FROM billing_prepaidbalance "
    "WHERE account_id >= %s AND account_id <= %s AND balance > 0"
)
_BALANCES_LOCKED = _BALANCES + " FOR UPDATE"


def _balances(account_ids: np.ndarray) -> np.ndarray:
    """Balances of the chunk's accounts, locked until the chunk commits (PostgreSQL; SQLite
    transactions are serialised), so the new balance can be written as an exact value:
    SQLite keeps decimals as doubles and ``balance - x`` could drift below zero."""
    balances = np.zeros(len(account_ids), dtype=np.int64)
    if len(account_ids) == 0:
        return balances
    with connection.cursor() as cursor:
        cursor.execute(
            _BALANCES_LOCKED if connection.vendor == "postgresql" else _BALANCES,
            [int(account_ids.min()), int(account_ids.max())],
        )
        for account_id, fen in cursor.fetchall():
            pos = int(np.searchsorted(account_ids, account_id))
            if pos < len(account_ids) and account_ids[pos] == account_id:
                balances[pos] = fen
    return balances


def deduct_at_billing(
    *,
    bill_ids: np.ndarray,
    account_ids: np.ndarray,
    amounts: np.ndarray,
    account_nos: Sequence[str],
    phones: Sequence[str | None],
) -> tuple[np.ndarray, list[str]]:
    """Pay new bills from prepaid balances (inside the bill run's chunk transaction).
    Returns the fen paid per bill and each bill's status."""
    balances = _balances(account_ids)
    paid = np.minimum(balances, amounts)
    status = np.where(paid == amounts, BillStatus.PAID.value, BillStatus.ISSUED.value).astype(object)
    status[(paid > 0) & (paid < amounts)] = BillStatus.PARTLY_PAID.value
    used = np.flatnonzero(paid > 0)
    left = balances - paid
    if len(used):
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE billing_prepaidbalance SET balance = %s, updated_at = %s WHERE account_id = %s",
                [(fen_text(int(left[i])), now, int(account_ids[i])) for i in used],
            )
        insert_rows(
            PrepaidEntry,
            ENTRY_COLUMNS,
            ((int(account_ids[i]), "deduction", fen_text(-int(paid[i])), None, int(bill_ids[i]), now) for i in used),
        )
        low = [int(i) for i in used if left[i] < warning_fen()]
        notice_rows("low_balance", _low_balance_messages(low, bill_ids, account_ids, account_nos, phones, left))
    return paid, status.tolist()


def _low_balance_messages(
    low: Iterable[int],
    bill_ids: np.ndarray,
    account_ids: np.ndarray,
    account_nos: Sequence[str],
    phones: Sequence[str | None],
    left: np.ndarray,
) -> Iterable[Message]:
    threshold = fen_text(warning_fen())
    for i in low:
        phone = phones[i]
        if phone:
            variables = {"account_no": account_nos[i], "balance": fen_text(int(left[i])), "threshold": threshold}
            yield phone, int(account_ids[i]), variables, f"low_balance:bill:{int(bill_ids[i])}"


def prepaid_deposit(*, account: Account, amount: Decimal, payment: Payment) -> Decimal:
    """Add a payment's surplus to the balance (caller holds the account's row lock)."""
    PrepaidBalance.objects.get_or_create(account=account)
    PrepaidBalance.objects.filter(account=account).update(balance=F("balance") + amount, updated_at=timezone.now())
    PrepaidEntry.objects.create(
        account=account, kind=PrepaidEntry.Kind.DEPOSIT, amount=amount, payment=payment, created_at=timezone.now()
    )
    return PrepaidBalance.objects.values_list("balance", flat=True).get(account=account)
