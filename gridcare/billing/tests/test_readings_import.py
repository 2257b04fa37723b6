import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from gridcare.billing.models import ExceptionStatus, Reading, ReadingException, ReadingImport
from gridcare.billing.services.readings import exception_resolve, readings_import
from gridcare.billing.tests.helpers import billable, reading, tariffs
from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.testing import City

HEAD = "户号,账期,抄表日期,上次示数,本次示数,峰电量,谷电量\n"


def _csv(*lines: str) -> bytes:
    return (HEAD + "\n".join(lines) + "\n").encode()


def _nothing_imported() -> bool:
    return not Reading.objects.exists() and not ReadingImport.objects.exists()


def test_a_clean_csv_imports_consumption_times_the_meter_multiplier(town: City) -> None:
    tariffs()
    account = billable(town.account)
    account.meters.update(multiplier=10)
    batch = readings_import(
        file_name="r.csv",
        content=_csv(f"{account.account_no},2026-10,2026-10-28,1200,1250.5,200,100"),
        actor=town.admin,
    )
    r = Reading.objects.get()
    assert (batch.rows, batch.exceptions) == (1, 0)
    assert (r.kwh, r.kwh_peak, r.kwh_valley, r.kwh_flat, r.status) == (
        Decimal("505.00"),
        Decimal("200.00"),
        Decimal("100.00"),
        Decimal("205.00"),
        "valid",
    )


def test_an_excel_file_imports_the_same_way(town: City) -> None:
    tariffs()
    account = billable(town.account)
    book = Workbook()
    sheet = book.active
    sheet.append(["户号", "账期", "抄表日期", "上次示数", "本次示数"])
    sheet.append([account.account_no, "2026-10", date(2026, 10, 28), 100, 180])
    out = io.BytesIO()
    book.save(out)
    readings_import(file_name="r.xlsx", content=out.getvalue(), actor=town.admin)
    assert Reading.objects.get().kwh == Decimal("80.00")


def test_rollover_negative_and_spike_go_to_the_exceptions_list_and_are_held(town: City) -> None:
    tariffs()
    a, b, c = (billable(x) for x in (town.account, town.other_unit_account, town.foreign_account))
    for period, kwh in (("2026-07", "100"), ("2026-08", "110"), ("2026-09", "90")):
        reading(c, period, kwh)
    content = _csv(
        f"{a.account_no},2026-10,2026-10-28,99990,20,,",  # rolled over: 30 kWh
        f"{b.account_no},2026-10,2026-10-28,5000,4000,,",  # register went backwards
        f"{c.account_no},2026-10,2026-10-28,1000,1900,,",  # 900 kWh against a 100 kWh average
    )
    batch = readings_import(file_name="r.csv", content=content, actor=town.admin)
    found = {(e.reading.account_id, e.kind): e.reading for e in ReadingException.objects.select_related("reading")}
    assert batch.exceptions == 3
    assert set(found) == {(a.pk, "rollover"), (b.pk, "negative"), (c.pk, "spike")}
    assert [found[(a.pk, "rollover")].kwh, found[(b.pk, "negative")].kwh] == [Decimal("30.00"), Decimal("0.00")]
    assert {r.status for r in found.values()} == {"held"}


def test_resolving_the_exception_releases_the_reading_for_billing(town: City) -> None:
    tariffs()
    account = billable(town.account)
    readings_import(
        file_name="r.csv", content=_csv(f"{account.account_no},2026-10,2026-10-28,5000,4000,,"), actor=town.admin
    )
    exception = ReadingException.objects.get()
    exception_resolve(exception=exception, to=ExceptionStatus.CORRECTED, actor=town.admin, kwh=Decimal("95"))
    r = Reading.objects.get()
    assert (r.status, r.kwh, r.kwh_flat) == ("valid", Decimal("95.00"), Decimal("95.00"))
    with pytest.raises(Conflict):
        exception_resolve(exception=exception, to=ExceptionStatus.ACCEPTED, actor=town.admin)


@pytest.mark.parametrize(
    "line",
    [
        "0000000009,2026-10,2026-10-28,1,2,,",  # unknown account
        "{no},2026-13,2026-10-28,1,2,,",  # bad period
        "{no},2026-10,28/10/2026,1,2,,",  # bad date
        "{no},2026-10,2026-10-28,1,abc,,",  # not a number
        "{no},2026-10,2026-10-28,1,-2,,",  # negative register
        "{no},2026-10,2026-10-28,100,200,80,30",  # peak + valley above the total
    ],
)
def test_a_file_with_one_bad_line_imports_nothing(town: City, line: str) -> None:
    tariffs()
    account = billable(town.account)
    good = f"{town.other_unit_account.account_no},2026-10,2026-10-28,1,2,,"
    with pytest.raises(InvalidInput) as refused:
        readings_import(file_name="r.csv", content=_csv(good, line.format(no=account.account_no)), actor=town.admin)
    assert list(refused.value.errors) == ["第3行"]
    assert _nothing_imported()


def test_a_reading_already_imported_is_refused(town: City) -> None:
    tariffs()
    account = billable(town.account)
    content = _csv(f"{account.account_no},2026-10,2026-10-28,1,2,,")
    readings_import(file_name="r.csv", content=content, actor=town.admin)
    with pytest.raises(InvalidInput):
        readings_import(file_name="r.csv", content=content, actor=town.admin)
    assert Reading.objects.count() == 1


def test_missing_columns_and_garbage_files_are_refused(town: City) -> None:
    with pytest.raises(InvalidInput):
        readings_import(file_name="r.csv", content=b"account_no,period\n1,2\n", actor=town.admin)
    with pytest.raises(InvalidInput):
        readings_import(file_name="r.xlsx", content=b"not a workbook", actor=town.admin)
    assert _nothing_imported()
