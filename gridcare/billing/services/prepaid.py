"""Prepaid balance (预交电费, BILL-6): deposits from payments, and what issue 19 takes out of it or
gives back (a reversed payment's deposit, a refund held and released). The deduction at billing,
with its low-balance warning, is the bill run's hot path and lives in ``services.bill_run``.

Every write here is made while the caller holds the account's row lock. The balance is written
as an exact value read under a lock of its own row (SQLite keeps decimals as doubles, and
``balance - x`` could drift below zero)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from gridcare.billing.models import Bill, Payment, PrepaidBalance, PrepaidEntry, Refund
from gridcare.customers.models import Account


def prepaid_deposit(*, account: Account, amount: Decimal, payment: Payment) -> Decimal:
    """Add a payment's surplus to the balance (caller holds the account's row lock)."""
    PrepaidBalance.objects.get_or_create(account=account)
    PrepaidBalance.objects.filter(account=account).update(balance=F("balance") + amount, updated_at=timezone.now())
    PrepaidEntry.objects.create(
        account=account, kind=PrepaidEntry.Kind.DEPOSIT, amount=amount, payment=payment, created_at=timezone.now()
    )
    return PrepaidBalance.objects.values_list("balance", flat=True).get(account=account)


def _locked_balance(account: Account) -> PrepaidBalance:
    PrepaidBalance.objects.get_or_create(account=account)
    return PrepaidBalance.objects.select_for_update().get(account=account)


def _move(account: Account, change: Decimal, **entry: object) -> Decimal:
    """Add ``change`` (negative: take) to the balance and write its ledger row; the new balance."""
    row = _locked_balance(account)
    balance = row.balance + change
    if balance < 0:
        raise ValueError("a prepaid balance cannot go below zero")
    PrepaidBalance.objects.filter(pk=row.pk).update(balance=balance, updated_at=timezone.now())
    PrepaidEntry.objects.create(account=account, amount=change, created_at=timezone.now(), **entry)
    return balance


def prepaid_available(account: Account) -> Decimal:
    """The balance now, locked until the caller's transaction ends (what a refund or a reversal
    may take)."""
    return _locked_balance(account).balance


def prepaid_take_back(*, account: Account, amount: Decimal, payment: Payment) -> Decimal:
    """Take a reversed payment's deposit (or the part still there) back out of the balance."""
    return _move(account, -amount, kind=PrepaidEntry.Kind.REVERSAL, payment=payment)


def prepaid_undo_deduction(*, account: Account, amount: Decimal, bill: Bill, payment: Payment) -> None:
    """A deduction at billing spent a reversed deposit: give ``amount`` of it back to the balance
    (the bill owes it again; the caller reopens the bill) and take it out again for the reversal,
    so the ledger shows both and the balance does not move."""
    _move(account, amount, kind=PrepaidEntry.Kind.UNDEDUCTED, bill=bill, payment=payment)
    _move(account, -amount, kind=PrepaidEntry.Kind.REVERSAL, payment=payment)


def prepaid_hold(*, account: Account, amount: Decimal, refund: Refund) -> Decimal:
    """Hold a refund's amount: out of the balance until the refund is paid or rejected."""
    return _move(account, -amount, kind=PrepaidEntry.Kind.REFUND, refund=refund)


def prepaid_release(*, account: Account, amount: Decimal, refund: Refund) -> Decimal:
    """A rejected refund's hold given back to the balance."""
    return _move(account, amount, kind=PrepaidEntry.Kind.RELEASED, refund=refund)


def prepaid_offset(*, account: Account, amount: Decimal, payment: Payment) -> Decimal:
    """The balance set against what a closing or transferring account owes (issue 19): taken
    out here, paid in by ``payment`` (an offset payment spread over the bills)."""
    return _move(account, -amount, kind=PrepaidEntry.Kind.OFFSET, payment=payment)


def prepaid_from_deposit(*, account: Account, amount: Decimal) -> Decimal:
    """What is left of a closing account's security deposit joins the balance, to be refunded."""
    return _move(account, amount, kind=PrepaidEntry.Kind.DEPOSIT)


def prepaid_refund_failed(*, account: Account, amount: Decimal, refund: Refund) -> Decimal:
    """A refund the bank could not pay: its amount back in the balance (issue 19)."""
    return _move(account, amount, kind=PrepaidEntry.Kind.RELEASED, refund=refund)


def prepaid_rebill_return(*, account: Account, amount: Decimal, bill: Bill) -> Decimal:
    """A bill corrected down (issue 19): what its deduction at billing paid beyond the new
    amount comes back to the balance (``bill`` is the new bill)."""
    return _move(account, amount, kind=PrepaidEntry.Kind.REBILLED, bill=bill)
