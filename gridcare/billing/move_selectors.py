"""Reads of moving out and in (issue 19): what an account's deposit holds, and what stands in
the way of closing it without the billing office's settlement."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from gridcare.billing.models import DepositEntry
from gridcare.billing.selectors import account_due
from gridcare.core.timezone import business_date
from gridcare.customers.models import Account


def deposit_held(account: Account) -> Decimal:
    """What the account's deposit holds now (the ledger's sum; exact under the account's lock)."""
    total = DepositEntry.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
    return Decimal(str(total)).quantize(Decimal("0.01")) if total is not None else Decimal("0.00")


def money_left(account: Account) -> tuple[Decimal, Decimal, Decimal]:
    """(owed today, prepaid balance, deposit held): an account with any of them is closed by the
    billing office's closure (final bill and settlement), not by the archive's status change."""
    due = account_due(account=account, on=business_date())
    return due.principal + due.penalty, due.prepaid, deposit_held(account)
