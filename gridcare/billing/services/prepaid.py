"""Prepaid balance (预交电费, BILL-6): deposits from payments. The deduction at billing, with its
low-balance warning, is the bill run's hot path and lives in ``services.bill_run``."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from gridcare.billing.models import Payment, PrepaidBalance, PrepaidEntry
from gridcare.customers.models import Account


def prepaid_deposit(*, account: Account, amount: Decimal, payment: Payment) -> Decimal:
    """Add a payment's surplus to the balance (caller holds the account's row lock)."""
    PrepaidBalance.objects.get_or_create(account=account)
    PrepaidBalance.objects.filter(account=account).update(balance=F("balance") + amount, updated_at=timezone.now())
    PrepaidEntry.objects.create(
        account=account, kind=PrepaidEntry.Kind.DEPOSIT, amount=amount, payment=payment, created_at=timezone.now()
    )
    return PrepaidBalance.objects.values_list("balance", flat=True).get(account=account)
