"""Reads of the portal: a customer's bound accounts, and what they may see of each (through the
owners' selectors: the archive's, billing's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connections
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridcare.billing.models import Bill
from gridcare.billing.selectors import AccountDue, account_due, bill_history
from gridcare.core.sql import Columns, cache_related, fetch
from gridcare.customers.models import Account, Customer
from gridcare.customers.rules import mask_name
from gridcare.org.models import SupplyUnit
from gridcare.portal.exceptions import AccountNotBound
from gridcare.portal.models import Binding, PortalUser

ACCOUNT_NO_MAX = 10


def bindings(user: PortalUser) -> QuerySet[Binding]:
    return (
        Binding.objects.filter(user=user, unbound_at__isnull=True)
        .select_related("account__customer", "account__supply_unit")
        .order_by("bound_at", "pk")
    )


_BINDING = Columns(Binding, "b")
_ACCOUNT = Columns(Account, "a")
_CUSTOMER = Columns(Customer, "c")
_UNIT = Columns(SupplyUnit, "u")


def bound_list(user: PortalUser) -> list[Binding]:
    """``bindings(user)`` read by hand, with the account, its customer and supply unit on each:
    the home page's hot path (gridcare.core.sql)."""
    connection = connections["default"]
    quote = connection.ops.quote_name
    rows = fetch(
        f"SELECT {_BINDING.sql(connection)}, {_ACCOUNT.sql(connection)}, {_CUSTOMER.sql(connection)}, "  # noqa: S608 - names from model metadata, values as parameters
        f"{_UNIT.sql(connection)} FROM {quote(_BINDING.table)} b "
        f"JOIN {quote(_ACCOUNT.table)} a ON a.id = b.account_id "
        f"JOIN {quote(_CUSTOMER.table)} c ON c.id = a.customer_id "
        f"JOIN {quote(_UNIT.table)} u ON u.id = a.supply_unit_id "
        "WHERE b.user_id = %s AND b.unbound_at IS NULL ORDER BY b.bound_at, b.id",
        [user.pk],
    )
    found = []
    at_account = len(_BINDING)
    at_customer = at_account + len(_ACCOUNT)
    at_unit = at_customer + len(_CUSTOMER)
    for row in rows:
        binding, account = _BINDING.load(row, 0, connection), _ACCOUNT.load(row, at_account, connection)
        assert binding is not None and account is not None
        cache_related(account, "customer", _CUSTOMER.load(row, at_customer, connection))
        cache_related(account, "supply_unit", _UNIT.load(row, at_unit, connection))
        cache_related(binding, "account", account)
        cache_related(binding, "user", user)
        found.append(binding)
    return found


def bound_account(user: PortalUser, account_no: object) -> Account:
    """An account bound to ``user``; any other (or a number that is no account) is a 404."""
    number = str(account_no)
    binding = None
    if number.isascii() and number.isdigit() and len(number) <= ACCOUNT_NO_MAX:
        # A customer binds a handful of accounts: read them all by hand (every account page and
        # call asks this first) and pick the one asked for.
        binding = next((b for b in bound_list(user) if b.account.account_no == number), None)
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
    return summary_of(binding, account_due(account=binding.account, on=on))


def summary_of(binding: Binding, due: AccountDue) -> AccountSummary:
    """The summary of a bound account from what it owes (``account_due`` or the home page's
    ``accounts_at_a_glance``)."""
    account = binding.account
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
