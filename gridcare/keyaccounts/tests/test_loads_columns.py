"""The column reading of a load-data file (KEY-3) gives exactly the readings and problems of the
row-by-row reading it replaced (``load_file_rows``, kept as the reference), fault by fault and on
random cells; a large file imports whole; a large refused file changes nothing."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from openpyxl import Workbook

from gridcare.core.testing import City, make_account
from gridcare.keyaccounts.models import LoadImport, LoadProblem
from gridcare.keyaccounts.rules import load_file as columns
from gridcare.keyaccounts.services.loads import load_import
from gridcare.keyaccounts.store import load_store
from gridcare.keyaccounts.tests import load_file_rows as rows
from gridcare.org.access import scope_for
from gridcare.org.models import Staff

HEADER = "户号,时间,有功功率(kW),无功功率(kvar)"
CAPACITY = {"A": Decimal(500), "B": Decimal(0), "C": Decimal(80)}


def both(name: str, data: bytes, interval: int | None = None, listed: int | None = None) -> tuple[Any, Any]:
    """What each reading gives: the interval, the readings and the problems in the import's order."""

    def said(problems: list[Any]) -> list[tuple[Any, ...]]:
        ordered = sorted(problems, key=lambda p: (not p.blocking, p.row or 0, p.account_no))
        return [(p.kind, p.row, p.account_no, p.detail, p.blocking) for p in ordered][:listed]

    try:
        old = rows.parse_rows(rows.read_table(name, data), interval_minutes=interval)
    except rows.FileUnreadable as exc:
        old_answer: Any = ("unreadable", str(exc))
    else:
        found = old.problems + rows.jump_problems(old, capacity_kva=CAPACITY, jump_percent=Decimal(150))
        readings = list(zip(old.rows, old.account_nos, old.starts, old.kw, old.kvar, strict=True))
        old_answer = (old.interval_minutes, readings, said(found), rows.months_of(old))
    try:
        new = columns.parse_columns(columns.read_columns(name, data), interval_minutes=interval)
    except columns.FileUnreadable as exc:
        new_answer: Any = ("unreadable", str(exc))
    else:
        found = new.problems + columns.jump_problems(new, capacity_kva=CAPACITY, jump_percent=Decimal(150))
        kvar = [None if np.isnan(v) else float(v) for v in new.kvar]
        starts = [columns.moment(int(s)) for s in new.starts]
        readings = list(
            zip(new.rows.tolist(), new.account_nos().to_pylist(), starts, new.kw.tolist(), kvar, strict=True)
        )
        if listed is None:
            assert new.bad_rows == sum(1 for p in found if p.kind == "bad_value")
        new_answer = (new.interval_minutes, readings, said(found), columns.months_of(new))
    return old_answer, new_answer


def csv_of(lines: list[str], header: str = HEADER, encoding: str = "utf-8-sig") -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode(encoding)


def day(account: str, *, kw: float = 100.0, count: int = 96, step: int = 15) -> list[str]:
    return [f"{account},2026-11-01 {m // 60:02d}:{m % 60:02d},{kw},20" for m in range(0, count * step, step)]


FAULTS = {
    "clean": day("A") + day("B", kw=3),
    "gap": day("A")[:10] + day("A")[13:],
    "duplicate": [*day("A", count=8), "A,2026-11-01 00:15,100,", "A,2026-11-01 00:15,101,"],
    "negative": [*day("A", count=8), "A,2026-11-01 03:00,-3,"],
    "jump": [*day("A", count=8), "A,2026-11-01 02:00,900,", "C,2026-11-01 00:00,1,", "C,2026-11-01 00:15,200,"],
    "off_grid": [*day("A", count=8), "A,2026-11-01 02:07,100,"],
    "bad_values": [
        *day("A", count=8),
        "A,2026-11-01 03:30,abc,",
        ",2026-11-01 03:45,1,",
        "A,yesterday,1,x",
        "A,2026-02-30 00:00,1,",
        "A,2026-11-01 04:00,1,1;2",
    ],
    "kvar_missing": [f"A,2026-11-01 {h:02d}:00,5," for h in range(24)],
    "hourly": day("A", count=24, step=60),
    "half_hourly_with_ties": day("A", count=2, step=30) + day("B", count=2, step=60),
    "blank_and_short_rows": [*day("A", count=4), "", ",,,", " , ,", "A,2026-11-01 01:00,7", "A,2026-11-01 01:15"],
    "quoted": ['"A","2026-11-01 00:00","1,200.5","3"', '"A","2026-11-01 00:15","1","x\ny"'],
    "other_shapes": [
        "A,2026/11/01 00:00:00,1,",
        "A,20261101 00:15,1,",
        "A,202611010030,1,",
        "A,2026-11-01T00:45,1,",
        "A,2026-11-1 1:00,1,",
        "A, 2026-11-01 01:15 ,1 , 2 ",
        "A,2026-11-01  01:30,1e1,",
        "A,２０２６-11-01 01:45,１２,",
        "A,2026-11-01 02:00:60,1,",
        "A,2026-11-01t02:15,1,",
        "A,0001-01-01 00:00,1,",
        "A,1900-01-01 00:00,1,",
        "\u3000A\u3000,2026-11-01 02:30,1_0,",
        "A,2026-11-01 02:45,nan,inf",
        "A,2026-11-01 03:00,+.5,-0",
    ],
    "long_account_and_other_month": ["12345678901234567890123,2026-11-30 23:45,1,", "B,2026-12-01 00:00,1,"],
    "many_intervals": [f"A,2026-11-01 00:{m:02d},1," for m in (0, 5, 10, 15, 20, 25)],
}


