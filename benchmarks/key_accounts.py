"""Key accounts' load data at scale (issue 16, KEY-3/4): the import of metering exports through
the import service, the yearly figures of every account with DuckDB against a per-account pandas
baseline, and the nightly remote check of one day.

Synthetic 15-minute data of ``--accounts`` key accounts in 10 supply units for ``--months``
months ending last month: a working-day shape (a base load, a day plateau, a noon dip, weekends
lower) scaled per account, with noise and kvar at a power factor around 0.9. A throwaway SQLite
database (``_setup.django_up``) holds the company, its units, an administrator and the accounts
(key accounts, 1,500 kVA); the store is a temporary directory.

Measured: (1) the import of the last month — ``services.loads.load_import`` of CSV files as the
metering system exports them (户号,时间,有功功率(kW),无功功率(kvar); times ``2026-11-01 00:15``,
values with 3 decimals), each file as large as LOAD_FILE_MAX_MB allows (a unit's accounts in as
few files as fit): reading, every check, the accounts' query, the Parquet writes and the import's
record, per file. The CSV text is made before each file's clock starts. The months before it are
written straight into the store (``write_month``), untimed, for the steps after; (2) the yearly
figures (``store.monthly`` over every month: energy, maximum and minimum kW, kvarh per account
and month) with DuckDB; (3) the same figures for a sample of accounts with pandas, one account at
a time (its readings read from the files with a filter, grouped by month), extrapolated to all
accounts: the ratio; (4) ``services.remote.check_day`` of the last day (the day and 8 weeks of
the same weekday); and the process's peak memory (maxrss).

    .venv/bin/python benchmarks/key_accounts.py [--accounts 10000] [--months 12] [--sample 50]
        [--import-only] [--database-url URL]
    import target: --accounts 10000 --months 1 (29 M readings); full: --months 12 (350 M readings)
    quick: --accounts 500 --months 1
"""

from __future__ import annotations

import argparse
import atexit
import io
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._setup import django_up, machine  # noqa: E402

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


def month_tables(rng: np.random.Generator, first: date, account_nos: list[str]) -> Iterator[tuple[str, Any]]:
    """The month's readings of each unit's accounts, as the store's tables (one unit at a time)."""
    import pyarrow as pa

    from gridcare.keyaccounts.store import SCHEMA

    ts, kw, kvar = month_arrays(rng, first, len(account_nos))
    steps = ts.size
    for u, rows in enumerate(np.array_split(np.arange(len(account_nos)), UNITS)):
        yield (
            f"U{u + 1:02d}",
            pa.table(
                {
                    "account_no": pa.array(np.repeat(np.array(account_nos)[rows], steps)),
                    "ts": pa.array(np.tile(ts, rows.size), type=pa.timestamp("us", tz="UTC")),
                    "kw": pa.array(kw[rows].ravel()),
                    "kvar": pa.array(kvar[rows].ravel()),
                    "interval_minutes": pa.array(np.full(rows.size * steps, 15, dtype=np.int16)),
                },
                schema=SCHEMA,
            ),
        )


