"""Building blocks for the billing tests: demo tariffs, accounts with meters and readings."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import numpy as np
import numpy.typing as npt
from django.contrib.auth.models import User

from gridcare.billing.demo import seed_tariffs
from gridcare.billing.models import Bill, Reading, Tariff, TariffKind, TierPeriod
from gridcare.billing.rules.compute import Usage, bill_charges
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.core.testing import City, make_account
from gridcare.customers.models import Account, CustomerClass, Meter

TARIFF_OF = {
    CustomerClass.RESIDENTIAL: "RES-TIER",
    CustomerClass.COMMERCIAL: "COM-TOU",
    CustomerClass.LARGE_INDUSTRIAL: "IND-2PART",
    CustomerClass.AGRICULTURAL: "AGR-FLAT",
}


def tariffs() -> dict[str, Tariff]:
    seed_tariffs()
    return {t.code: t for t in Tariff.objects.filter(province="ZJ")}


def billable(account: Account, *, capacity: Decimal | None = None) -> Account:
    account.tariff_code = TARIFF_OF[account.customer_class]
    if capacity is not None:
        account.contract_capacity_kva = capacity
    account.save(update_fields=["tariff_code", "contract_capacity_kva"])
    Meter.objects.get_or_create(
        account=account,
        defaults={"meter_no": f"33{account.pk:012d}", "installed_on": date(2020, 1, 1), "time_of_use": True},
    )
    return account


def reading(
    account: Account,
    period: str,
    kwh: str | Decimal,
    *,
    peak: str = "0",
    valley: str = "0",
    kvarh: str = "0",
    demand: str = "0",
    status: str = "valid",
) -> Reading:
    total = Decimal(kwh)
    return Reading.objects.create(
        account=account,
        period=period,
        read_on=date(int(period[:4]), int(period[5:]), 28),
        register=total,
        kwh=total,
        kwh_peak=Decimal(peak),
        kwh_valley=Decimal(valley),
        kwh_flat=total - Decimal(peak) - Decimal(valley),
        kvarh=Decimal(kvarh),
        max_demand_kw=Decimal(demand),
        status=status,
    )


CLASSES = [
    CustomerClass.RESIDENTIAL,
    CustomerClass.COMMERCIAL,
    CustomerClass.LARGE_INDUSTRIAL,
    CustomerClass.AGRICULTURAL,
]


def mixed_accounts(town: City, n: int, *, seed: int = 7, first_serial: int = 100) -> list[Account]:
    """``n`` accounts of every class with readings for 2026-09 and 2026-10 of random size."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cls = CLASSES[i % 4]
        account = make_account(
            first_serial + i, town.unit, town.hall, f"客户{i}", customer_class=cls, phone="13800000000"
        )
        # capacities on both sides of the power factor's 100 kVA (commerce, agriculture) and of 315
        capacities = {
            CustomerClass.LARGE_INDUSTRIAL: [315, 630, 1250],
            CustomerClass.COMMERCIAL: [50, 100, 160],
            CustomerClass.AGRICULTURAL: [30, 100],
        }
        billable(account, capacity=Decimal(rng.choice(capacities[cls])) if cls in capacities else None)
        for period in ("2026-09", "2026-10"):
            total = Decimal(rng.randrange(0, 300_000)) / 100 * (100 if cls == CustomerClass.LARGE_INDUSTRIAL else 1)
            peak = (total * Decimal(rng.randrange(0, 50)) / 100).quantize(Decimal("0.01"))
            valley = (total * Decimal(rng.randrange(0, 40)) / 100).quantize(Decimal("0.01"))
            kvarh = (total * Decimal(rng.randrange(0, 90)) / 100).quantize(Decimal("0.01"))
            reading(
                account,
                period,
                total,
                peak=str(peak),
                valley=str(valley),
                kvarh=str(kvarh),
                demand=str(rng.randrange(100, 900)),
            )
        out.append(account)
    return out


def issued_bill(account: Account, period: str, amount: str, due: date) -> Bill:
    """A bill as a bill run leaves it (issued, nothing paid), without running one."""
    from django.utils import timezone

    from gridcare.billing.models import BillRun

    tariff = tariffs()[TARIFF_OF[account.customer_class]]
    run, _ = BillRun.objects.get_or_create(period=period, scope_key=f"test-{period}", defaults={"status": "finished"})
    return Bill.objects.create(
        account=account,
        period=period,
        run=run,
        tariff=tariff,
        kwh=Decimal(100),
        energy_charge=Decimal(amount),
        amount=Decimal(amount),
        issued_at=timezone.now(),
        due_date=due,
    )


def billing_clerk(town: City, *, other_unit: bool = False) -> User:
    """A billing clerk (电费核算员) of unit U1, or of U2 with ``other_unit``."""
    from django.contrib.auth import get_user_model

    from gridcare.core.testing import PASSWORD
    from gridcare.org.models import Role, Staff

    name = "other_billing" if other_unit else "billing"
    user = get_user_model().objects.create_user(username=name, password=PASSWORD)
    Staff.objects.create(
        user=user,
        employee_no=f"B{Staff.objects.count() + 1:04d}",
        name=name,
        role=Role.BILLING_CLERK,
        company=town.company,
        unit=town.other_unit if other_unit else town.unit,
    )
    return user


