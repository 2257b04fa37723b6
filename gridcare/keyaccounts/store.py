"""The load-data store (KEY-3): every key account's interval readings, behind one interface.

``LoadStore`` is what the rest of the app asks; ``ParquetLoadStore`` (the default, from
``load_store()``) keeps the readings as Parquet files partitioned hive-style by month and unit and
queries them with DuckDB, embedded in the process::

    <GRIDCARE_KEY_ACCOUNTS["LOAD_STORE_DIR"]>/month=2026-11/unit=U1/part-<uuid>.parquet

- ``month`` is the Beijing month of the reading's start (YYYY-MM), ``unit`` the supply unit's code
  of the account when it was imported;
- columns: ``account_no`` (string), ``ts`` (timestamp, microseconds, UTC — the interval's start),
  ``kw`` (float64, the interval's mean active power), ``kvar`` (float64, nullable: the meter did not
  give reactive power), ``interval_minutes`` (int16: 15, 30 or 60);
- within a file, rows are sorted by account and time.

Spark, Trino (Hive connector) and ClickHouse (``s3``/``file`` with ``hive_partitioning``) read the
same directory as a table partitioned by ``month`` and ``unit`` without any change.

Writing replaces: ``write`` takes the readings of some accounts for one month and removes those
accounts' earlier readings of that month (in every unit), so importing the same file twice leaves
the same data. A partition is rewritten whole: the new file is written under a temporary name and
renamed into place before the old files are removed, under a lock file per month, so a reader sees
the old files or the new ones and two writers never interleave.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from gridcare.keyaccounts.loads_conf import key_str

SCHEMA = pa.schema(
    [
        ("account_no", pa.string()),
        ("ts", pa.timestamp("us", tz="UTC")),
        ("kw", pa.float64()),
        ("kvar", pa.float64()),
        ("interval_minutes", pa.int16()),
    ]
)


@dataclass(frozen=True)
class Readings:
    """One account's readings of a period, in time order (``ts`` as datetime64[s] UTC)."""

    ts: np.ndarray[Any, np.dtype[np.datetime64]]
    kw: np.ndarray[Any, np.dtype[np.float64]]
    kvar: np.ndarray[Any, np.dtype[np.float64]]  # NaN: not known
    interval_minutes: int  # the most common of the period (0: no readings)


@dataclass(frozen=True)
class DayFigures:
    """One account's figures of one Beijing day (the nightly check's row)."""

    account_no: str
    day: date
    readings: int
    interval_minutes: int
    kwh: float
    max_kw: float
    max_kva: float  # √(kW² + kvar²) where kvar is known, else kW
    kvarh: float | None


@dataclass(frozen=True)
class MonthFigures:
    """One account's figures of one Beijing month (the yearly figures' row)."""

    account_no: str
    month: str
    readings: int
    kwh: float
    max_kw: float
    min_kw: float
    kvarh: float | None


class LoadStore(Protocol):
    def write(self, *, month: str, unit: str, table: pa.Table) -> int: ...

    def read(self, *, account_no: str, start: datetime, end: datetime) -> Readings: ...

    def daily(self, *, first: date, last: date, account_nos: Sequence[str] | None = None) -> list[DayFigures]: ...

    def monthly(self, *, months: Sequence[str], account_nos: Sequence[str] | None = None) -> list[MonthFigures]: ...

    def months(self) -> list[str]: ...


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_between(first: date, last: date) -> list[str]:
    found, day = [], first.replace(day=1)
    while day <= last:
        found.append(month_of(day))
        day = (day + timedelta(days=32)).replace(day=1)
    return found


