"""Importing a metering export (KEY-3): whole or not at all; refusals change nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from gridcare.core.exceptions import Forbidden
from gridcare.core.testing import City, make_account
from gridcare.keyaccounts.exceptions import ImportRefused
from gridcare.keyaccounts.models import LoadImport, LoadImportStatus, LoadProblem
from gridcare.keyaccounts.services.loads import load_import
from gridcare.keyaccounts.store import load_store
from gridcare.org.access import scope_for
from gridcare.org.models import Staff

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # 2026-11-01 00:00 Beijing


@pytest.fixture
def town(town: City) -> City:
    account = town.account
    account.key_account_manager = Staff.objects.get(user=town.kam)
    account.contract_capacity_kva = Decimal(500)
    account.save(update_fields=["key_account_manager", "contract_capacity_kva"])
    return town


def csv_of(lines: list[str], header: str = "户号,时间,有功功率(kW),无功功率(kvar)") -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8-sig")


def day_lines(account_no: str, *, kw: float = 100.0, count: int = 96) -> list[str]:
    return [f"{account_no},2026-11-01 {m // 60:02d}:{m % 60:02d},{kw},20" for m in range(0, count * 15, 15)]


def stored_files() -> list[Path]:
    return sorted(load_store().root.rglob("*.parquet"))


def test_a_good_file_is_imported_whole_and_again_gives_the_same_data(town: City) -> None:
    no = town.account.account_no
    data = csv_of(day_lines(no))
    first = load_import(scope=scope_for(town.kam), actor=town.kam, file_name="11月.csv", data=data)
    assert (first.status, first.rows, first.accounts, first.interval_minutes) == ("imported", 96, 1, 15)
    assert first.months == ["2026-11"] and first.has_kvar and first.first_at == T0
    assert list(first.problems.all()) == []
    again = load_import(scope=scope_for(town.kam), actor=town.kam, file_name="11月.csv", data=data)
    assert again.status == "imported"
    readings = load_store().read(account_no=no, start=T0, end=T0 + timedelta(days=1))
    assert readings.kw.tolist() == [100.0] * 96 and readings.kvar.tolist() == [20.0] * 96
    assert [p.relative_to(load_store().root).parts[:2] for p in stored_files()] == [("month=2026-11", "unit=U1")]


def test_gaps_are_listed_and_do_not_refuse(town: City) -> None:
    lines = day_lines(town.account.account_no)
    del lines[10:13]
    done = load_import(scope=scope_for(town.kam), actor=town.kam, file_name="a.csv", data=csv_of(lines))
    assert done.status == "imported"
    (gap,) = done.problems.all()
    assert (gap.kind, gap.blocking, gap.detail) == (
        "gap",
        False,
        "2026-11-01 02:30 至 2026-11-01 03:00 缺少 3 个数据点",
    )


def test_an_excel_export_with_other_header_names_is_imported(town: City) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["用户编号", "数据时间", "有功功率（kW）"])
    for m in range(0, 24 * 60, 60):
        sheet.append([town.account.account_no, datetime(2026, 11, 1, m // 60), 50])  # noqa: DTZ001 (Beijing wall time)
    out = io.BytesIO()
    book.save(out)
    done = load_import(scope=scope_for(town.kam), actor=town.kam, file_name="负荷.xlsx", data=out.getvalue())
    assert (done.status, done.interval_minutes, done.rows, done.has_kvar) == ("imported", 60, 24, False)


def test_every_blocking_problem_refuses_the_file_and_nothing_is_stored(town: City) -> None:
    good = town.account.account_no
    plain = make_account(7, town.unit, town.hall, "普通户")  # in U1, not a key account
    lines = day_lines(good, count=8)
    lines += [
        f"{good},2026-11-01 02:00,900,",  # from 100 kW: 800 kW more than 150 % of 500 kVA
        f"{good},2026-11-01 00:15,100,",  # the time of row 3 again
        f"{good},2026-11-01 02:07,100,",  # off the 15-minute grid
        f"{good},2026-11-01 03:00,-3,",  # negative
        f"{good},2026-11-01 03:30,abc,",  # not a number
        f"{plain.account_no},2026-11-01 00:00,1,",
        f"{town.other_unit_account.account_no},2026-11-01 00:00,1,",  # another unit: unknown to the KAM
        "9999999999,2026-11-01 00:00,1,",
    ]
    load_import(scope=scope_for(town.kam), actor=town.kam, file_name="ok.csv", data=csv_of(day_lines(good, kw=7.0)))
    before = [p.read_bytes() for p in stored_files()]
    refused = load_import(scope=scope_for(town.kam), actor=town.kam, file_name="bad.csv", data=csv_of(lines))
    assert refused.status == LoadImportStatus.REFUSED
    kinds = [(p.row, p.kind) for p in refused.problems.filter(blocking=True)]
    assert kinds == [
        (10, "jump"),
        (11, "duplicate"),
        (12, "off_grid"),
        (13, "negative"),
        (14, "bad_value"),
        (15, "not_key_account"),
        (16, "unknown_account"),
        (17, "unknown_account"),
    ]
    assert [p.read_bytes() for p in stored_files()] == before  # the store is as it was
    assert LoadImport.objects.filter(status="imported").count() == 1
    readings = load_store().read(account_no=good, start=T0, end=T0 + timedelta(days=1))
    assert readings.kw.tolist() == [7.0] * 96


def test_an_unreadable_or_too_large_file_is_refused_on_its_field_and_not_recorded(town: City, settings: object) -> None:
    scope = scope_for(town.kam)
    with pytest.raises(ImportRefused) as exc:
        load_import(scope=scope, actor=town.kam, file_name="a.csv", data=b"foo,bar\n1,2\n")
    assert exc.value.errors == {"file": "文件缺少列：户号、时间、有功功率(kW)。"}
    with pytest.raises(ImportRefused) as exc:
        load_import(scope=scope, actor=town.kam, file_name="a.pdf", data=b"%PDF")
    assert "file" in exc.value.errors
    with pytest.raises(ImportRefused) as exc:
        load_import(scope=scope, actor=town.kam, file_name="a.csv", data=b"x\x00y")
    assert "file" in exc.value.errors
    with pytest.raises(ImportRefused) as exc:
        load_import(scope=scope, actor=town.kam, file_name="a.csv", data=csv_of(["1,2,3,4"]), interval_minutes=5)
    assert "interval_minutes" in exc.value.errors
    assert LoadImport.objects.count() == 0 and LoadProblem.objects.count() == 0


def test_a_counter_clerk_may_not_import(town: City) -> None:
    with pytest.raises(Forbidden):
        load_import(scope=scope_for(town.clerk), actor=town.clerk, file_name="a.csv", data=csv_of(day_lines("1")))
    assert LoadImport.objects.count() == 0 and stored_files() == []