@pytest.mark.parametrize("fault", FAULTS)
def test_each_kind_of_fault_gives_what_the_row_reading_gave(fault: str) -> None:
    old, new = both("a.csv", csv_of(FAULTS[fault]))
    assert new == old


@pytest.mark.parametrize("interval", [15, 30, 60])
def test_a_chosen_interval_gives_what_the_row_reading_gave(interval: int) -> None:
    old, new = both("a.csv", csv_of(FAULTS["bad_values"] + FAULTS["gap"]), interval)
    assert new == old


def test_gbk_three_columns_and_other_header_names() -> None:
    lines = [line.rsplit(",", 1)[0] for line in day("户甲", count=12)]
    data = csv_of(lines, header="用户编号,数据时间,总有功功率", encoding="gb18030")
    old, new = both("a.txt", data)
    assert new == old and new[0] == 15 and len(new[1]) == 12


@pytest.mark.parametrize(
    "data",
    [b"", b"\n\n", "户号,时间,有功功率(kW)\n".encode(), b"foo,bar\n1,2\n", "户号,时间\nA,2026-11-01 00:00\n".encode()],
)
def test_files_without_readings_are_refused_with_the_same_sentence(data: bytes) -> None:
    old, new = both("a.csv", data)
    assert new == old and new[0] == "unreadable"


def test_an_interval_of_five_minutes_is_refused_with_the_same_sentence() -> None:
    old, new = both("a.csv", csv_of(FAULTS["many_intervals"]))
    assert new == old == ("unreadable", "无法确定数据间隔（5 分钟）：只接受 15、30 或 60 分钟的数据。")


def test_an_excel_file_gives_what_the_row_reading_gave() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["户号", "时间", "有功功率（kW）", "无功功率(kvar)"])
    start = datetime(2026, 11, 1)  # noqa: DTZ001 (Beijing wall time)
    for i in range(40):
        sheet.append(["A", start + timedelta(minutes=15 * i), 10 + i, None if i % 3 else 2.5])
    sheet.append([18, start + timedelta(minutes=7, microseconds=1), 0, 0])  # off the grid
    sheet.append(["B", "2026-11-01 00:00", "abc", False])
    sheet.append(["B", 45000.5, -1, ""])
    sheet.append(["B", None, True, None])
    out = io.BytesIO()
    book.save(out)
    old, new = both("a.xlsx", out.getvalue())
    assert new == old and len(new[2]) == 4


def test_random_cells_give_what_the_row_reading_gave() -> None:
    times = [
        "2026-11-01 00:15",
        "2026-11-01 00:30:00",
        "2026/11/01 00:45",
        "2026/11/1 1:00",
        "2026-11-01 01:07",
        "2026-11-01 24:00",
        "2026-11-31 00:00",
        " 2026-11-01 01:15",
        "20261101 01:30:00",
        "202611010145",
        "2026-11-01T02:00:00",
        "",
        "x",
        "2026-11-01 02:15:00.5",
    ]
    values = ["1", "2.5", "-1", "1,000", " 3 ", "1e2", "nan", "", "a", "7.", ".25", "1e400", "0"]
    chance = random.Random(16)
    for _round in range(20):
        lines = [
            f"{chance.choice('ABC')},{chance.choice(times)},{chance.choice(values)},{chance.choice(values)}"
            for _line in range(60)
        ]
        old, new = both("a.csv", csv_of(lines))
        assert new == old, lines


