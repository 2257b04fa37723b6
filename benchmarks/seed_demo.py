"""Demo city build speed (issue 2): customers written per second by seed_demo's bulk path,
against the straightforward ORM ``bulk_create`` path on a sample, in the same run; and account
search latency on the resulting archive.

    .venv/bin/python benchmarks/seed_demo.py [--customers 1000000] [--sample 20000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import time

from _setup import django_up, machine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = django_up(args.database_url)

    from django.db import connection, transaction

    from gridcare.customers.demo import (
        ACCOUNT_FIELDS,
        BATCH,
        _generate_batch,
        _load_grid,
        account_values,
        seed_customers,
    )
    from gridcare.customers.models import Account, Contact, Customer, Meter
    from gridcare.customers.selectors import account_search
    from gridcare.org.access import Scope
    from gridcare.org.demo import seed_org

    seed_org(password="bench")  # noqa: S106 - a throwaway benchmark database
    started = time.perf_counter()
    created = seed_customers(count=args.customers, seed=1)
    fast = time.perf_counter() - started
    assert created == args.customers, created

    # Baseline: the same kind of records through the ORM's bulk_create (model instances).
    grid = _load_grid()
    first_batch = (args.customers + BATCH - 1) // BATCH + 1
    records = []
    batch = first_batch
    while len(records) < args.sample:
        records += _generate_batch(1, batch, grid)
        batch += 1
    records = records[: args.sample]
    started = time.perf_counter()
    with transaction.atomic():
        customers = Customer.objects.bulk_create(
            [Customer(name=r.name, id_number=r.id_number) for r in records], batch_size=2000
        )
        accounts = Account.objects.bulk_create(
            [
                Account(customer=c, **dict(zip(ACCOUNT_FIELDS, account_values(r), strict=True)))
                for r, c in zip(records, customers, strict=True)
            ],
            batch_size=2000,
        )
        Contact.objects.bulk_create(
            [
                Contact(customer=c, name=r.name, phone=r.mobile)
                for r, c in zip(records, customers, strict=True)
                if r.mobile
            ],
            batch_size=2000,
        )
        Meter.objects.bulk_create(
            [
                Meter(account=a, meter_no=f"33{r.serial:012d}", installed_on=r.opened_on)
                for r, a in zip(records, accounts, strict=True)
            ],
            batch_size=2000,
        )
    orm = time.perf_counter() - started

    fast_rate = args.customers / fast
    orm_rate = args.sample / orm
    print(f"machine: {machine()}; database: {connection.vendor} ({url.split('@')[-1]})")
    print(f"seed_demo bulk path: {args.customers:,} customers in {fast:.1f} s = {fast_rate:,.0f} customers/s")
    print(f"ORM bulk_create baseline: {args.sample:,} customers in {orm:.1f} s = {orm_rate:,.0f} customers/s")
    print(f"ratio: {fast_rate / orm_rate:.1f}x")

    scope = Scope(staff=None, company_id=None, unit_id=None, hall_id=None, everything=True)
    some = (
        Account.objects.order_by("?").values_list("account_no", "customer__name").first()
        if args.customers < 50_000
        else Account.objects.filter(pk=args.customers // 2).values_list("account_no", "customer__name").first()
    )
    assert some is not None
    phone = Contact.objects.filter(pk=args.customers // 3).values_list("phone", flat=True).first() or "13800000000"
    queries = {"account no.": some[0], "mobile": phone, "name prefix": some[1][:2], "address fragment": "解放路12号"}
    for label, q in queries.items():
        times = []
        for _ in range(7):
            t = time.perf_counter()
            list(account_search(scope=scope, q=q))
            times.append((time.perf_counter() - t) * 1000)
        print(f"search by {label} ({q!r}): median {statistics.median(times):.1f} ms over 7")


if __name__ == "__main__":
    main()
