"""估抄: an account without a reading at the bill run is estimated from its own history; the
next actual reading trues it up, so the two months cost what two actual readings would have."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gridcare.billing.models import Bill, BillRun, Reading, Tariff, TariffKind, TierPeriod
from gridcare.billing.pdf import bill_lines
from gridcare.billing.rules.compute import Usage
from gridcare.billing.rules.estimates import TrueUpBasis, estimate_usage, may_estimate, true_up_charges
from gridcare.billing.services.bill_notify import bill_notify
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.services.bill_single import bill_issue_one
from gridcare.billing.services.readings import readings_import
from gridcare.billing.tests.helpers import billable, issued_bill, reading, tariffs
from gridcare.core.testing import City, make_account
from gridcare.customers.models import Account, CustomerClass
from gridcare.notices.models import Notice

D = Decimal
HEAD = "户号,账期,抄表日期,上次示数,本次示数\n"


def test_the_estimate_is_last_years_same_month_else_the_mean_of_the_last_three_months() -> None:
    z = (D(0), D(0))
    history = {"2025-09": (D(100), *z), "2026-08": (D(300), *z), "2026-07": (D(200), *z)}
    last_year = estimate_usage("2026-09", history)
    assert last_year is not None and (last_year.kwh, last_year.basis) == (D(100), "last_year")
    recent = estimate_usage("2026-10", {**history, "2026-09": (D(101), *z)})
    assert recent is not None and (recent.kwh, recent.basis) == (D("200.33"), "recent")  # (101 + 300 + 200) / 3
    assert estimate_usage("2026-10", {}) is None
    assert may_estimate(1, 2) and not may_estimate(2, 2)


def _residential(town: City, serial: int) -> Account:
    """A yearly-tier residential account (RES-TIER: 0.538, 0.588 above 2,760 kWh a year) that
    has used 2,600 kWh this year by August (register 5,000) and 100 kWh in September 2025."""
    account = billable(
        make_account(
            serial, town.unit, town.hall, f"估抄{serial}", customer_class=CustomerClass.RESIDENTIAL, phone="13800000000"
        )
    )
    last_year = reading(account, "2025-09", "100")
    august = reading(account, "2026-08", "2600")
    Reading.objects.filter(pk__in=[last_year.pk, august.pk]).update(register=D(5000))
    Bill.objects.filter(pk=issued_bill(account, "2026-08", "1398.80", august.read_on).pk).update(kwh=D(2600))
    return account


def _import(account: Account, period: str, previous: str, register: str) -> None:
    content = (HEAD + f"{account.account_no},{period},{period}-28,{previous},{register}\n").encode()
    readings_import(file_name="r.csv", content=content, actor=None)


def _bill(account: Account, period: str) -> Bill:
    return Bill.objects.get(account=account, period=period)


def test_an_estimate_then_its_true_up_cost_the_same_two_months_as_two_actual_readings(town: City) -> None:
    tariffs()
    estimated, actual = _residential(town, 310), _residential(town, 311)
    _import(actual, "2026-09", "5000", "5120")  # 120 kWh read in September
    bill_run_start(period="2026-09", unit=town.unit)  # `estimated` has none: 100 kWh, last year's September
    guess = Reading.objects.get(account=estimated, period="2026-09")
    assert (guess.estimated, guess.kwh, guess.register) == (True, D(100), D(5100))
    assert (_bill(estimated, "2026-09").amount, _bill(actual, "2026-09").amount) == (D("53.80"), D("64.56"))
    assert "（估）" in dict(bill_lines(_bill(estimated, "2026-09")))["用电量"]
    bill_notify(period="2026-09")  # the bill message says the bill is estimated
    periods = dict(Notice.objects.filter(template_code="bill_issued").values_list("account_id", "variables__period"))
    assert (periods[estimated.pk], periods[actual.pk]) == ("2026-09（估抄）", "2026-09")
    _import(estimated, "2026-10", "5100", "5250")  # from the last actual 5,000: 250 kWh
    _import(actual, "2026-10", "5120", "5250")
    up = Reading.objects.get(account=estimated, period="2026-10")
    assert (up.kwh, up.true_up_kwh) == (D(150), D(100))
    guess.refresh_from_db()
    assert guess.trued_up_by_id == up.pk
    bill_run_start(period="2026-10", unit=town.unit)
    # actual: 40 × 0.538 + 90 × 0.588 = 74.44 (the year passes 2,760 kWh in October)
    assert _bill(actual, "2026-10").amount == D("74.44")
    # true-up: the true 250 kWh from 2,600 (160 × 0.538 + 90 × 0.588 = 139.00) less the 53.80 billed
    true_up = _bill(estimated, "2026-10")
    assert (true_up.kwh, true_up.amount) == (D(150), D("85.20"))
    assert _bill(estimated, "2026-09").amount + true_up.amount == D("139.00")
    assert _bill(actual, "2026-09").amount + _bill(actual, "2026-10").amount == D("139.00")
    assert "冲减估抄电量" in dict(bill_lines(true_up))
    # the single-account path prices the true-up by the same rule
    true_up.delete()
    single = bill_issue_one(
        account=estimated, period="2026-10", run=BillRun.objects.filter(period="2026-10").first(), tariffs=tariffs()
    )  # type: ignore[arg-type]
    assert single is not None and single.amount == D("85.20")


def test_an_over_estimate_makes_a_negative_usage_a_bill_of_zero_and_a_credit(town: City) -> None:
    tariffs()
    account = _residential(town, 312)
    bill_run_start(period="2026-09", unit=town.unit)
    _import(account, "2026-10", "5100", "5060")  # 60 kWh in two months, 100 estimated
    bill_run_start(period="2026-10", unit=town.unit)
    bill = _bill(account, "2026-10")
    assert (bill.kwh, bill.amount) == (D(-40), D("0.00"))
    # 60 kWh from 2,600: 60 × 0.538 = 32.28; the estimate charged 53.80: 21.52 credited (估抄多计退补)
    assert list(account.adjustments.values_list("kind", "reason", "amount")) == [("credit", "estimate", D("21.52"))]


def test_after_two_estimates_in_a_row_the_account_waits_for_a_real_reading(town: City) -> None:
    tariffs()
    account = _residential(town, 313)
    for period in ("2026-09", "2026-10", "2026-11"):
        bill_run_start(period=period, unit=town.unit)
    assert list(
        Reading.objects.filter(account=account, estimated=True).values_list("period", flat=True).order_by("period")
    ) == [
        "2026-09",
        "2026-10",
    ]
    run = BillRun.objects.get(period="2026-11")
    assert not Bill.objects.filter(account=account, period="2026-11").exists() and run.missing >= 1


def test_with_the_setting_off_nothing_is_estimated(town: City, settings: Any) -> None:
    settings.GRIDCARE_BILLING = {**settings.GRIDCARE_BILLING, "ESTIMATE_MISSING_READINGS": False}
    tariffs()
    account = _residential(town, 314)
    bill_run_start(period="2026-09", unit=town.unit)
    assert not Reading.objects.filter(account=account, period="2026-09").exists()


def test_a_monthly_tier_true_up_prices_the_two_months_with_two_months_of_thresholds() -> None:
    tariff = Tariff(
        kind=TariffKind.TIERED,
        price=D("0.4883"),
        tier_period=TierPeriod.MONTHLY,
        tier1_kwh=D(240),
        tier2_kwh=D(400),
        tier2_price=D("0.5383"),
        tier3_price=D("0.7883"),
    )
    # 200 kWh estimated (200 × 0.4883 = 97.66 billed); 500 kWh actually used over the two months:
    # 480 × 0.4883 + 20 × 0.5383 = 245.15 in all, so the true-up charges 147.49 for 300 kWh
    basis = TrueUpBasis(billed_energy=D("97.66"), months=1, first_prior_kwh=D(0), true_up_kwh=D(200))
    charges = true_up_charges(
        tariff=tariff, usage=basis.actual_usage(Usage(kwh=D(300)), D(200)), basis=basis, capacity_kva=D(0)
    )
    assert charges.charges.total == D("147.49") and charges.credit == D(0)
