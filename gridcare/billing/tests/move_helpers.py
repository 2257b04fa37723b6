"""Building blocks of the moving-out-and-in tests (issue 19): a monthly residential tariff, an
account read and billed up to a day, the move's form data, "today" fixed."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.models import Bill, BillStatus, Reading, Tariff, TariffKind, TierPeriod
from gridcare.billing.services.moves import MoveIn, RefundTo
from gridcare.billing.tests.helpers import issued_bill, tariffs
from gridcare.customers.models import Account, Meter

D = Decimal
TODAY = date(2026, 11, 20)


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """The business date moves and deposits are done on."""
    monkeypatch.setattr("gridcare.billing.services.moves.today", lambda: TODAY)
    monkeypatch.setattr("gridcare.billing.services.deposits.business_date", lambda: TODAY)
    return TODAY


def monthly_tariff() -> Tariff:
    """Monthly residential tiers 240 / 400 kWh at 0.4883 / 0.5383 / 0.7883 (ZJ, code RES-M)."""
    tariffs()
    return Tariff.objects.create(
        code="RES-M",
        province="ZJ",
        name="居民生活用电(月阶梯)",
        kind=TariffKind.TIERED,
        effective_from=date(2024, 1, 1),
        price=D("0.4883"),
        tier_period=TierPeriod.MONTHLY,
        tier1_kwh=D(240),
        tier2_kwh=D(400),
        tier2_price=D("0.5383"),
        tier3_price=D("0.7883"),
    )


def read_and_billed(account: Account, period: str, read_on: date, register: str, *, paid: bool = True) -> Bill:
    """The account's reading of ``period`` on ``read_on`` at ``register``, billed (and paid)."""
    Meter.objects.get_or_create(
        account=account, defaults={"meter_no": f"33{account.pk:012d}", "installed_on": date(2020, 1, 1)}
    )
    Reading.objects.create(
        account=account, period=period, read_on=read_on, register=D(register), kwh=D(100), kwh_flat=D(100)
    )
    bill = issued_bill(account, period, "50.00", date(2026, 12, 25))
    if paid:
        Bill.objects.filter(pk=bill.pk).update(paid=D("50.00"), status=BillStatus.PAID)
    return bill


def move_data(on: date, register: str, *, refund: RefundTo | None = None, **more: str) -> MoveIn:
    return MoveIn(move_on=on, register=D(register), request_key=uuid.uuid4().hex, refund=refund or RefundTo(), **more)


BANK = RefundTo(method="bank", payee_name="张三", bank_name="工商银行杭州分行", bank_account="6222021234567890123")
