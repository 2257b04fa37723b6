from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from gridcare.billing.models import (
    Bill,
    ExceptionStatus,
    IntervalReading,
    Reading,
    ReadingException,
    ReadingImport,
    SplitSource,
)
from gridcare.billing.rules.intervals import Band, band_kind, summarise_intervals
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.services.readings import exception_resolve, intervals_import, readings_import
from gridcare.billing.tests.helpers import billable, reading, tariffs
from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import Account

OCTOBER = datetime(2026, 10, 1, tzinfo=SHANGHAI)
STEP = timedelta(minutes=15)
RESIDENTIAL = [Band("peak", time(8), time(22)), Band("valley", time(22), time(8))]


def _tou_account(town: City) -> Account:
    tariffs()
    account = billable(town.account)
    account.tariff_code = "RES-TOU"
    account.save(update_fields=["tariff_code"])
    return account


def _curve(account: Account, *, skip: frozenset[int] = frozenset(), offset: timedelta = timedelta(0)) -> bytes:
    """October 2026 in 15-minute intervals of 0.25 kWh each (2,976 of them), but ``skip``."""
    lines = ["户号,开始时间,电量"]
    for i in range(31 * 96):
        if i not in skip:
            lines.append(f"{account.account_no},{(OCTOBER + i * STEP + offset).strftime('%Y-%m-%d %H:%M')},0.25")
    return ("\n".join(lines) + "\n").encode()


def _monthly(account: Account, kwh: int) -> bytes:
    return f"户号,账期,抄表日期,上次示数,本次示数\n{account.account_no},2026-10,2026-10-31,1000,{1000 + kwh}\n".encode()


def test_a_full_month_of_intervals_fills_in_the_readings_peak_flat_and_valley(town: City) -> None:
    account = _tou_account(town)
    readings_import(file_name="m.csv", content=_monthly(account, 750), actor=town.admin)
    batch = intervals_import(file_name="c.csv", content=_curve(account), actor=town.admin)
    r = Reading.objects.get(account=account, period="2026-10")
    # 08:00-22:00 is 56 intervals a day, 22:00-08:00 is 40: ×31 days ×0.25 kWh.
    assert (r.kwh, r.kwh_peak, r.kwh_valley, r.kwh_flat) == (
        Decimal("750.00"),
        Decimal("434.00"),
        Decimal("310.00"),
        Decimal("6.00"),
    )
    assert (r.split_source, r.status, batch.rows, batch.exceptions) == ("interval", "valid", 2976, 0)
    assert ReadingException.objects.count() == 0


def test_intervals_imported_before_the_monthly_reading_fill_it_in_when_it_arrives(town: City) -> None:
    account = _tou_account(town)
    intervals_import(file_name="c.csv", content=_curve(account), actor=town.admin)
    readings_import(file_name="m.csv", content=_monthly(account, 744), actor=town.admin)
    r = Reading.objects.get(account=account, period="2026-10")
    assert (r.kwh_peak, r.kwh_valley, r.kwh_flat, r.split_source) == (
        Decimal("434.00"),
        Decimal("310.00"),
        Decimal("0.00"),
        "interval",
    )
    bill_run_start(period="2026-10")
    # Tier 1 only (744 ≤ 2760): 434×0.568 + 310×0.288 = 246.512 + 89.28 = 335.792 → 335.79.
    assert Bill.objects.get(account=account).amount == Decimal("335.79")


