"""Refunds and reversals (issue 19), the pure parts: the refund's status table, how a bank
account is checked and masked, and how a reversed deposit is taken back (balance first, then
the bills that spent it, newest first)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from gridcare.billing.models import RefundStatus
from gridcare.core.money import ZERO

S = RefundStatus
REFUND_TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {S.APPROVED, S.REJECTED},
    S.APPROVED: {S.EXPORTED},
    S.EXPORTED: {S.PAID, S.FAILED},
    # The bank returns a line it could not pay, before or after the batch was confirmed paid.
    S.PAID: {S.FAILED},
    S.REJECTED: set(),
    S.FAILED: set(),
}
# The refunds whose amount is out of the balance (held or paid out).
HOLDING = (S.PENDING, S.APPROVED, S.EXPORTED)
del S


def bank_account_ok(number: str) -> bool:
    """A mainland bank card or account number: 8 to 30 digits (spaces typed between groups are
    removed before this is asked)."""
    return number.isascii() and number.isdigit() and 8 <= len(number) <= 30


def mask_bank_account(number: str) -> str:
    """Shown on pages and in list exports: the last four digits only (6222 **** **** 1234 style)."""
    if len(number) <= 4:
        return "*" * len(number)
    return f"{'*' * 4} {number[-4:]}"


@dataclass(frozen=True)
class Spent:
    """A deduction at billing that may have spent a reversed deposit: the bill, what the balance
    paid on it and what earlier reversals already gave back."""

    bill: int
    deducted: Decimal
    undone: Decimal


@dataclass(frozen=True)
class TakeBack:
    from_balance: Decimal
    from_bills: list[tuple[int, Decimal]]  # (bill, amount it owes again)
    uncovered: Decimal


def take_back(deposit: Decimal, balance: Decimal, spent: Sequence[Spent]) -> TakeBack:
    """Where a reversed payment's prepaid ``deposit`` comes back from: the balance as far as it
    goes; what the bill runs have spent since, from those bills (the newest first), which owe it
    again; what is left (refunded, or held for a refund) is uncovered."""
    from_balance = min(deposit, max(balance, ZERO))
    left = deposit - from_balance
    bills: list[tuple[int, Decimal]] = []
    for s in spent:
        if left <= 0:
            break
        take = min(left, s.deducted - s.undone)
        if take > 0:
            bills.append((s.bill, take))
            left -= take
    return TakeBack(from_balance=from_balance, from_bills=bills, uncovered=left)
