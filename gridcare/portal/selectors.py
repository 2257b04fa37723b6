"""Reads of the portal: a customer's bound accounts, and what they may see of each (through the
owners' selectors: the archive's, billing's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridcare.billing.models import Bill
from gridcare.billing.selectors import account_due, bill_history
from gridcare.customers.models import Account
from gridcare.customers.rules import mask_name
from gridcare.portal.exceptions import AccountNotBound
from gridcare.portal.models import Binding, PortalUser

ACCOUNT_NO_MAX = 10


def bindings(user: PortalUser) -> QuerySet[Binding]:
    return (
        Binding.objects.filter(user=user, unbound_at__isnull=True)
        .select_related("account__customer", "account__supply_unit")
        .order_by("bound_at", "pk")
    )


def bound_account(user: PortalUser, account_no: object) -> Account:
    """An account bound to ``user``; any other (or a number that is no account) is a 404."""
    number = str(account_no)
    binding = None
    if number.isascii() and number.isdigit() and len(number) <= ACCOUNT_NO_MAX:
        binding = bindings(user).filter(account__account_no=number).first()
    if binding is None:
        raise AccountNotBound(_("没有找到这个户号，或尚未绑定。"))
    return binding.account


@dataclass(frozen=True)
class AccountSummary:
    account_no: str
    holder: str  # masked
    address: str
    unit: str
    customer_class: str
    amount_due: Decimal
    prepaid_balance: Decimal
    bound_at: str


def account_summary(binding: Binding, *, on: date) -> AccountSummary:
    account = binding.account
    due = account_due(account=account, on=on)
    return AccountSummary(
        account_no=account.account_no,
        holder=mask_name(account.customer.name),
        address=account.address,
        unit=account.supply_unit.name,
        customer_class=account.get_customer_class_display(),
        amount_due=due.principal + due.penalty,
        prepaid_balance=due.prepaid,
        bound_at=binding.bound_at.isoformat(),
    )


def account_bills(account: Account) -> QuerySet[Bill]:
    """The account's bills, newest first, each with its account (the penalty to date reads it)."""
    return bill_history(account=account).select_related("account")
