"""Key accounts' load data at scale (issue 16, KEY-3/4): the import into the Parquet store, the
yearly figures of every account with DuckDB against a per-account pandas baseline, and the
nightly remote check of one day.

Synthetic 15-minute data of ``--accounts`` key accounts in 10 supply units for ``--months``
months ending last month: a working-day shape (a base load, a day plateau, a noon dip, weekends
lower) scaled per account, with noise and kvar at a power factor around 0.9. No database: the
store is a temporary directory, the accounts are unsaved rows (the check reads no tariff).

Measured: (1) the import — ``ParquetLoadStore.write`` per month and unit, the path the import
service writes through — and its readings per second; (2) the yearly figures (``store.monthly``
over every month: energy, maximum and minimum kW, kvarh per account and month) with DuckDB;
(3) the same figures for a sample of accounts with pandas, one account at a time (its readings
read from the files with a filter, grouped by month), extrapolated to all accounts: the ratio;
(4) ``services.remote.check_day`` of the last day (the day and 8 weeks of the same weekday);
and the process's peak memory (maxrss).

    .venv/bin/python benchmarks/key_accounts.py [--accounts 10000] [--months 12] [--sample 50]
    full: --accounts 10000 --months 12 (350 M readings); quick: --accounts 500 --months 1
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._setup import machine  # noqa: E402

UNITS = 10


def month_starts(months: int, today: date) -> list[date]:
    first = today.replace(day=1)
    found = []
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
        found.append(first)
    return sorted(found)


def month_arrays(rng: np.random.Generator, first: date, accounts: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Timestamps (UTC) and kW, kvar of every account for the month starting ``first``."""
    nxt = (first + timedelta(days=32)).replace(day=1)
    start = np.datetime64(datetime.combine(first, datetime.min.time()) - timedelta(hours=8), "us")
    steps = (nxt - first).days * 96
    ts = start + np.arange(steps) * np.timedelta64(15, "m")
    minute = (np.arange(steps) % 96) * 15
    weekday = (np.arange(steps) // 96 + first.weekday()) % 7
    shape = np.where((minute >= 480) & (minute < 1080), 1.0, 0.35) * np.where(weekday >= 5, 0.5, 1.0)
    shape = np.where((minute >= 720) & (minute < 780), shape * 0.7, shape)
    scale = rng.uniform(50, 2000, size=(accounts, 1))
    kw = scale * shape * rng.normal(1.0, 0.05, size=(accounts, steps))
    kvar = kw * rng.uniform(0.4, 0.55, size=(accounts, 1))
    return ts, kw, kvar


def write_months(
    store: object, months: list[date], account_nos: list[str], rng: np.random.Generator
) -> tuple[int, float]:
    import pyarrow as pa

    from gridcare.keyaccounts.store import SCHEMA

    total, started = 0, time.perf_counter()
    per_unit = np.array_split(np.arange(len(account_nos)), UNITS)
    for first in months:
        ts, kw, kvar = month_arrays(rng, first, len(account_nos))
        steps = ts.size
        for u, rows in enumerate(per_unit):
            n = rows.size * steps
            table = pa.table(
                {
                    "account_no": pa.array(np.repeat(np.array(account_nos)[rows], steps)),
                    "ts": pa.array(np.tile(ts, rows.size), type=pa.timestamp("us", tz="UTC")),
                    "kw": pa.array(kw[rows].ravel()),
                    "kvar": pa.array(kvar[rows].ravel()),
                    "interval_minutes": pa.array(np.full(n, 15, dtype=np.int16)),
                },
                schema=SCHEMA,
            )
            total += store.write(month=f"{first:%Y-%m}", unit=f"U{u + 1:02d}", table=table)  # type: ignore[attr-defined]
    return total, time.perf_counter() - started


def pandas_baseline(root: Path, sample: list[str]) -> float:
    """Seconds for the yearly figures of ``sample`` with pandas, one account at a time."""
    import pyarrow.dataset as ds

    dataset = ds.dataset(root, format="parquet", partitioning="hive")
    started = time.perf_counter()
    for no in sample:
        frame = dataset.to_table(filter=ds.field("account_no") == no).to_pandas()
        frame["kwh"] = frame["kw"] * frame["interval_minutes"] / 60
        frame["kvarh"] = frame["kvar"] * frame["interval_minutes"] / 60
        frame.groupby("month").agg(
            kwh=("kwh", "sum"), max_kw=("kw", "max"), min_kw=("kw", "min"), kvarh=("kvarh", "sum")
        )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--sample", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from gridcare.customers.models import Account
    from gridcare.keyaccounts.services.remote import check_day, remote_thresholds
    from gridcare.keyaccounts.store import ParquetLoadStore

    rng = np.random.default_rng(16)
    root = Path(tempfile.mkdtemp(prefix="gridcare-loads-"))
    store = ParquetLoadStore(root)
    account_nos = [f"{i:010d}" for i in range(args.accounts)]
    months = month_starts(args.months, datetime.now(UTC).date())
    print(f"machine: {machine()}; {args.accounts} accounts × {args.months} months of 15-minute data")

    written, seconds = write_months(store, months, account_nos, rng)
    print(f"import: {written:,} readings in {seconds:.1f} s ({written / seconds:,.0f}/s)")

    started = time.perf_counter()
    figures = store.monthly(months=[f"{m:%Y-%m}" for m in months])
    duck = time.perf_counter() - started
    print(f"yearly figures (DuckDB): {len(figures):,} account-months in {duck:.2f} s")

    sample = account_nos[:: max(1, args.accounts // args.sample)][: args.sample]
    per_account = pandas_baseline(root, sample) / len(sample)
    estimate = per_account * args.accounts
    print(
        f"baseline (pandas, per account): {per_account * 1000:.0f} ms an account, {estimate:.0f} s for all "
        f"(estimated from {len(sample)}); ratio {estimate / duck:.0f}×"
    )

    accounts = [Account(account_no=no, tariff_code="", contract_capacity_kva=Decimal(1500)) for no in account_nos]
    last = (months[-1] + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    started = time.perf_counter()
    found = check_day(day=last, accounts=accounts, store=store, t=remote_thresholds())
    print(f"nightly check of {last}: {len(found):,} findings in {time.perf_counter() - started:.2f} s")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
