"""Hall queue through the HTTP API (issue 3): tickets issued and calls per second, and latency.

A real server (gunicorn: 4 worker processes of one thread each, i.e. two per core, DEBUG off) on a
throwaway database with 200 halls of 4 counters each; the clients are threads with their own HTTP connections and a bearer token, as a
kiosk or the app would call. Every client runs the counter's cycle: issue a ticket, call next at
its counter, finish the ticket (three requests).

  1. one hall: every client on hall 1, each at its own counter;
  2. 200 halls: each client works its own share of the halls, a random one per cycle.

For each: closed loop (as fast as the clients can go, the throughput) and paced at 200 requests/s
in total (the latency at the target load), p50/p99 per request kind. Baseline in the same run:
GET /api/v1/me, the cheapest authenticated request, paced the same.

    .venv/bin/python benchmarks/hall_queue.py [--database-url URL] [--clients 4] [--seconds 10]
        [--workers 4] [--threads 1]

Threads inside one worker share its interpreter lock: a thread holding SQLite's write lock can
wait for another thread's Python work, and the waiting writers sleep in SQLite's busy handler.
One thread per worker process (two workers per core) gave the shortest tails (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from _setup import ROOT, django_up, machine

if TYPE_CHECKING:
    # What the test client returns (django-stubs' name: a response with .json(); it exists in the stubs only).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

HALLS = 200
COUNTERS = 4
PASSWORD = "bench-password-1"  # noqa: S105 - throwaway benchmark database
KINDS = ["payment", "new_connection", "account_change", "consultation", "invoice", "meter_test", "complaint"]


def seed() -> tuple[str, list[tuple[str, list[int]]]]:
    """200 halls, every counter open for every type, 10 tickets waiting per hall; an admin token."""
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from gridcare.core.tokens import token_issue
    from gridcare.halls.models import CounterStatus, Kind
    from gridcare.halls.services.setup import counter_configure, hall_setup_defaults
    from gridcare.halls.services.tickets import ticket_issue
    from gridcare.org.access import scope_for
    from gridcare.org.models import Company, Counter, Hall, Role, Staff, SupplyUnit

    company = Company.objects.create(code="BENCH", name="基准供电公司")
    unit = SupplyUnit.objects.create(company=company, code="B1", name="基准供电所")
    user = get_user_model().objects.create_user(username="bench", password=PASSWORD)
    Staff.objects.create(user=user, employee_no="B0001", name="基准", role=Role.ADMINISTRATOR, company=company)
    scope = scope_for(user)
    halls = []
    for h in range(1, HALLS + 1):
        hall = Hall.objects.create(unit=unit, code=f"B{h:03d}", name=f"基准营业厅{h}")
        hall_setup_defaults(hall=hall)
        counters = []
        for n in range(1, COUNTERS + 1):
            counter = Counter.objects.create(hall=hall, number=n)
            counter_configure(counter=counter, kinds=[str(k) for k in Kind], status=CounterStatus.OPEN)
            counters.append(counter.pk)
        for i in range(10):
            ticket_issue(scope=scope, actor=user, hall=hall, kind=KINDS[i % len(KINDS)], source="guide")
        halls.append((hall.code, counters))
    return token_issue(request=RequestFactory().post("/api/v1/auth/token"), username="bench", password=PASSWORD), halls


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(database_url: str, port: int, *, workers: int = 4, threads: int = 1) -> subprocess.Popen[bytes]:
    env = dict(os.environ, DATABASE_URL=database_url, DEBUG="false", LOG_LEVEL="ERROR")
    # gunicorn as deployed: worker processes of one thread each (see the module docstring).
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            f"--workers={workers}",
            "--worker-class=gthread",
            f"--threads={threads}",
            "--preload",
            f"--bind=127.0.0.1:{port}",
            "--graceful-timeout=5",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[status] += 1


class Api:
    def __init__(self, port: int, token: str, tally: Tally) -> None:
        self.port, self.tally = port, tally
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        self.connection: http.client.HTTPConnection | None = None

    def request(self, kind: str, method: str, path: str, body: dict[str, object] | None = None) -> tuple[int, bytes]:
        """One request on this client's keep-alive connection (reopened if the server closed it)."""
        started = time.perf_counter()
        payload = json.dumps(body) if body is not None else None
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request(method, path, body=payload, headers=self.headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        self.tally.add(kind, time.perf_counter() - started, response.status)
        return response.status, data


def cycle(api: Api, hall: str, counter: int) -> int:
    api.request("issue", "POST", f"/api/v1/halls/{hall}/tickets", {"business_type": random.choice(KINDS)})
    status, data = api.request("call-next", "POST", f"/api/v1/counters/{counter}/call-next")
    if status == 200:
        ticket = json.loads(data)["ticket"]["id"]
        api.request("finish", "POST", f"/api/v1/tickets/{ticket}/finish", {"outcome": "基准"})
    return 3 if status == 200 else 2


def run(
    port: int,
    token: str,
    halls: list[tuple[str, list[int]]],
    *,
    one_hall: bool,
    clients: int,
    seconds: float,
    rate: float | None,
    baseline: bool = False,
    fresh: bool = False,
) -> tuple[Tally, float, int]:
    """``fresh``: a new connection for every request (the warm-up, so that every worker process
    accepts some and pays its first-request costs before the measured runs)."""
    tally = Tally()
    stop = time.perf_counter() + seconds
    per_client = rate / clients if rate else None
    done = [0] * clients

    def work(i: int) -> None:
        api = Api(port, token, tally)
        mine = halls[:1] if one_hall else halls[i::clients]
        next_at = time.perf_counter()
        while time.perf_counter() < stop:
            if baseline:
                api.request("GET /me", "GET", "/api/v1/me")
                sent = 1
                if fresh and api.connection is not None:
                    api.connection.close()
                    api.connection = None
            else:
                hall, counters = random.choice(mine)
                sent = cycle(api, hall, counters[i % COUNTERS] if one_hall else counters[0])
            done[i] += sent
            if per_client:
                next_at += sent / per_client
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


def cpu_cost(token: str, halls: list[tuple[str, list[int]]], cycles: int = 300) -> dict[str, float]:
    """CPU milliseconds per request inside this process (Django test client, same database): a
    figure that other programs on the machine cannot inflate, unlike wall-clock latency. On
    PostgreSQL the database server's own CPU is not included."""
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {token}"})
    spent: dict[str, list[float]] = defaultdict(list)

    def timed(kind: str, method: str, path: str, body: str | None = None) -> TestResponse:
        started = time.process_time()
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, body or "", content_type="application/json")
        spent[kind].append(time.process_time() - started)
        return response

    for i in range(-20, cycles):  # the first 20 cycles warm up (imports, URL resolver, schemas)
        if i == 0:
            spent.clear()
        hall, counters = halls[i % len(halls)]
        timed("GET /me", "GET", "/api/v1/me")
        timed("issue", "POST", f"/api/v1/halls/{hall}/tickets", json.dumps({"business_type": KINDS[i % len(KINDS)]}))
        response = timed("call-next", "POST", f"/api/v1/counters/{counters[1]}/call-next")
        if response.status_code == 200:
            ticket = response.json()["ticket"]["id"]
            timed("finish", "POST", f"/api/v1/tickets/{ticket}/finish")
    return {kind: 1000 * sum(v) / len(v) for kind, v in spent.items()}


def pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(share * len(ordered)), len(ordered) - 1)] * 1000


def report(name: str, tally: Tally, elapsed: float, sent: int) -> list[str]:
    everything = [x for v in tally.latencies.values() for x in v]
    issued = len(tally.latencies.get("issue", []))
    calls = len(tally.latencies.get("call-next", []))
    lines = [
        f"| {name} | {sent / elapsed:.0f} | {issued / elapsed:.0f} | {calls / elapsed:.0f} | "
        f"{pct(everything, 0.5):.1f} | {pct(everything, 0.99):.1f} | {max(everything) * 1000:.0f} | "
        + ", ".join(f"{k} {pct(v, 0.5):.0f}/{pct(v, 0.99):.0f}" for k, v in sorted(tally.latencies.items()))
        + f" | {dict(sorted(tally.statuses.items()))} |"
    ]
    print(lines[0], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (2 x cores)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker")
    args = parser.parse_args()
    database_url = django_up(args.database_url)
    from django.db import connection

    started = time.perf_counter()
    token, halls = seed()
    if connection.vendor == "sqlite":
        # Fold the seeding's write-ahead log into the database now, not in the middle of a run.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    print(
        f"{connection.vendor}: {HALLS} halls seeded in {time.perf_counter() - started:.0f} s; {machine()}", flush=True
    )
    cost = cpu_cost(token, halls)
    print(
        "CPU ms per request (in process): "
        + ", ".join(f"{k} {v:.1f}" for k, v in cost.items())
        + f"; a ticket's issue + call + finish = {cost['issue'] + cost['call-next'] + cost['finish']:.1f} ms",
        flush=True,
    )
    connection.close()
    port = free_port()
    server = start_server(database_url, port, workers=args.workers, threads=args.threads)
    print(
        f"server: gunicorn, {args.workers} workers x {args.threads} threads; {args.clients} client threads", flush=True
    )
    try:
        # Warm-up, not counted: a worker's first requests load the URL configuration, the API
        # schemas and the translations. New connections spread the warm-up over every worker.
        run(port, token, halls, one_hall=True, clients=8, seconds=3, rate=None, baseline=True, fresh=True)
        run(port, token, halls, one_hall=False, clients=8, seconds=2, rate=None)
        print(f"load average before the runs: {os.getloadavg()[0]:.1f}", flush=True)
        print(
            "| run | requests/s | tickets/s | calls/s | p50 ms | p99 ms | max ms | p50/p99 ms by kind | HTTP statuses |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
        c, s = args.clients, args.seconds
        report(
            f"baseline GET /me, paced {args.rate:.0f}/s",
            *run(port, token, halls, one_hall=True, clients=c, seconds=s, rate=args.rate, baseline=True),
        )
        report(
            f"one hall, {c} clients, closed loop",
            *run(port, token, halls, one_hall=True, clients=c, seconds=s, rate=None),
        )
        report(
            f"one hall, {c} clients, paced {args.rate:.0f}/s",
            *run(port, token, halls, one_hall=True, clients=c, seconds=s, rate=args.rate),
        )
        report(
            f"{HALLS} halls, {c} clients, closed loop",
            *run(port, token, halls, one_hall=False, clients=c, seconds=s, rate=None),
        )
        report(
            f"{HALLS} halls, {c} clients, paced {args.rate:.0f}/s",
            *run(port, token, halls, one_hall=False, clients=c, seconds=s, rate=args.rate),
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)  # gunicorn lets requests in flight finish
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
