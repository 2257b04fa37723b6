from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridcare.billing import rules
from gridcare.billing.demo import seed_billing
from gridcare.billing.models import Bill, Tariff, TariffKind, TierPeriod
from gridcare.billing.rules.compute import Usage, energy_charge
from gridcare.billing.rules.engine import energy_fen
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.services.tariffs import tariff_create, tariffs_in_force
from gridcare.billing.tests.helpers import billable, reading, tariffs, tiered_tariff_fields, usage_arrays
from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City


def _residential_tou(period: str = TierPeriod.YEARLY) -> Tariff:
    """Zhejiang 一户一表 峰谷: tier-1 0.538, peak 0.568, valley 0.288; tiers 2760/4800 a year."""
    monthly = period == TierPeriod.MONTHLY
    return Tariff(
        kind=TariffKind.TIERED,
        price=Decimal("0.538"),
        tier_period=period,
        tier1_kwh=Decimal(230 if monthly else 2760),
        tier2_kwh=Decimal(400 if monthly else 4800),
        tier2_price=Decimal("0.588"),
        tier3_price=Decimal("0.838"),
        peak_price=Decimal("0.568"),
        valley_price=Decimal("0.288"),
    )


def test_a_residential_tou_month_is_the_tier_charge_plus_the_peak_and_valley_differences() -> None:
    # 2,700 kWh billed earlier this year; 200 kWh this month, 120 peak and 80 valley:
    # 60 kWh in tier 1, 140 in tier 2 → 60×0.538 + 140×0.588 = 114.60,
    # plus 120×(0.568−0.538) + 80×(0.288−0.538) = 3.60 − 20.00 → 98.20.
    usage = Usage(kwh=Decimal(200), peak=Decimal(120), flat=Decimal(0), valley=Decimal(80))
    assert energy_charge(_residential_tou(), usage, Decimal(2700)) == Decimal("98.20")
    assert rules.tiered_tou_charge(
        {"peak": Decimal(120), "flat": Decimal(0), "valley": Decimal(80)},
        {"peak": Decimal("0.568"), "flat": Decimal("0.538"), "valley": Decimal("0.288")},
        (Decimal(2760), Decimal(4800)),
        (Decimal("0.05"), Decimal("0.30")),
        prior_kwh=Decimal(2700),
    ) == Decimal("98.20")
    fen = energy_fen(
        _residential_tou(),
        *(np.array([v], dtype=np.int64) for v in (20_000, 12_000, 0, 8_000, 270_000)),
    )
    assert fen.tolist() == [9820]


def test_without_a_split_a_residential_tou_account_pays_the_plain_tier_charge() -> None:
    usage = Usage(kwh=Decimal(500), flat=Decimal(500))
    plain = rules.tiered_charge(
        Decimal(500),
        (Decimal(230), Decimal(400)),
        (Decimal("0.538"), Decimal("0.588"), Decimal("0.838")),
    )
    assert energy_charge(_residential_tou(TierPeriod.MONTHLY), usage, Decimal(0)) == plain == Decimal("307.50")


centi = st.integers(min_value=0, max_value=10**8)


@settings(max_examples=60)
@given(
    st.sampled_from([TierPeriod.YEARLY, TierPeriod.MONTHLY]),
    st.lists(st.tuples(centi, centi, st.integers(0, 100), st.integers(0, 100)), min_size=1, max_size=40),
)
def test_the_engine_prices_residential_tou_exactly_as_the_rules_functions(
    period: str, rows: list[tuple[int, int, int, int]]
) -> None:
    tariff = _residential_tou(period)
    kwh, peak, flat, valley, prior = usage_arrays(rows)
    fen = energy_fen(tariff, kwh, peak, flat, valley, prior)
    assert tariff.tier1_kwh is not None and tariff.tier2_kwh is not None
    thresholds = (tariff.tier1_kwh, tariff.tier2_kwh)
    for i in range(len(rows)):
        d = [Decimal(int(x[i])) / 100 for x in (kwh, peak, flat, valley, prior)]
        expected = rules.tiered_tou_charge(
            {"peak": d[1], "flat": d[2], "valley": d[3]},
            {"peak": Decimal("0.568"), "flat": Decimal("0.538"), "valley": Decimal("0.288")},
            thresholds,
            (Decimal("0.05"), Decimal("0.30")),
            prior_kwh=d[4] if period == TierPeriod.YEARLY else Decimal(0),
        )
        assert Decimal(int(fen[i])) / 100 == expected
        assert energy_charge(tariff, Usage(kwh=d[0], peak=d[1], flat=d[2], valley=d[3]), d[4]) == expected