class ParquetLoadStore:
    """Parquet files by month and unit under ``root``, queried with DuckDB."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    # -- writing ------------------------------------------------------------------------------
    @contextmanager
    def _locked(self, month: str) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f".lock-{month}", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def write(self, *, month: str, unit: str, table: pa.Table) -> int:
        """Store ``table`` (SCHEMA's columns) as the readings of its accounts in ``month`` for
        ``unit``, replacing every earlier reading of those accounts in that month. Returns the
        number of readings written."""
        table = table.select(SCHEMA.names).cast(SCHEMA)
        accounts = pc.unique(table["account_no"])
        with self._locked(month):
            month_dir = self.root / f"month={month}"
            for unit_dir in sorted(month_dir.glob("unit=*")) if month_dir.exists() else []:
                if unit_dir.name != f"unit={unit}":
                    self._rewrite(unit_dir, keep_out=accounts, add=None)
            self._rewrite(month_dir / f"unit={unit}", keep_out=accounts, add=table)
        return int(table.num_rows)

    def _rewrite(self, unit_dir: Path, *, keep_out: pa.Array, add: pa.Table | None) -> None:
        old = sorted(unit_dir.glob("part-*.parquet")) if unit_dir.exists() else []
        parts = []
        if old:
            existing = pq.read_table(old, schema=SCHEMA)
            kept = existing.filter(pc.invert(pc.is_in(existing["account_no"], value_set=keep_out)))
            if add is None and kept.num_rows == existing.num_rows:
                return  # none of these accounts here: nothing to change
            parts.append(kept)
        if add is not None:
            parts.append(add)
        merged = pa.concat_tables(parts) if parts else None
        unit_dir.mkdir(parents=True, exist_ok=True)
        if merged is not None and merged.num_rows:
            merged = merged.sort_by([("account_no", "ascending"), ("ts", "ascending")])
            name = f"part-{uuid.uuid4().hex}.parquet"
            temporary = unit_dir / f".{name}.tmp"
            pq.write_table(merged, temporary, compression="zstd", row_group_size=1_000_000)
            os.replace(temporary, unit_dir / name)
        for path in old:
            path.unlink()

    # -- reading ------------------------------------------------------------------------------
    def _files(self, months: Sequence[str]) -> list[str]:
        found: list[str] = []
        for month in months:
            found += [str(p) for p in sorted((self.root / f"month={month}").glob("unit=*/part-*.parquet"))]
        return found

    def _query(self, sql: str, files: list[str], parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if not files:
            return []
        with duckdb.connect() as db:
            db.execute("SET TimeZone = 'UTC'")
            relation = (
                f"read_parquet({files!r}, hive_partitioning = true, hive_types = {{'month': VARCHAR, 'unit': VARCHAR}})"
            )
            return db.execute(sql.replace("{readings}", relation), list(parameters)).fetchall()

    def months(self) -> list[str]:
        return sorted(p.name.removeprefix("month=") for p in self.root.glob("month=*") if p.is_dir())

    def read(self, *, account_no: str, start: datetime, end: datetime) -> Readings:
        """The readings of ``account_no`` starting in [start, end)."""
        local_first = (start + timedelta(hours=8)).date()
        local_last = (end + timedelta(hours=8)).date()
        rows = self._query(
            "SELECT epoch(ts)::BIGINT, kw, kvar, interval_minutes FROM {readings} "
            "WHERE account_no = ? AND ts >= ? AND ts < ? ORDER BY ts",
            self._files(months_between(local_first, local_last)),
            [account_no, start, end],
        )
        if not rows:
            empty = np.array([], dtype=np.float64)
            return Readings(np.array([], dtype="datetime64[s]"), empty, empty.copy(), 0)
        stamps, kw, kvar, steps = zip(*rows, strict=True)
        values, counts = np.unique(np.array(steps), return_counts=True)
        return Readings(
            ts=np.array(stamps, dtype="datetime64[s]"),
            kw=np.array(kw, dtype=np.float64),
            kvar=np.array([np.nan if v is None else v for v in kvar], dtype=np.float64),
            interval_minutes=int(values[np.argmax(counts)]),
        )

    def daily(self, *, first: date, last: date, account_nos: Sequence[str] | None = None) -> list[DayFigures]:
        """Each account's figures of each Beijing day ``first``..``last`` that has readings."""
        rows = self._query(
            DAILY_SQL,
            self._files(months_between(first, last)),
            [_beijing_midnight(first), _beijing_midnight(last + timedelta(days=1)), *_accounts(account_nos)],
        )
        return [DayFigures(*row) for row in rows]

    def monthly(self, *, months: Sequence[str], account_nos: Sequence[str] | None = None) -> list[MonthFigures]:
        """Each account's figures of each of ``months`` that has readings (the yearly figures)."""
        rows = self._query(MONTHLY_SQL, self._files(months), _accounts(account_nos))
        return [MonthFigures(*row) for row in rows]


# The two parameters after the times: the accounts asked for, or all of them (a NULL list).
DAILY_SQL = (
    "SELECT account_no, CAST(ts + INTERVAL 8 HOUR AS DATE) AS day, count(*), max(interval_minutes),"
    " sum(kw * interval_minutes) / 60.0, max(kw), max(CASE WHEN kvar IS NULL THEN kw"
    " ELSE sqrt(kw * kw + kvar * kvar) END), sum(kvar * interval_minutes) / 60.0"
    " FROM {readings} WHERE ts >= ? AND ts < ?"
    " AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], account_no)) GROUP BY ALL ORDER BY account_no, day"
)
MONTHLY_SQL = (
    "SELECT account_no, month, count(*), sum(kw * interval_minutes) / 60.0, max(kw), min(kw),"
    " sum(kvar * interval_minutes) / 60.0 FROM {readings}"
    " WHERE (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], account_no)) GROUP BY ALL"
    " ORDER BY account_no, month"
)


def _accounts(account_nos: Sequence[str] | None) -> list[Any]:
    chosen = None if account_nos is None else list(account_nos)
    return [chosen, chosen]


def _beijing_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC) - timedelta(hours=8)


def load_store() -> ParquetLoadStore:
    """The store of the settings (GRIDCARE_KEY_ACCOUNTS["LOAD_STORE_DIR"])."""
    return ParquetLoadStore(key_str("LOAD_STORE_DIR"))