def test_band_boundaries_are_inclusive_exclusive_in_beijing_time() -> None:
    assert [band_kind(time(h, m), RESIDENTIAL) for h, m in ((7, 45), (8, 0), (21, 45), (22, 0), (0, 0))] == [
        "valley",
        "peak",
        "peak",
        "valley",
        "valley",
    ]
    # A band ending 23:59:59 reaches midnight; a time in no band is flat.
    assert band_kind(time(23, 59, 59), [Band("valley", time(22), time(23, 59, 59))]) == "valley"
    assert band_kind(time(12), [Band("peak", time(8), time(11))]) == "flat"
    # 14:00 UTC is 22:00 in Beijing: valley. The month is [1 Oct 00:00, 1 Nov 00:00) local.
    intervals = [
        (datetime(2026, 9, 30, 15, 45, tzinfo=UTC), Decimal(9)),  # 30 Sep 23:45 local: not October
        (datetime(2026, 10, 1, 13, 45, tzinfo=UTC), Decimal(1)),  # 21:45 peak
        (datetime(2026, 10, 1, 14, 0, tzinfo=UTC), Decimal(2)),  # 22:00 valley
        (datetime(2026, 10, 31, 15, 45, tzinfo=UTC), Decimal(4)),  # 31 Oct 23:45 valley
        (datetime(2026, 10, 31, 16, 0, tzinfo=UTC), Decimal(8)),  # 1 Nov 00:00: not October
    ]
    summary = summarise_intervals(
        intervals,
        period_start=OCTOBER,
        period_end=datetime(2026, 11, 1, tzinfo=SHANGHAI),
        bands=RESIDENTIAL,
        tz=SHANGHAI,
    )
    assert summary.kwh == {"peak": Decimal(1), "flat": Decimal(0), "valley": Decimal(6)}
    assert summary.step == STEP
    assert summary.missing == 31 * 96 - 3  # everything but the three intervals


def test_a_gap_in_the_curve_holds_the_reading_in_the_exceptions_list(town: City) -> None:
    account = _tou_account(town)
    readings_import(file_name="m.csv", content=_monthly(account, 750), actor=town.admin)
    batch = intervals_import(
        file_name="c.csv", content=_curve(account, skip=frozenset({40, 41, 42, 43})), actor=town.admin
    )
    r = Reading.objects.get(account=account, period="2026-10")
    exception = ReadingException.objects.get()
    assert (exception.kind, exception.status, exception.detail) == (
        "gap",
        "open",
        {"missing": "4", "step_minutes": "15"},
    )
    # 10:00-11:00 on 1 October is missing: one peak kWh less, the flat share takes it.
    assert (r.status, r.kwh_peak, r.kwh_valley, r.kwh_flat, batch.exceptions) == (
        "held",
        Decimal("433.00"),
        Decimal("310.00"),
        Decimal("7.00"),
        1,
    )
    bill_run_start(period="2026-10")
    assert Bill.objects.count() == 0


def test_the_missing_intervals_arriving_later_clear_the_gap(town: City) -> None:
    account = _tou_account(town)
    readings_import(file_name="m.csv", content=_monthly(account, 750), actor=town.admin)
    intervals_import(file_name="c.csv", content=_curve(account, skip=frozenset({40, 41})), actor=town.admin)
    rest = (
        f"户号,开始时间,电量\n{account.account_no},2026-10-01 10:00,0.25\n{account.account_no},2026-10-01 10:15,0.25\n"
    )
    intervals_import(file_name="rest.csv", content=rest.encode(), actor=town.admin)
    r = Reading.objects.get(account=account, period="2026-10")
    assert (r.status, r.kwh_peak, r.kwh_flat) == ("valid", Decimal("434.00"), Decimal("6.00"))
    assert list(ReadingException.objects.values_list("kind", "status", "resolved_by")) == [
        ("gap", "corrected", town.admin.pk)
    ]


def test_overlapping_intervals_are_an_exception(town: City) -> None:
    account = _tou_account(town)
    readings_import(file_name="m.csv", content=_monthly(account, 800), actor=town.admin)
    intervals_import(file_name="c.csv", content=_curve(account), actor=town.admin)
    extra = f"户号,开始时间,电量\n{account.account_no},2026-10-02 09:05,0.25\n"
    intervals_import(file_name="x.csv", content=extra.encode(), actor=town.admin)
    exception = ReadingException.objects.get(status="open")
    assert (exception.kind, exception.detail) == ("overlap", {"count": "1", "starts": "2026-10-02 09:05"})
    assert Reading.objects.get().status == "held"


