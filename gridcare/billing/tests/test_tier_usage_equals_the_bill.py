"""The customer's 阶梯电量 (rules.tier_usage): how a bill's kWh fell into the tiers, split by the
same rule the bill was charged with, so the tiers' shares give back the bill's own energy charge."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from gridcare.billing.models import Bill, Tariff, TariffKind, TierPeriod
from gridcare.billing.rules.compute import Usage, energy_charge
from gridcare.billing.rules.tier_usage import tier_usage
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import billable, reading, tariffs
from gridcare.core.money import yuan
from gridcare.core.testing import City


def _tiered(*, tou: bool = False, period: str = TierPeriod.YEARLY) -> Tariff:
    return Tariff(
        kind=TariffKind.TIERED,
        price=Decimal("0.538"),
        tier_period=period,
        tier1_kwh=Decimal(2760),
        tier2_kwh=Decimal(4800),
        tier2_price=Decimal("0.588"),
        tier3_price=Decimal("0.838"),
        peak_price=Decimal("0.568") if tou else None,
        valley_price=Decimal("0.288") if tou else None,
    )


def test_a_month_across_two_tiers_is_split_where_the_years_usage_crosses_the_threshold() -> None:
    # 2,700 kWh billed earlier this year, 200 now: 60 in tier 1 (to 2,760), 140 in tier 2.
    usage = tier_usage(_tiered(), kwh=Decimal(200), prior_kwh=Decimal(2700))
    assert usage is not None
    assert [(p.tier, p.low, p.high, p.kwh, p.price) for p in usage.parts] == [
        (1, Decimal(0), Decimal(2760), Decimal(60), Decimal("0.538")),
        (2, Decimal(2760), Decimal(4800), Decimal(140), Decimal("0.588")),
        (3, Decimal(4800), None, Decimal(0), Decimal("0.838")),
    ]
    assert (usage.prior_kwh, usage.after_kwh, usage.tier_charge) == (Decimal(2700), Decimal(2900), Decimal("114.60"))
    assert usage.tier_charge == energy_charge(_tiered(), Usage(kwh=Decimal(200)), Decimal(2700))


def test_a_monthly_tier_period_starts_from_nothing_each_month() -> None:
    usage = tier_usage(_tiered(period=TierPeriod.MONTHLY), kwh=Decimal(100), prior_kwh=Decimal(9000))
    assert usage is not None
    assert (usage.period_kind, usage.prior_kwh, [p.kwh for p in usage.parts]) == (
        "monthly",
        Decimal(0),
        [Decimal(100), Decimal(0), Decimal(0)],
    )


def test_under_time_of_use_the_tiers_add_their_increment_over_the_first_tier() -> None:
    usage = tier_usage(_tiered(tou=True), kwh=Decimal(200), prior_kwh=Decimal(2700))
    assert usage is not None and usage.increments_only
    assert [p.price for p in usage.parts] == [Decimal(0), Decimal("0.050"), Decimal("0.300")]
    assert usage.tier_charge == Decimal("7.00")  # 140 kWh × 0.05


def test_a_tariff_without_tiers_has_no_breakdown() -> None:
    flat = Tariff(kind=TariffKind.FLAT, price=Decimal("0.6"))
    assert tier_usage(flat, kwh=Decimal(100), prior_kwh=Decimal(0)) is None


@given(
    kwh=st.integers(min_value=0, max_value=900_000).map(lambda n: Decimal(n) / 100),
    prior=st.integers(min_value=0, max_value=900_000).map(lambda n: Decimal(n) / 100),
)
def test_the_tiers_shares_are_always_the_plain_tier_charge(kwh: Decimal, prior: Decimal) -> None:
    usage = tier_usage(_tiered(), kwh=kwh, prior_kwh=prior)
    assert usage is not None
    assert sum(p.kwh for p in usage.parts) == kwh
    assert usage.tier_charge == energy_charge(_tiered(), Usage(kwh=kwh), prior)


def test_the_breakdown_of_every_billed_month_gives_back_the_bills_energy_charge(town: City) -> None:
    tariffs()
    plain, tou = town.account, town.other_unit_account
    billable(plain)
    billable(tou)
    tou.tariff_code = "RES-TOU"
    tou.save(update_fields=["tariff_code"])
    months = [("2026-01", "1500"), ("2026-02", "1400.50"), ("2026-03", "2300"), ("2026-04", "900")]
    for period, kwh in months:
        reading(plain, period, kwh)
        reading(tou, period, kwh, peak=str(Decimal(kwh) * 6 // 10), valley=str(Decimal(kwh) * 4 // 10))
        bill_run_start(period=period, read_ahead=False)
    bills = list(Bill.objects.select_related("tariff").order_by("account_id", "period"))
    assert len(bills) == 8
    assert [b.prior_kwh for b in bills[:4]] == [Decimal(0), Decimal(1500), Decimal("2900.50"), Decimal("5200.50")]
    for bill in bills:
        usage = tier_usage(bill.tariff, kwh=bill.kwh, prior_kwh=bill.prior_kwh)
        assert usage is not None
        if bill.tariff.peak_price is None:
            assert usage.tier_charge == bill.energy_charge, bill.period
        else:
            tou_part = (
                bill.kwh_peak * bill.tariff.peak_price
                + (bill.kwh - bill.kwh_peak - bill.kwh_valley) * bill.tariff.price
                + bill.kwh_valley * (bill.tariff.valley_price or 0)
            )
            assert yuan(tou_part + sum(p.charge for p in usage.parts)) == bill.energy_charge, bill.period
    march = tier_usage(bills[2].tariff, kwh=bills[2].kwh, prior_kwh=bills[2].prior_kwh)
    assert march is not None
    # 2,900.50 before March, 2,300 in March: nothing left of tier 1, 1,899.50 to 4,800, 400.50 beyond.
    assert [p.kwh for p in march.parts] == [Decimal(0), Decimal("1899.50"), Decimal("400.50")]
