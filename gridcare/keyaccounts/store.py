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
- within a file, rows are sorted by account and time (a partition may hold several files; no
  account is in two of them); zstd (level 1), account_no dictionary-encoded.

Spark, Trino (Hive connector) and ClickHouse (``s3``/``file`` with ``hive_partitioning``) read the
same directory as a table partitioned by ``month`` and ``unit`` without any change.

Writing replaces: ``write`` takes the readings of some accounts for one month and removes those
accounts' earlier readings of that month (in every unit), so importing the same file twice leaves
the same data (``write_month``: several units' readings of a month at once). The files of a
partition that hold any of those accounts, and its small files, are rewritten as one: the new file
is written under a temporary name and renamed into place before the old files are removed, under a
lock file per month, so a reader sees the old files or the new ones and two writers never
interleave. A large file holding none of them (its account statistics, else its account column,
say so) is left as it is, so importing a month file by file does not rewrite what came before.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
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

    def write_month(self, *, month: str, tables: Mapping[str, pa.Table]) -> int: ...

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
        return self.write_month(month=month, tables={unit: table})

    def write_month(self, *, month: str, tables: Mapping[str, pa.Table]) -> int:
        """``write`` for several units' tables of one month at once, under one lock: every
        partition of the month is looked at once, whatever the number of units."""
        tables = {unit: t.select(SCHEMA.names).cast(SCHEMA) for unit, t in tables.items()}
        if not tables:
            return 0
        accounts = pc.unique(pa.concat_arrays([pc.unique(t["account_no"]) for t in tables.values()]))
        span = (pc.min(accounts).as_py(), pc.max(accounts).as_py())
        with self._locked(month):
            month_dir = self.root / f"month={month}"
            existing = {p.name.removeprefix("unit=") for p in month_dir.glob("unit=*")} if month_dir.exists() else set()
            for unit in sorted(existing | set(tables)):
                self._rewrite(month_dir / f"unit={unit}", keep_out=accounts, span=span, add=tables.get(unit))
        return sum(int(t.num_rows) for t in tables.values())

    def _rewrite(self, unit_dir: Path, *, keep_out: pa.Array, span: tuple[Any, Any], add: pa.Table | None) -> None:
        """Write ``add`` into the partition, without ``keep_out``'s earlier readings. A file that
        holds none of those accounts (its statistics, else its account column, say so) is left as
        it is when it is large; small files are merged into the new one."""
        old = sorted(unit_dir.glob("part-*.parquet")) if unit_dir.exists() else []
        parts, replaced = [], []
        for path in old:
            if _holds_none(path, keep_out, span):
                if add is None or pq.ParquetFile(path).metadata.num_rows >= KEEP_FILE_ROWS:
                    continue  # untouched
                parts.append(pq.read_table(path, schema=SCHEMA))
            else:
                existing = pq.read_table(path, schema=SCHEMA)
                parts.append(existing.filter(pc.invert(pc.is_in(existing["account_no"], value_set=keep_out))))
            replaced.append(path)
        if add is None and not replaced:
            return  # none of these accounts here: nothing to change
        if add is not None:
            parts.append(add)
        merged = pa.concat_tables(parts) if parts else None
        unit_dir.mkdir(parents=True, exist_ok=True)
        if merged is not None and merged.num_rows:
            if not _sorted(merged):
                merged = merged.sort_by([("account_no", "ascending"), ("ts", "ascending")])
            name = f"part-{uuid.uuid4().hex}.parquet"
            temporary = unit_dir / f".{name}.tmp"
            pq.write_table(
                merged,
                temporary,
                compression="zstd",
                compression_level=1,
                use_dictionary=["account_no", "interval_minutes"],
                row_group_size=1_000_000,
            )
            os.replace(temporary, unit_dir / name)
        for path in replaced:
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


KEEP_FILE_ROWS = 500_000  # a file this large that a write does not concern stays as it is


def _holds_none(path: Path, accounts: pa.Array, span: tuple[Any, Any]) -> bool:
    """Whether the file holds none of ``accounts`` (``span``: their least and greatest)."""
    meta = pq.ParquetFile(path).metadata
    column = SCHEMA.names.index("account_no")
    ranges: list[tuple[Any, Any]] = []
    for g in range(meta.num_row_groups):
        stats = meta.row_group(g).column(column).statistics
        if stats is None or not stats.has_min_max:
            break
        ranges.append((stats.min, stats.max))
    if len(ranges) == meta.num_row_groups and all(high < span[0] or low > span[1] for low, high in ranges):
        return True
    held = pq.read_table(path, columns=["account_no"])["account_no"]
    return not pc.any(pc.is_in(held, value_set=accounts)).as_py()


def _sorted(table: pa.Table) -> bool:
    """Whether the rows are in account and time order (one pass over two columns)."""
    if table.num_rows < 2:
        return True
    account = table["account_no"].combine_chunks()
    ts = table["ts"].combine_chunks()
    a, b = account.slice(0, len(account) - 1), account.slice(1)
    later = pc.less(a, b)
    same = pc.equal(a, b)
    in_time = pc.less_equal(ts.slice(0, len(ts) - 1), ts.slice(1))
    return bool(pc.all(pc.or_(later, pc.and_(same, in_time))).as_py())


def _accounts(account_nos: Sequence[str] | None) -> list[Any]:
    chosen = None if account_nos is None else list(account_nos)
    return [chosen, chosen]


def _beijing_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC) - timedelta(hours=8)


def load_store() -> ParquetLoadStore:
    """The store of the settings (GRIDCARE_KEY_ACCOUNTS["LOAD_STORE_DIR"])."""
    return ParquetLoadStore(key_str("LOAD_STORE_DIR"))
