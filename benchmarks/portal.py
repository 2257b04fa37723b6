"""The customer portal under load (issue 15): the home page and the bill list at 200 requests/s
on a 1,000,000-account database, against the staff ``GET /api/v1/me`` in the same run.

A throwaway database is seeded with ``--accounts`` demo accounts (gridcare.customers.demo), two
months of readings and their bill runs (so every account has two bills), and ``--customers``
portal customers, each signed in (a portal session and an app token) with one random account
bound. A real server (gunicorn, as benchmarks/hall_queue.py: 4 worker processes of one thread)
serves the client threads over keep-alive HTTP connections:

  1. baseline: ``GET /api/v1/me`` with a staff token, paced at ``--rate`` requests/s;
  2. ``GET /portal/`` (the home page, HTML, the customer's session cookie), paced the same;
  3. ``GET /api/v1/portal/accounts/{account_no}/bills`` (the app's bill list, bearer token);
  4. the two mixed half and half, paced the same.

Each line gives the achieved rate, p50 / p99 / max latency and the statuses; the ratio is each
p99 against the baseline's. A closed-loop run of the mix gives the throughput ceiling.

    .venv/bin/python benchmarks/portal.py [--database-url URL] [--accounts 1000000]
        [--customers 2000] [--rate 200] [--seconds 15] [--clients 8]
"""

from __future__ import annotations

import argparse
import os
import random
import threading
import time
from collections.abc import Callable

from _setup import django_up, machine
from hall_queue import Api, Tally, free_port, pct, start_server


def seed(accounts: int, customers: int) -> tuple[str, list[tuple[str, str, str]]]:
    """The city, its bills, and the portal customers: (account_no, session key, token) each."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from gridcare.billing.demo import seed_readings, seed_tariffs
    from gridcare.billing.services.bill_run import bill_run_start
    from gridcare.core import timezone as tz
    from gridcare.core.tokens import token_issue
    from gridcare.customers.demo import seed_customers
    from gridcare.customers.models import Account
    from gridcare.org.demo import seed_org
    from gridcare.portal.access import USER_KEY
    from gridcare.portal.models import Binding, PortalUser
    from gridcare.portal.services.auth import token_issue as customer_token

    started = time.perf_counter()
    seed_org(password=settings.GRIDCARE_DEMO_PASSWORD)
    seed_customers(count=accounts, seed=1)
    seed_tariffs()
    seed_readings(["2026-09", "2026-10"])
    print(f"seeded {accounts:,} accounts and their readings in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    billed = sum(bill_run_start(period=p).billed for p in ("2026-09", "2026-10"))
    print(f"billed {billed:,} bills in {time.perf_counter() - started:.0f} s", flush=True)

    rng = random.Random(15)
    total = Account.objects.count()
    picks = sorted(rng.sample(range(total), customers))
    ids = list(Account.objects.order_by("pk").values_list("pk", "account_no"))
    now = tz.now()
    made: list[tuple[str, str, str]] = []
    for n, index in enumerate(picks):
        account_id, account_no = ids[index]
        user = PortalUser.objects.create(phone=f"139{n:08d}", created_at=now, last_sign_in_at=now)
        Binding.objects.create(user=user, account_id=account_id, bound_at=now, proof="name")
        session = SessionStore()
        session[USER_KEY] = user.pk
        session.set_expiry(86400)
        session.create()
        made.append((account_no, str(session.session_key), customer_token(user=user)))
    request = RequestFactory().post("/api/v1/auth/token")
    staff_token = token_issue(request=request, username="admin", password=settings.GRIDCARE_DEMO_PASSWORD)
    return staff_token, made


class Customer(Api):
    """A client for one portal customer: the app's token, or the portal session cookie."""

    def __init__(self, port: int, tally: Tally, account_no: str, session_key: str, token: str) -> None:
        super().__init__(port, token, tally)
        self.account_no = account_no
        self.page_headers = {"Cookie": f"gc_portal={session_key}"}

    def home(self) -> None:
        saved = self.headers
        self.headers = self.page_headers
        try:
            self.request("GET /portal/", "GET", "/portal/")
        finally:
            self.headers = saved

    def bills(self) -> None:
        self.request("GET bills", "GET", f"/api/v1/portal/accounts/{self.account_no}/bills")


