"""Constructed complaints for the complaint-analysis tests: rows written as intake leaves them,
on chosen days, so every count is known in advance."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time

from gridcare.core.testing import City, make_account
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import Account, AccountStatus
from gridcare.org.models import SupplyUnit
from gridcare.workorders.models import ComplaintCause, WorkOrder

_numbers = itertools.count(1)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def complaint(
    town: City,
    when: datetime,
    *,
    unit: SupplyUnit | None = None,
    account: Account | None = None,
    phone: str = "",
    complaint_class: str = "service",
    cause: str = "",
    text: str = "营业厅工作人员态度很差",
    company_id: int | None = None,
) -> WorkOrder:
    """A complaint received at ``when`` in ``unit`` (default the account's, else U1)."""
    place = unit or (account.supply_unit if account else town.unit)
    return WorkOrder.objects.create(
        number=f"T{next(_numbers):010d}",
        company_id=company_id or place.company_id,
        channel="phone_95598",
        type="complaint",
        complaint_class=complaint_class,
        complaint_cause=ComplaintCause.objects.get(code=cause) if cause else None,
        text=text,
        phone=phone,
        account=account,
        supply_unit=place,
        received_at=when,
    )


def more_accounts(town: City) -> dict[str, list[Account]]:
    """U1: 4 active accounts (the city's and three more) and a closed one; U2: 2 active (the
    city's and one more); the other company's account as it is."""
    u1 = [town.account] + [make_account(10 + i, town.unit, town.hall, f"客户{i}") for i in range(3)]
    closed = make_account(20, town.unit, town.hall, "已销户")
    Account.objects.filter(pk=closed.pk).update(status=AccountStatus.CLOSED)
    u2 = [town.other_unit_account, make_account(30, town.other_unit, town.other_hall, "乡镇客户")]
    return {"U1": u1, "U2": u2}