def tariff_form(tariff: Tariff, **changes: str) -> dict[str, str]:
    """The new-version page's form for ``tariff`` as an administrator fills it in, with ``changes``."""
    data = {
        "code": tariff.code,
        "name": tariff.name,
        "kind": tariff.kind,
        "effective_from": "2027-01-01",
        "price": "0.558",
        "tier_period": tariff.tier_period,
        "tier1_kwh": "2760",
        "tier2_kwh": "4800",
        "tier2_price": "0.608",
        "tier3_price": "0.858",
        "peak_price": "0.588",
        "valley_price": "0.308",
    }
    return {**data, **changes}


Fen = npt.NDArray[np.int64]


def usage_arrays(rows: list[tuple[int, int, int, int]]) -> tuple[Fen, Fen, Fen, Fen, Fen]:
    """The engine's arrays (kWh, peak, flat, valley, prior kWh, in hundredths) from generated rows of
    (kWh, prior kWh, peak percent, valley percent); peak and valley take half their percent each."""
    kwh = np.array([r[0] for r in rows], dtype=np.int64)
    prior = np.array([r[1] for r in rows], dtype=np.int64)
    peak = kwh * np.array([r[2] for r in rows]) // 200
    valley = kwh * np.array([r[3] for r in rows]) // 200
    return kwh, peak, kwh - peak - valley, valley, prior


def bills_of_two_runs(town: City, n: int, *, chunk_sizes: tuple[int, int]) -> list[Bill]:
    """The bills of ``n`` mixed accounts after the 2026-09 and the 2026-10 runs (chunked as given)."""
    tariffs()
    accounts = mixed_accounts(town, n)
    bill_run_start(period="2026-09", chunk_size=chunk_sizes[0])
    bill_run_start(period="2026-10", chunk_size=chunk_sizes[1])
    return list(Bill.objects.filter(account__in=accounts).select_related("tariff", "account"))


def by_the_rules(bill: Bill) -> tuple[Decimal, Decimal]:
    """The prior kWh (September's for an October bill) and the total the rules functions give ``bill``."""
    prior = Decimal(0)
    if bill.period == "2026-10":
        prior = Bill.objects.get(account=bill.account, period="2026-09").kwh
    r = Reading.objects.get(account=bill.account, period=bill.period)
    usage = Usage(
        kwh=r.kwh, peak=r.kwh_peak, flat=r.kwh_flat, valley=r.kwh_valley, kvarh=r.kvarh, max_demand_kw=r.max_demand_kw
    )
    charges = bill_charges(
        tariff=bill.tariff,
        usage=usage,
        prior_kwh=prior,
        capacity_kva=bill.account.contract_capacity_kva,
        customer_class=bill.account.customer_class,
    )
    return prior, charges.total


def tiered_tariff_fields(**changes: object) -> dict[str, object]:
    """The fields of a new version of Zhejiang's residential tiered tariff, with ``changes``."""
    fields: dict[str, object] = {
        "code": "RES-TIER",
        "province": "ZJ",
        "name": "居民",
        "kind": TariffKind.TIERED,
        "effective_from": date(2027, 1, 1),
        "price": Decimal("0.558"),
        "tier_period": TierPeriod.YEARLY,
        "tier1_kwh": Decimal(2760),
        "tier2_kwh": Decimal(4800),
        "tier2_price": Decimal("0.608"),
        "tier3_price": Decimal("0.858"),
    }
    return {**fields, **changes}


def six_overdue_bills(town: City) -> dict[str, Bill]:
    """Six overdue bills of three accounts in both units, with distinct periods, amounts and due
    dates, for the sorted lists (arrears, dunning): a1 is town.account (U1, H1), a2 the other
    unit's (U2, H2), a4 a second account of U1 and H1. b1 is partly paid (100.00 and 1.50 of
    penalty)."""
    a4 = make_account(4, town.unit, town.hall, "赵六")
    rows = {
        "b1": (town.account, "2026-06", "300.00"),
        "b2": (town.other_unit_account, "2026-05", "5.00"),
        "b3": (town.other_unit_account, "2026-07", "10.00"),
        "b4": (town.other_unit_account, "2026-08", "15.00"),
        "b5": (a4, "2026-04", "40.00"),
        "b6": (a4, "2026-09", "60.00"),
    }
    bills = {}
    for key, (account, period, amount) in rows.items():
        month = int(period[5:])
        bills[key] = issued_bill(account, period, amount, date(2026, month + 1, 25))
    Bill.objects.filter(pk=bills["b1"].pk).update(paid=Decimal("100.00"), penalty_paid=Decimal("1.50"))
    return bills