def test_the_bill_run_prices_a_residential_tou_account_by_the_rules(town: City) -> None:
    tariffs()
    account = billable(town.account)
    account.tariff_code = "RES-TOU"
    account.save(update_fields=["tariff_code"])
    reading(account, "2026-09", "2700")
    reading(account, "2026-10", "200", peak="120", valley="80")
    bill_run_start(period="2026-09")
    bill_run_start(period="2026-10")
    bill = Bill.objects.get(account=account, period="2026-10")
    assert (bill.tariff.code, bill.prior_kwh, bill.kwh_peak, bill.kwh_valley) == (
        "RES-TOU",
        Decimal("2700.00"),
        Decimal("120.00"),
        Decimal("80.00"),
    )
    assert (bill.energy_charge, bill.amount) == (Decimal("98.20"), Decimal("98.20"))
    # 2,700 kWh all in tier 1, no split: 2700 × 0.538.
    assert Bill.objects.get(account=account, period="2026-09").amount == Decimal("1452.60")


def _fields(**changes: object) -> dict[str, object]:
    """Zhejiang's residential tiered tariff with time-of-use prices on top (居民峰谷)."""
    tou: dict[str, object] = {
        "code": "RES-TOU",
        "name": "居民峰谷",
        "price": Decimal("0.538"),
        "tier2_price": Decimal("0.588"),
        "tier3_price": Decimal("0.838"),
        "peak_price": Decimal("0.568"),
        "valley_price": Decimal("0.288"),
    }
    return tiered_tariff_fields(**{**tou, **changes})


@pytest.mark.parametrize(
    "changes",
    [{"valley_price": None}, {"peak_price": Decimal("0.530")}, {"valley_price": Decimal("0.540")}],
)
def test_a_residential_tou_tariff_needs_a_peak_above_and_a_valley_below_tier_one(
    db: None, changes: dict[str, object]
) -> None:
    tariffs()
    before = Tariff.objects.count()
    with pytest.raises(InvalidInput) as refused:
        tariff_create(**_fields(**changes))
    assert "peak_price" in refused.value.errors
    assert Tariff.objects.count() == before


def test_the_zhejiang_residential_tou_prices_pass_although_under_three_to_one(db: None) -> None:
    tariffs()
    made = tariff_create(**_fields())
    assert (made.peak_price, made.valley_price) == (Decimal("0.5680"), Decimal("0.2880"))


def test_the_demo_province_offers_residential_tou_and_some_demo_accounts_use_it(town: City) -> None:
    for account in (town.account, town.other_unit_account):
        account.tariff_code = "RES-TIER"
        account.save(update_fields=["tariff_code"])
    seed_billing(payers=2)
    tou = tariffs_in_force(province="ZJ", on=date(2026, 10, 1))["RES-TOU"]
    bands = sorted((p.kind, p.starts.isoformat(), p.ends.isoformat()) for p in tou.tou_periods.all())
    assert bands == [("peak", "08:00:00", "22:00:00"), ("valley", "22:00:00", "08:00:00")]
    town.account.refresh_from_db()
    assert town.account.tariff_code == "RES-TOU"
    bills = Bill.objects.filter(account=town.account).select_related("tariff").order_by("period")
    assert [(b.period, b.tariff.code, b.kwh_flat) for b in bills] == [
        ("2026-08", "RES-TOU", Decimal("0.00")),
        ("2026-09", "RES-TOU", Decimal("0.00")),
        ("2026-10", "RES-TOU", Decimal("0.00")),
    ]
    for bill in bills:
        usage = Usage(kwh=bill.kwh, peak=bill.kwh_peak, flat=bill.kwh_flat, valley=bill.kwh_valley)
        assert bill.energy_charge == energy_charge(bill.tariff, usage, bill.prior_kwh)
