"""Reads of the billing app, always for an account or a scope the caller may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet, Sum

from gridcare.billing.models import Bill, BillRun, Payment, ReadingException
from gridcare.billing.services.payments import OPEN, bill_penalty
from gridcare.billing.services.prepaid import prepaid_balance
from gridcare.core.money import ZERO
from gridcare.customers.models import Account
from gridcare.customers.rules import mask_name
from gridcare.org.access import Scope


@dataclass
class OpenBill:
    bill: Bill
    principal: Decimal
    penalty: Decimal

    def as_dict(self) -> dict[str, Any]:
        b = self.bill
        return {
            "period": b.period,
            "amount": b.amount,
            "paid": b.paid,
            "principal": self.principal,
            "penalty": self.penalty,
            "due_date": b.due_date,
        }


@dataclass
class AccountDue:
    account: Account
    on: date
    bills: list[OpenBill] = field(default_factory=list)
    prepaid: Decimal = ZERO

    @property
    def principal(self) -> Decimal:
        return sum((b.principal for b in self.bills), ZERO)

    @property
    def penalty(self) -> Decimal:
        return sum((b.penalty for b in self.bills), ZERO)

    def as_dict(self) -> dict[str, Any]:
        a = self.account
        return {
            "account_no": a.account_no,
            "name": mask_name(a.customer.name),
            "address": a.address,
            "supply_unit": a.supply_unit.name,
            "principal": self.principal,
            "penalty": self.penalty,
            "amount_due": self.principal + self.penalty,
            "prepaid_balance": self.prepaid,
            "as_of": self.on,
            "bills": [b.as_dict() for b in self.bills],
        }


def account_due(*, account: Account, on: date) -> AccountDue:
    """What the account owes on ``on``: open bills oldest first, penalty to that date."""
    bills = Bill.objects.filter(account=account, status__in=OPEN).select_related("account").order_by("period", "id")
    due = AccountDue(account=account, on=on, prepaid=prepaid_balance(account))
    due.bills = [OpenBill(bill=b, principal=b.amount - b.paid, penalty=bill_penalty(b, on)) for b in bills]
    return due


def bill_history(*, account: Account) -> QuerySet[Bill]:
    return Bill.objects.filter(account=account).select_related("tariff").order_by("-period")


def payment_history(*, account: Account) -> QuerySet[Payment]:
    return Payment.objects.filter(account=account).order_by("-paid_at", "-id")


def arrears_ledger(*, scope: Scope, on: date, by: str = "unit") -> list[dict[str, Any]]:
    """Overdue principal per supply unit or hall (or account), for the accounts in scope."""
    group = {"unit": "account__supply_unit__name", "hall": "account__hall__name", "account": "account__account_no"}[by]
    rows = (
        Bill.objects.filter(scope.account_filter("account__supply_unit"), status__in=OPEN, due_date__lt=on)
        .values(group)
        .annotate(bills=Count("id"), accounts=Count("account", distinct=True), owed=Sum(F("amount") - F("paid")))
        .order_by("-owed")
    )
    return [{"name": r[group] or "—", "bills": r["bills"], "accounts": r["accounts"], "owed": r["owed"]} for r in rows]


def overdue_bills(*, scope: Scope, on: date) -> QuerySet[Bill]:
    return (
        Bill.objects.filter(scope.account_filter("account__supply_unit"), status__in=OPEN, due_date__lt=on)
        .select_related("account__customer", "account__supply_unit")
        .order_by("due_date", "account__account_no")
    )


def run_progress(run: BillRun) -> dict[str, Any]:
    done = run.billed + run.held + run.missing
    return {"run": run, "done": done, "percent": min(100, round(100 * done / run.total)) if run.total else 100}


def open_exceptions(*, scope: Scope) -> QuerySet[ReadingException]:
    return (
        ReadingException.objects.filter(scope.account_filter("reading__account__supply_unit"), status="open")
        .select_related("reading__account")
        .order_by("reading__period", "reading__account__account_no")
    )
