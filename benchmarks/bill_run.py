"""Bill run at scale (BILL-3): seed N demo accounts with two months of readings into a
throwaway database, run the batch bill run for both months, check a sample against the rules
functions, then bill a sample account by account through the ORM and print the speed ratio.

    .venv/bin/python benchmarks/bill_run.py --accounts 1000000            # SQLite (temp file)
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/bill_run.py    # PostgreSQL (empty db)
    ... --kill-test     also kills a `manage.py bill_run` mid-run and resumes it
    ... --no-read-ahead PostgreSQL: read each chunk in turn (the path before the read-ahead)
    ... --seed-only     stop after seeding; copy the result (cp, or createdb -T) for repeated runs
    ... --rebill        the re-bill figure (issue 19): bill 2026-10, correct the commonest tariff's
                        prices, re-bill a sample (--rebill-sample) account by account, then the
                        rest by the batch re-bill; prints both rates and their ratio

On PostgreSQL each run also prints the CPU time of the whole local cluster (postmaster and
every backend, from /proc), so the server's share is visible beside this process's.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gridcare.billing.models import BillRun

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database_url: str | None, *, reuse: bool = False) -> str:
    if database_url is None:
        path = Path(tempfile.gettempdir()) / "gridcare-bench-bill-run.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            if not reuse:
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        database_url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    return database_url


def seed_readings(periods: list[str], seed: int = 11) -> int:
    """Readings for every active account, by class, written with bulk inserts."""
    import numpy as np
    from django.db import connection, transaction

    from gridcare.billing.demo import READING_COLUMNS
    from gridcare.billing.models import Reading
    from gridcare.core.bulk import insert_rows

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, customer_class FROM customers_account WHERE status = 'active' ORDER BY id")
        rows = cursor.fetchall()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    cls = np.array([r[1] for r in rows], dtype=object)
    rng = np.random.default_rng(seed)
    low = {"residential": 2_000, "commercial": 10_000, "large_industrial": 5_000_000, "agricultural": 5_000}
    high = {"residential": 80_000, "commercial": 800_000, "large_industrial": 200_000_000, "agricultural": 300_000}
    written = 0
    for period in periods:
        kwh = np.zeros(len(ids), dtype=np.int64)
        for name in low:
            mask = cls == name
            kwh[mask] = rng.integers(low[name], high[name], mask.sum())
        peak = kwh * rng.integers(20, 45, len(ids)) // 100
        valley = kwh * rng.integers(15, 40, len(ids)) // 100
        flat = kwh - peak - valley
        kvarh = np.where(cls == "large_industrial", kwh * rng.integers(20, 75, len(ids)) // 100, 0)
        demand = np.where(cls == "large_industrial", rng.integers(10_000, 400_000, len(ids)), 0)
        read_on = f"{period}-28"
        columns = READING_COLUMNS
        f = lambda a: (a / 100).tolist()  # noqa: E731
        with transaction.atomic():
            written += insert_rows(
                Reading,
                columns,
                zip(
                    ids.tolist(),
                    [period] * len(ids),
                    [read_on] * len(ids),
                    f(kwh),
                    f(kwh),
                    f(peak),
                    f(flat),
                    f(valley),
                    f(kvarh),
                    f(demand),
                    ["valid"] * len(ids),
                    [None] * len(ids),
                    strict=True,
                ),
            )
    return written


def seed_prepaid(share: float = 0.03, seed: int = 5) -> int:
    from django.db import connection, transaction
    from django.utils import timezone

    from gridcare.billing.models import PrepaidBalance
    from gridcare.core.bulk import insert_rows

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM customers_account ORDER BY id")  # the same accounts on every database
        ids = [r[0] for r in cursor.fetchall() if rng.random() < share]
    now = timezone.now()
    with transaction.atomic():
        return insert_rows(
            PrepaidBalance,
            ("account_id", "balance", "updated_at"),
            ((i, rng.randrange(0, 30000) / 100, now) for i in ids),
        )


def check_sample(period: str, n: int) -> int:
    from gridcare.billing.models import Bill, Reading
    from gridcare.billing.rules.compute import bill_charges, usage_of

    ids = list(Bill.objects.filter(period=period).values_list("id", flat=True))
    sample = random.Random(3).sample(ids, min(n, len(ids)))
    mismatches = 0
    for bill in Bill.objects.filter(id__in=sample).select_related("tariff", "account"):
        r = Reading.objects.get(account_id=bill.account_id, period=period)
        expected = bill_charges(
            tariff=bill.tariff,
            usage=usage_of(r),
            prior_kwh=bill.prior_kwh,
            capacity_kva=bill.account.contract_capacity_kva,
            customer_class=bill.account.customer_class,
        ).total
        prior = sum(
            Bill.objects.filter(
                account_id=bill.account_id, period__lt=period, period__gte=period[:4] + "-01"
            ).values_list("kwh", flat=True),
            Decimal(0),
        )
        mismatches += (expected != bill.amount) or (prior != bill.prior_kwh)
    return mismatches


def orm_baseline(n: int) -> tuple[int, float]:
    """Bill ``n`` accounts for 2026-11 one at a time through the ORM."""
    from gridcare.billing.conf import billing_str
    from gridcare.billing.models import BillRun
    from gridcare.billing.rules.bill_dates import period_start
    from gridcare.billing.services.bill_single import bill_issue_one
    from gridcare.billing.services.tariffs import tariffs_in_force
    from gridcare.customers.models import Account

    period = "2026-11"
    accounts = list(Account.objects.select_related("customer").order_by("id")[:n])
    seed_readings_for([a.pk for a in accounts], period)
    run = BillRun.objects.create(period=period, scope_key="orm-baseline", total=n)
    tariffs = tariffs_in_force(province=billing_str("PROVINCE"), on=period_start(period))
    started = time.perf_counter()
    made = sum(bill_issue_one(account=a, period=period, run=run, tariffs=tariffs) is not None for a in accounts)
    return made, time.perf_counter() - started


def seed_readings_for(ids: list[int], period: str) -> None:
    from gridcare.billing.models import Reading

    previous = {r.account_id: r for r in Reading.objects.filter(account_id__in=ids, period="2026-10")}
    Reading.objects.bulk_create(
        Reading(
            account_id=i,
            period=period,
            read_on=f"{period}-28",
            register=p.register,
            kwh=p.kwh,
            kwh_peak=p.kwh_peak,
            kwh_flat=p.kwh_flat,
            kwh_valley=p.kwh_valley,
            kvarh=p.kvarh,
            max_demand_kw=p.max_demand_kw,
        )
        for i, p in previous.items()
    )


def _proc_cpu(pid: int, *, children: bool = False) -> float:
    """CPU seconds of a local process from /proc (with its reaped children's if asked)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu() -> float | None:
    """CPU seconds used so far by the whole local PostgreSQL cluster this process talks to: the
    postmaster with every backend it has reaped, plus its live children (backends, autovacuum,
    writers). None on SQLite or when the server is not on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
        total = _proc_cpu(postmaster, children=True)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(stat[1]) == postmaster:
                    total += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return total


def timed_run(period: str, *, read_ahead: bool = True) -> tuple[float, float, float | None, BillRun]:
    """Wall and CPU seconds of this process (on SQLite the database work is in-process too) and
    of the PostgreSQL cluster (None on SQLite)."""
    from gridcare.billing.services.bill_run import bill_run_start

    server = server_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    run = bill_run_start(period=period, read_ahead=read_ahead)
    elapsed, used = time.perf_counter() - started, time.process_time() - cpu
    after = server_cpu()
    return elapsed, used, (after - server if after is not None and server is not None else None), run


def _server_text(seconds: float | None) -> str:
    return f", {seconds:.1f} s CPU of the database server" if seconds is not None else ""


def kill_test(database_url: str) -> str:
    """Start `manage.py bill_run` for 2026-12, SIGKILL it after 2 s, start it again."""
    from gridcare.billing.models import Bill, BillRun

    seed_readings_for_all("2026-12")
    env = {**os.environ, "DATABASE_URL": database_url}
    cmd = [sys.executable, str(ROOT / "manage.py"), "bill_run", "--period", "2026-12", "--chunk", "20000"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    time.sleep(float(os.environ.get("KILL_AFTER", "4")))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = Bill.objects.filter(period="2026-12").count()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    after = Bill.objects.filter(period="2026-12").count()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    again = Bill.objects.filter(period="2026-12").count()
    runs = BillRun.objects.filter(period="2026-12").count()
    dupes = Bill.objects.filter(period="2026-12").values("account_id").distinct().count()
    return f"killed with {before:,} bills written; resumed to {after:,}; third start {again:,}; runs {runs}; distinct accounts {dupes:,}"


def rebill_figure(sample: int) -> None:
    """Batch re-bill against the per-account path after a tariff correction (issue 19)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count, F

    from gridcare.billing.models import Bill, BillStatus, Tariff
    from gridcare.billing.services.rebill_batch import rebill_batch_start, rebill_per_account
    from gridcare.org.access import scope_for

    elapsed, _cpu, _server, run = timed_run("2026-10")
    print(f"bill run 2026-10: {run.billed:,} bills in {elapsed:.1f} s")
    top = Bill.objects.filter(period="2026-10").values("tariff__code").annotate(n=Count("id")).order_by("-n")[0]
    code, bills = top["tariff__code"], top["n"]
    step = Decimal("0.0125")
    Tariff.objects.filter(code=code).update(price=F("price") - step)
    Tariff.objects.filter(code=code, tier2_price__isnull=False).update(
        tier2_price=F("tier2_price") - step, tier3_price=F("tier3_price") - step
    )
    Tariff.objects.filter(code=code, peak_price__isnull=False).update(
        peak_price=F("peak_price") - step, valley_price=F("valley_price") - step
    )
    admin = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.first()
    assert admin is not None
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    done = rebill_per_account(period="2026-10", tariff_code=code, actor=admin, limit=sample)
    per_elapsed, per_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"tariff {code} corrected (-{step} yuan/kWh), {bills:,} bills of 2026-10; per-account path on the "
        f"first {sample:,}: {done:,} re-billed in {per_elapsed:.1f} s wall, {per_cpu:.1f} s CPU "
        f"({per_elapsed / max(done, 1) * 1000:.2f} ms per bill, {done / per_elapsed:,.0f} bills/s), "
        f"load {load:.1f}"
    )
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    batch = rebill_batch_start(
        scope=scope_for(admin), actor=admin, period="2026-10", tariff_code=code, reason="benchmark"
    )
    batch_elapsed, batch_cpu = time.perf_counter() - started, time.process_time() - cpu
    per_rate, batch_rate = done / per_elapsed, batch.rebilled / batch_elapsed
    print(
        f"batch re-bill on {connection.vendor}: {batch.rebilled:,} re-billed, {batch.unchanged:,} unchanged "
        f"(the sample's), in {batch_elapsed:.1f} s wall, {batch_cpu:.1f} s CPU "
        f"({batch_elapsed / max(batch.rebilled, 1) * 1000:.3f} ms per bill, {batch_rate:,.0f} bills/s), "
        f"load {load:.1f} before / {os.getloadavg()[0]:.1f} after; ratio {batch_rate / per_rate:.0f}x"
    )
    left = Bill.objects.filter(period="2026-10", tariff__code=code).exclude(status=BillStatus.CANCELLED)
    print(f"bills of {code} in force after both: {left.count():,} (one per account)")


