"""The store's month writes (KEY-3): several units under one lock, large files a write does not
concern left as they are, rows in account and time order whatever order they came in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gridcare.keyaccounts import store as stores
from gridcare.keyaccounts.store import SCHEMA, ParquetLoadStore

T0 = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # 2026-11-01 00:00 in Beijing
DAY = timedelta(days=1)


def table(rows: list[tuple[str, int, float]]) -> pa.Table:
    """(account, quarter-hour, kW) rows."""
    return pa.table(
        {
            "account_no": [a for a, _q, _kw in rows],
            "ts": [T0 + timedelta(minutes=15 * q) for _a, q, _kw in rows],
            "kw": [kw for _a, _q, kw in rows],
            "kvar": [None] * len(rows),
            "interval_minutes": [15] * len(rows),
        },
        schema=SCHEMA,
    )


@pytest.fixture
def store(tmp_path: Path) -> ParquetLoadStore:
    return ParquetLoadStore(tmp_path / "loads")


def files(store: ParquetLoadStore) -> list[tuple[str, str]]:
    return sorted((p.parent.name, p.name) for p in store.root.rglob("*.parquet"))


def test_several_units_of_a_month_in_one_write(store: ParquetLoadStore) -> None:
    store.write(month="2026-11", unit="U1", table=table([("A", 0, 1.0), ("B", 0, 2.0)]))
    written = store.write_month(
        month="2026-11", tables={"U2": table([("A", 0, 5.0), ("A", 1, 6.0)]), "U3": table([("C", 0, 7.0)])}
    )
    assert written == 3
    assert [unit for unit, _name in files(store)] == ["unit=U1", "unit=U2", "unit=U3"]
    assert store.read(account_no="A", start=T0, end=T0 + DAY).kw.tolist() == [5.0, 6.0]  # moved to U2
    assert store.read(account_no="B", start=T0, end=T0 + DAY).kw.tolist() == [2.0]
    assert store.write_month(month="2026-11", tables={}) == 0


def test_a_large_file_the_write_does_not_concern_is_left_as_it_is(
    store: ParquetLoadStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stores, "KEEP_FILE_ROWS", 2)
    store.write(month="2026-11", unit="U1", table=table([("A", 0, 1.0), ("A", 1, 2.0)]))
    (first,) = files(store)
    kept = (store.root / "month=2026-11" / first[0] / first[1]).read_bytes()
    store.write(month="2026-11", unit="U1", table=table([("B", 0, 3.0)]))
    after = files(store)
    assert len(after) == 2 and first in after
    assert (store.root / "month=2026-11" / first[0] / first[1]).read_bytes() == kept
    # B's file is small: the next write merges it; A's file holds A: rewritten
    store.write(month="2026-11", unit="U1", table=table([("A", 0, 9.0), ("C", 0, 4.0)]))
    (only,) = files(store)
    assert only not in after
    found = pq.read_table(store.root / "month=2026-11" / only[0] / only[1]).to_pydict()
    assert found["account_no"] == ["A", "B", "C"] and found["kw"] == [9.0, 3.0, 4.0]


def test_rows_are_stored_in_account_and_time_order(store: ParquetLoadStore) -> None:
    store.write(month="2026-11", unit="U1", table=table([("B", 1, 4.0), ("A", 1, 2.0), ("B", 0, 3.0), ("A", 0, 1.0)]))
    store.write(month="2026-11", unit="U1", table=table([("0", 0, 0.5)]))
    (only,) = files(store)
    found = pq.read_table(store.root / "month=2026-11" / only[0] / only[1]).to_pydict()
    assert found["account_no"] == ["0", "A", "A", "B", "B"] and found["kw"] == [0.5, 1.0, 2.0, 3.0, 4.0]
    assert stores._sorted(table([("A", 0, 1.0), ("A", 1, 1.0), ("B", 0, 1.0)]))
    assert not stores._sorted(table([("A", 1, 1.0), ("A", 0, 1.0)]))
    assert not stores._sorted(table([("B", 0, 1.0), ("A", 1, 1.0)]))