def test_a_large_file_with_faults_gives_what_the_row_reading_gave() -> None:
    """Over a thousand rows: the times are read once per distinct text."""
    chance = random.Random(3)
    lines = []
    for a in range(20):
        for m in range(0, 1440, 15):
            when = f"2026-11-01 {m // 60:02d}:{m % 60:02d}"
            roll = chance.random()
            if roll < 0.01:
                continue  # a gap
            if roll < 0.02:
                when = f"2026/11/1 {m // 60}:{m % 60:02d}"
            elif roll < 0.025:
                when = "bad time"
            lines.append(f"户{a:02d},{when},{chance.choice(['5', '-1', '1,5', 'x']) if roll > 0.99 else m / 10},")
            if roll > 0.985:
                lines.append(lines[-1])  # twice
    old, new = both("a.csv", csv_of(lines))
    assert new == old and len(new[1]) > 1800 and len(new[2]) > 50


def test_more_problems_than_are_listed_give_the_same_first_ones() -> None:
    lines = [f"A,2026-11-{1 + m // 1440:02d} {m % 1440 // 60:02d}:{m % 60:02d},{-m}," for m in range(1, 2500)]
    lines += lines[:300]  # negative, mostly off the grid, some twice
    old, new = both("a.csv", csv_of(lines), interval=15, listed=columns.MAX_PROBLEMS)
    assert new == old and len(new[2]) == columns.MAX_PROBLEMS


# -- through the service ----------------------------------------------------------------------
@pytest.fixture
def town(town: City) -> City:
    account = town.account
    account.key_account_manager = Staff.objects.get(user=town.kam)
    account.contract_capacity_kva = Decimal(5000)
    account.save(update_fields=["key_account_manager", "contract_capacity_kva"])
    return town


def month_lines(account_no: str, days: int, kw: float) -> list[str]:
    start = datetime(2026, 11, 1)  # noqa: DTZ001 (Beijing wall time)
    return [
        f"{account_no},{start + timedelta(minutes=15 * i):%Y-%m-%d %H:%M},{kw + i % 7},{i % 5}"
        for i in range(days * 96)
    ]


@pytest.mark.django_db
def test_a_file_of_100_000_readings_is_imported_whole(town: City) -> None:
    manager = Staff.objects.get(user=town.kam)
    accounts = [town.account.account_no]
    for serial in range(20, 55):  # 35 key accounts × 2,880 readings, cut at 100,000
        account = make_account(serial, town.unit, town.hall, f"大客户{serial}")
        account.key_account_manager = manager
        account.save(update_fields=["key_account_manager"])
        accounts.append(account.account_no)
    lines = [line for i, no in enumerate(accounts) for line in month_lines(no, 30, 10.0 * i)][:100_000]
    done = load_import(scope=scope_for(town.kam), actor=town.kam, file_name="11月.csv", data=csv_of(lines))
    assert (done.status, done.rows, done.accounts, done.months) == ("imported", 100_000, 35, ["2026-11"])
    assert list(done.problems.all()) == []
    t0 = datetime(2026, 10, 31, 16, tzinfo=UTC)
    first = load_store().read(account_no=accounts[1], start=t0, end=t0 + timedelta(days=31))
    assert first.kw.size == 2_880 and first.kw[:8].tolist() == [10, 11, 12, 13, 14, 15, 16, 10]
    assert first.kvar[:6].tolist() == [0, 1, 2, 3, 4, 0] and first.interval_minutes == 15
    last = load_store().read(account_no=accounts[34], start=t0, end=t0 + timedelta(days=31))
    assert last.kw.size == 100_000 - 34 * 2_880 and last.kw[0] == 340.0
    figures = load_store().monthly(months=["2026-11"])
    assert sum(f.readings for f in figures) == 100_000 and len(figures) == 35


@pytest.mark.django_db
def test_a_large_refused_file_changes_nothing(town: City) -> None:
    no = town.account.account_no
    load_import(scope=scope_for(town.kam), actor=town.kam, file_name="a.csv", data=csv_of(month_lines(no, 2, 5.0)))
    before = sorted((p, p.read_bytes()) for p in load_store().root.rglob("*.parquet"))
    lines = month_lines(no, 30, 100.0)
    lines[-1] = f"{no},2026-11-30 23:45,-1,0"
    refused = load_import(scope=scope_for(town.kam), actor=town.kam, file_name="b.csv", data=csv_of(lines))
    assert refused.status == "refused" and refused.rows == 2_880
    assert [(p.row, p.kind) for p in refused.problems.all()] == [(2_881, "negative")]
    assert sorted((p, p.read_bytes()) for p in load_store().root.rglob("*.parquet")) == before
    assert LoadImport.objects.filter(status="imported").count() == 1 and LoadProblem.objects.count() == 1
