"""The load-data store: Parquet by month and unit, queried with DuckDB (KEY-3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from gridcare.keyaccounts.store import SCHEMA, ParquetLoadStore

T0 = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # 2026-11-01 00:00 in Beijing


def table(
    account_no: str, kw: list[float], *, start: datetime = T0, kvar: list[float | None] | None = None
) -> pa.Table:
    n = len(kw)
    return pa.table(
        {
            "account_no": [account_no] * n,
            "ts": [start + timedelta(minutes=15 * i) for i in range(n)],
            "kw": kw,
            "kvar": kvar or [None] * n,
            "interval_minutes": [15] * n,
        },
        schema=SCHEMA,
    )


@pytest.fixture
def store(tmp_path: Path) -> ParquetLoadStore:
    return ParquetLoadStore(tmp_path / "loads")


def test_readings_are_kept_hive_style_by_month_and_unit(store: ParquetLoadStore) -> None:
    store.write(month="2026-11", unit="U1", table=table("0000000018", [1.0, 2.0]))
    files = sorted(p.relative_to(store.root).parts[:2] for p in store.root.rglob("*.parquet"))
    assert files == [("month=2026-11", "unit=U1")]
    dataset = ds.dataset(store.root, format="parquet", partitioning="hive")
    read = dataset.to_table().to_pydict()
    assert read["account_no"] == ["0000000018"] * 2 and read["kw"] == [1.0, 2.0]
    assert read["month"] == ["2026-11"] * 2 and read["unit"] == ["U1"] * 2


def test_a_second_write_of_the_same_month_replaces_that_accounts_readings(store: ParquetLoadStore) -> None:
    store.write(month="2026-11", unit="U1", table=table("A", [1.0, 2.0, 3.0]))
    store.write(month="2026-11", unit="U1", table=table("B", [9.0]))
    store.write(month="2026-11", unit="U1", table=table("A", [5.0, 6.0]))
    store.write(month="2026-11", unit="U1", table=table("A", [5.0, 6.0]))  # the same file again
    a = store.read(account_no="A", start=T0, end=T0 + timedelta(days=1))
    assert a.kw.tolist() == [5.0, 6.0] and a.interval_minutes == 15
    assert store.read(account_no="B", start=T0, end=T0 + timedelta(days=1)).kw.tolist() == [9.0]
    assert len(list(store.root.rglob("*.parquet"))) == 1


def test_an_account_moved_to_another_unit_leaves_the_old_partition(store: ParquetLoadStore) -> None:
    store.write(month="2026-11", unit="U1", table=table("A", [1.0]))
    store.write(month="2026-11", unit="U2", table=table("A", [2.0]))
    assert store.read(account_no="A", start=T0, end=T0 + timedelta(hours=1)).kw.tolist() == [2.0]
    assert [p.parent.name for p in store.root.rglob("*.parquet")] == ["unit=U2"]


def test_reading_an_empty_store_gives_nothing(store: ParquetLoadStore) -> None:
    found = store.read(account_no="A", start=T0, end=T0 + timedelta(days=1))
    assert found.kw.size == 0 and found.interval_minutes == 0
    assert store.daily(first=date(2026, 11, 1), last=date(2026, 11, 1)) == []
    assert store.months() == []


def test_daily_and_monthly_figures_by_beijing_day(store: ParquetLoadStore) -> None:
    kw = [100.0] * 96 + [50.0] * 96  # 1 and 2 November (Beijing)
    kvar = [None] * 96 + [50.0] * 96
    store.write(month="2026-11", unit="U1", table=table("A", kw, kvar=kvar))
    days = store.daily(first=date(2026, 11, 1), last=date(2026, 11, 2))
    assert [(d.day, d.readings, d.kwh, d.max_kw) for d in days] == [
        (date(2026, 11, 1), 96, 2400.0, 100.0),
        (date(2026, 11, 2), 96, 1200.0, 50.0),
    ]
    assert days[0].kvarh is None and days[1].kvarh == 1200.0
    assert days[1].max_kva == pytest.approx(70.7107, abs=1e-4)
    assert store.daily(first=date(2026, 11, 2), last=date(2026, 11, 2), account_nos=["B"]) == []
    (month,) = store.monthly(months=["2026-11"])
    assert (month.account_no, month.month, month.readings, month.kwh, month.max_kw, month.min_kw) == (
        "A",
        "2026-11",
        192,
        3600.0,
        100.0,
        50.0,
    )
    assert store.months() == ["2026-11"]