def seed_readings_for_all(period: str) -> None:
    seed_readings([period], seed=99)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--orm-sample", type=int, default=2_000)
    parser.add_argument("--kill-test", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the SQLite file of the last run (seeded city)")
    parser.add_argument(
        "--no-read-ahead", action="store_true", help="PostgreSQL: the runs read each chunk in turn (the old path)"
    )
    parser.add_argument("--rebill", action="store_true", help="the re-bill figure only (issue 19)")
    parser.add_argument("--rebill-sample", type=int, default=2_000)
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="stop after seeding (make a template: cp the SQLite file, or createdb -T on PostgreSQL)",
    )
    args = parser.parse_args()
    database_url = setup(os.environ.get("DATABASE_URL"), reuse=args.reuse)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from gridcare.billing.demo import seed_readings as seed_missing_readings
    from gridcare.billing.demo import seed_tariffs
    from gridcare.billing.models import PrepaidBalance
    from gridcare.billing.services.bill_notify import bill_notify
    from gridcare.customers.demo import seed_customers
    from gridcare.org.demo import seed_org

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    seed_org(password=settings.GRIDCARE_DEMO_PASSWORD)
    seed_customers(count=args.accounts, seed=1)
    seed_tariffs()
    print(f"seeded {args.accounts:,} accounts in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    n = seed_missing_readings(["2026-09", "2026-10"])
    prepaid = seed_prepaid() if not PrepaidBalance.objects.exists() else 0
    print(f"seeded {n:,} readings and {prepaid:,} prepaid balances in {time.perf_counter() - t:.1f} s")

    if args.seed_only:
        return
    if args.rebill:
        rebill_figure(args.rebill_sample)
        return
    for period in ("2026-09", "2026-10"):
        load = os.getloadavg()[0]
        elapsed, cpu, server, run = timed_run(period, read_ahead=not args.no_read_ahead)
        print(
            f"bill run {period} on {connection.vendor}: {run.billed:,} bills in {elapsed:.1f} s wall, "
            f"{cpu:.1f} s CPU of this process{_server_text(server)} ({run.billed / elapsed:,.0f} bills/s), "
            f"amount {run.amount} yuan, load average {load:.1f} before / {os.getloadavg()[0]:.1f} after"
        )
    started, cpu = time.perf_counter(), time.process_time()
    queued = bill_notify(period="2026-10")
    print(
        f"bill_notify 2026-10: {queued:,} outbox rows in {time.perf_counter() - started:.1f} s wall, "
        f"{time.process_time() - cpu:.1f} s CPU"
    )
    elapsed, cpu, _server, run = timed_run("2026-10")
    print(f"second run of 2026-10: {run.billed:,} new bills in {elapsed:.1f} s")
    print(
        f"sample of {args.sample:,} bills against the rules functions: {check_sample('2026-10', args.sample)} mismatches"
    )
    made, orm_elapsed = orm_baseline(args.orm_sample)
    from gridcare.billing.models import BillRun

    last = BillRun.objects.filter(period="2026-10").order_by("started_at").first()
    assert last is not None and last.finished_at is not None
    batch_rate = last.billed / (last.finished_at - last.started_at).total_seconds()
    orm_rate = made / orm_elapsed
    print(
        f"per-account ORM: {made:,} bills in {orm_elapsed:.1f} s ({orm_rate:,.0f} bills/s); "
        f"batch {batch_rate:,.0f} bills/s; ratio {batch_rate / orm_rate:.0f}x"
    )
    if args.kill_test:
        print("kill test:", kill_test(database_url))


if __name__ == "__main__":
    main()