def month_files(
    rng: np.random.Generator, first: date, account_nos: list[str], limit_bytes: int
) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """The month as metering exports: per unit, files of as many accounts as fit under the limit
    (each made when asked for, so only one is in memory)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    ts, kw, kvar = month_arrays(rng, first, len(account_nos))
    steps = ts.size
    local = (ts + np.timedelta64(8, "h")).astype("datetime64[m]")
    times = pa.array(np.datetime_as_string(local).astype(object)).cast(pa.string())
    times = pc.replace_substring(times, "T", " ")
    per_file = max(1, int(limit_bytes * 0.95) // (steps * 48))  # a line is about 45 bytes
    numbers = np.array(account_nos)
    for u, rows in enumerate(np.array_split(np.arange(len(account_nos)), UNITS)):
        for k in range(0, rows.size, per_file):
            chosen = rows[k : k + per_file]

            def make(chosen: np.ndarray = chosen) -> bytes:
                table = pa.table(
                    {
                        "户号": pa.array(np.repeat(numbers[chosen], steps)),
                        "时间": pa.chunked_array([times] * chosen.size),
                        "有功功率(kW)": pc.cast(pa.array(np.round(kw[chosen].ravel(), 3)), pa.string()),
                        "无功功率(kvar)": pc.cast(pa.array(np.round(kvar[chosen].ravel(), 3)), pa.string()),
                    }
                )
                out = io.BytesIO()
                pcsv.write_csv(table, out, pcsv.WriteOptions(quoting_style="none"))
                return out.getvalue()

            yield f"{first:%Y-%m}-U{u + 1:02d}-{k // per_file + 1}.csv", make


def seed(account_nos: list[str]) -> Any:
    """The company, its units, an administrator and the key accounts; the administrator."""
    from django.contrib.auth import get_user_model

    from gridcare.customers.models import Account, Customer, CustomerClass
    from gridcare.org.models import AreaType, Company, Role, Staff, SupplyUnit

    company = Company.objects.create(code="BENCH", name="基准供电公司")
    units = [
        SupplyUnit.objects.create(
            company=company, code=f"U{u + 1:02d}", name=f"基准{u + 1}所", area_type=AreaType.URBAN
        )
        for u in range(UNITS)
    ]
    user = get_user_model().objects.create_user(username="bench_admin", is_staff=True, is_superuser=True)
    Staff.objects.create(user=user, employee_no="B0001", name="管理员", role=Role.ADMINISTRATOR, company=company)
    customers = Customer.objects.bulk_create(Customer(name=f"企业{i}") for i in range(len(account_nos)))
    unit_of = np.repeat(np.arange(UNITS), [r.size for r in np.array_split(np.arange(len(account_nos)), UNITS)])
    Account.objects.bulk_create(
        (
            Account(
                account_no=no,
                customer=customer,
                customer_class=CustomerClass.LARGE_INDUSTRIAL,
                address="基准路1号",
                supply_unit=units[unit_of[i]],
                opened_on=date(2020, 1, 1),
                contract_capacity_kva=Decimal(1500),
                importance_grade="first",
            )
            for i, (no, customer) in enumerate(zip(account_nos, customers, strict=True))
        ),
        batch_size=2000,
    )
    return user


def import_month(
    store: Any, first: date, account_nos: list[str], rng: np.random.Generator, user: Any
) -> tuple[int, float, int]:
    """Readings imported, seconds inside ``load_import``, files."""
    from gridcare.keyaccounts.loads_conf import key_int
    from gridcare.keyaccounts.services.loads import MB, load_import
    from gridcare.org.access import scope_for

    scope = scope_for(user)
    total, seconds, files = 0, 0.0, 0
    for name, make in month_files(rng, first, account_nos, key_int("LOAD_FILE_MAX_MB") * MB):
        data = make()
        started = time.perf_counter()
        done = load_import(scope=scope, actor=user, file_name=name, data=data, store=store)
        seconds += time.perf_counter() - started
        if done.status != "imported":
            raise SystemExit(f"{name} refused: {list(done.problems.values_list('detail', flat=True)[:3])}")
        total, files = total + done.rows, files + 1
    return total, seconds, files


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
    parser.add_argument("--import-only", action="store_true", help="stop after the import")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    django_up(args.database_url)
    from gridcare.customers.models import Account
    from gridcare.keyaccounts.services.remote import check_day, remote_thresholds
    from gridcare.keyaccounts.store import ParquetLoadStore

    rng = np.random.default_rng(16)
    root = Path(tempfile.mkdtemp(prefix="gridcare-loads-"))
    atexit.register(shutil.rmtree, root, True)  # a year of 10,000 accounts is about 5 GB of Parquet
    store = ParquetLoadStore(root)
    account_nos = [f"{i:010d}" for i in range(args.accounts)]
    months = month_starts(args.months, datetime.now(UTC).date())
    print(f"machine: {machine()}; {args.accounts} accounts × {args.months} months of 15-minute data")
    user = seed(account_nos)
    for first in months[:-1]:  # the months before the one imported: straight into the store
        for unit, table in month_tables(rng, first, account_nos):
            store.write(month=f"{first:%Y-%m}", unit=unit, table=table)

    written, seconds, files = import_month(store, months[-1], account_nos, rng, user)
    print(
        f"import (load_import of {files} CSV files, {months[-1]:%Y-%m}): {written:,} readings in {seconds:.1f} s "
        f"({written / seconds:,.0f}/s)"
    )
    if args.import_only:
        print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
        return

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
    size = sum(p.stat().st_size for p in root.rglob("*.parquet"))
    print(f"the store on disk: {size / 2**30:.2f} GiB of Parquet")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