def run(
    port: int,
    make: Callable[[int, Tally], Callable[[], None]],
    *,
    clients: int,
    seconds: float,
    rate: float | None,
) -> tuple[Tally, float, int]:
    """``clients`` threads each calling the step ``make`` gives it, paced to ``rate`` in total."""
    tally = Tally()
    stop = time.perf_counter() + seconds
    per_client = rate / clients if rate else None
    done = [0] * clients

    def work(i: int) -> None:
        step = make(i, tally)
        next_at = time.perf_counter()
        while time.perf_counter() < stop:
            step()
            done[i] += 1
            if per_client:
                next_at += 1 / per_client
                pause = next_at - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started, sum(done)


def line(name: str, tally: Tally, elapsed: float, sent: int, baseline_p99: float | None) -> float:
    everything = [x for v in tally.latencies.values() for x in v]
    p99 = pct(everything, 0.99)
    ratio = f"{p99 / baseline_p99:.1f}x" if baseline_p99 else "1.0x"
    kinds = ", ".join(f"{k} {pct(v, 0.5):.1f}/{pct(v, 0.99):.1f}" for k, v in sorted(tally.latencies.items()))
    print(
        f"| {name} | {sent / elapsed:.0f} | {pct(everything, 0.5):.1f} | {p99:.1f} | {max(everything) * 1000:.0f} | "
        f"{ratio} | {kinds} | {dict(sorted(tally.statuses.items()))} | load {os.getloadavg()[0]:.1f} |",
        flush=True,
    )
    return p99


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    database_url = django_up(args.database_url or os.environ.get("DATABASE_URL"))
    from django.db import connection

    print(f"{connection.vendor}; {machine()}; load {os.getloadavg()[0]:.1f}", flush=True)
    staff_token, customers = seed(args.accounts, args.customers)
    connection.close()
    port = free_port()
    server = start_server(database_url, port, workers=args.workers)
    try:

        def staff(i: int, tally: Tally) -> Callable[[], None]:
            api = Api(port, staff_token, tally)

            def step() -> None:
                api.request("GET /me", "GET", "/api/v1/me")

            return step

        def pages(i: int, tally: Tally) -> Callable[[], None]:
            mine = [Customer(port, tally, *c) for c in customers[i :: args.clients]]
            return lambda: random.choice(mine).home()

        def bills(i: int, tally: Tally) -> Callable[[], None]:
            mine = [Customer(port, tally, *c) for c in customers[i :: args.clients]]
            return lambda: random.choice(mine).bills()

        def mixed(i: int, tally: Tally) -> Callable[[], None]:
            mine = [Customer(port, tally, *c) for c in customers[i :: args.clients]]

            def step() -> None:
                who = random.choice(mine)
                (who.home if random.random() < 0.5 else who.bills)()

            return step

        # Warm up every worker (first requests load the URL resolver, templates, schemas).
        run(port, mixed, clients=args.clients, seconds=3, rate=None)
        run(port, staff, clients=args.clients, seconds=2, rate=None)
        print(
            f"server: gunicorn, {args.workers} workers x 1 thread; {args.clients} client threads; "
            f"{len(customers):,} portal customers; paced at {args.rate:.0f} requests/s for {args.seconds:.0f} s"
        )
        print("| run | req/s | p50 ms | p99 ms | max ms | p99 ÷ baseline | per kind p50/p99 | statuses | |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |")
        base = line(
            "GET /api/v1/me (baseline)",
            *run(port, staff, clients=args.clients, seconds=args.seconds, rate=args.rate),
            None,
        )
        line("GET /portal/ (home)", *run(port, pages, clients=args.clients, seconds=args.seconds, rate=args.rate), base)
        line("GET bills (app)", *run(port, bills, clients=args.clients, seconds=args.seconds, rate=args.rate), base)
        line(
            "home + bills, half each",
            *run(port, mixed, clients=args.clients, seconds=args.seconds, rate=args.rate),
            base,
        )
        line(
            "home + bills, closed loop", *run(port, mixed, clients=args.clients, seconds=args.seconds, rate=None), base
        )
    finally:
        server.terminate()
        server.wait(timeout=40)


if __name__ == "__main__":
    main()