def test_peak_and_valley_over_the_registers_kwh_keep_the_old_split_and_hold_the_reading(town: City) -> None:
    account = _tou_account(town)
    readings_import(file_name="m.csv", content=_monthly(account, 700), actor=town.admin)
    intervals_import(file_name="c.csv", content=_curve(account), actor=town.admin)
    r = Reading.objects.get()
    assert (r.status, r.kwh_peak, r.kwh_valley, r.kwh_flat, r.split_source) == (
        "held",
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("700.00"),
        "",
    )
    exception = ReadingException.objects.get()
    assert (exception.kind, exception.detail) == ("split", {"peak": "434.00", "valley": "310.00", "kwh": "700.00"})
    exception_resolve(exception=exception, to=ExceptionStatus.CORRECTED, actor=town.admin, kwh=Decimal("744.00"))
    r.refresh_from_db()
    # The corrected total is split by the curve again.
    assert (r.status, r.kwh, r.kwh_peak, r.kwh_valley, r.kwh_flat) == (
        "valid",
        Decimal("744.00"),
        Decimal("434.00"),
        Decimal("310.00"),
        Decimal("0.00"),
    )


def test_a_meters_own_tou_registers_are_not_overwritten_by_intervals(town: City) -> None:
    account = _tou_account(town)
    content = (
        f"户号,账期,抄表日期,上次示数,本次示数,峰电量,谷电量\n{account.account_no},2026-10,2026-10-31,0,750,400,300\n"
    )
    readings_import(file_name="m.csv", content=content.encode(), actor=town.admin)
    intervals_import(file_name="c.csv", content=_curve(account), actor=town.admin)
    r = Reading.objects.get()
    assert (r.split_source, r.kwh_peak, r.kwh_valley, r.kwh_flat) == (
        SplitSource.METER,
        Decimal("400.00"),
        Decimal("300.00"),
        Decimal("50.00"),
    )


def test_a_billed_reading_is_left_as_it_was_billed(town: City) -> None:
    account = _tou_account(town)
    reading(account, "2026-10", "750")
    bill_run_start(period="2026-10")
    intervals_import(file_name="c.csv", content=_curve(account), actor=town.admin)
    r = Reading.objects.get()
    assert (r.kwh_peak, r.kwh_flat, r.split_source) == (Decimal("0.00"), Decimal("750.00"), "")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("{no},2026-10-01 00:00,0.50", "与第2行的时段重复"),
        ("{no},2026-10-01 00:15,-0.25", "“-0.25”应为不小于零、最多两位小数的数字"),
        ("{no},2026-10-01 25:00,0.25", "“2026-10-01 25:00”不是时间（YYYY-MM-DD HH:MM）"),
    ],
)
def test_a_duplicate_negative_or_unreadable_interval_line_refuses_the_file(town: City, bad: str, message: str) -> None:
    account = _tou_account(town)
    readings_import(file_name="m.csv", content=_monthly(account, 750), actor=town.admin)
    before = list(Reading.objects.values_list("kwh_peak", "kwh_flat", "status"))
    content = f"户号,开始时间,电量\n{account.account_no},2026-10-01 00:00,0.25\n{bad.format(no=account.account_no)}\n"
    with pytest.raises(InvalidInput) as refused:
        intervals_import(file_name="c.csv", content=content.encode(), actor=town.admin)
    assert refused.value.errors == {"第3行": message}
    assert (IntervalReading.objects.count(), ReadingImport.objects.filter(kind="interval").count()) == (0, 0)
    assert list(Reading.objects.values_list("kwh_peak", "kwh_flat", "status")) == before


def test_an_already_imported_interval_is_named_by_its_line(town: City) -> None:
    account = _tou_account(town)
    first = f"户号,开始时间,电量\n{account.account_no},2026-10-01 00:00,0.25\n"
    intervals_import(file_name="a.csv", content=first.encode(), actor=town.admin)
    again = first + f"{account.account_no},2026-10-01 00:15,0.25\n"
    with pytest.raises(InvalidInput) as refused:
        intervals_import(file_name="b.csv", content=again.encode(), actor=town.admin)
    assert refused.value.errors == {"第2行": "该时段已导入"}
    assert IntervalReading.objects.count() == 1
