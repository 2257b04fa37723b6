"""Work orders (issue 6): a storm surge of fault reports through the API.

20,000 fault reports in one (simulated) hour over 500 台区 arrive at POST /api/v1/workorders with
a bearer token, through the whole stack (auth, triage, deadlines, incident merging, outbox). Each
台区 has one outage starting at a random moment of the hour; its reports follow the start with
exponential delays (mean 8 minutes), and the sizes of the 台区 are skewed (a few big estates,
many small villages). Several client threads send in arrival order, each request stamped with its
simulated arrival time (the clock is the only thing faked).

Reported: intake latency p50/p95/p99/max, sustained requests/s (the storm needs 5.6/s), and how
many incidents the reports merged into. Baseline in the same run: the same number of requests
per thread for inquiries without a place (no incident to find or lock).

    .venv/bin/python benchmarks/workorders.py [--reports 20000] [--areas 500] [--threads 4]
        [--baseline 2000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import queue
import random
import statistics
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from _setup import django_up, machine

_sim = threading.local()


def _install_clock() -> None:
    """Each thread's requests see their simulated arrival time as "now"."""
    from django.utils import timezone

    real = timezone.now

    def simulated() -> datetime:
        at: datetime | None = getattr(_sim, "at", None)
        return at if at is not None else real()

    timezone.now = simulated


def _city(areas: int) -> tuple[str, list[str]]:
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from gridcare.core.tokens import token_issue
    from gridcare.customers.models import Feeder, TransformerArea
    from gridcare.org.models import AreaType, Company, Role, Staff, SupplyUnit

    company = Company.objects.create(code="BENCH", name="基准供电公司")
    unit = SupplyUnit.objects.create(company=company, code="BU1", name="基准供电所", area_type=AreaType.URBAN)
    codes: list[str] = []
    for f in range((areas + 19) // 20):
        feeder = Feeder.objects.create(unit=unit, code=f"BF{f:03d}", name=f"10kV 基准{f}线")
        for a in range(20):
            if len(codes) < areas:
                code = f"BT{f:03d}{a:02d}"
                TransformerArea.objects.create(feeder=feeder, code=code, name=f"基准{f}线{a}号台区")
                codes.append(code)
    user = get_user_model().objects.create_user(username="bench_agent", password="bench-pass-1")  # noqa: S106
    Staff.objects.create(user=user, employee_no="B0001", name="坐席", role=Role.AGENT_95598, company=company)
    Staff.objects.create(
        user=get_user_model().objects.create_user(username="bench_sup"),
        employee_no="B0002",
        name="监察",
        role=Role.SUPERVISOR,
        company=company,
        unit=unit,
    )
    token = token_issue(
        request=RequestFactory().post("/api/v1/auth/token"),
        username="bench_agent",
        password="bench-pass-1",  # noqa: S106
    )
    return token, codes


def _storm(reports: int, areas: list[str], start: datetime, seed: int = 6) -> list[tuple[datetime, str]]:
    rng = random.Random(seed)
    weights = [1 / (i + 1) ** 0.8 for i in range(len(areas))]
    scale = reports / sum(weights)
    counts = [max(1, round(w * scale)) for w in weights]
    while sum(counts) > reports:
        counts[counts.index(max(counts))] -= 1
    while sum(counts) < reports:
        counts[0] += 1
    arrivals: list[tuple[datetime, str]] = []
    for code, n in zip(areas, counts, strict=True):
        outage = rng.uniform(0, 3000)
        for _ in range(n):
            second = min(3599.0, outage + rng.expovariate(1 / 480))
            arrivals.append((start + timedelta(seconds=second), code))
    arrivals.sort()
    return arrivals


def _send(token: str, jobs: list[tuple[datetime, dict[str, Any]]], threads: int) -> tuple[list[float], float, int]:
    from django.db import connection
    from django.test import Client

    work: queue.Queue[tuple[datetime, dict[str, Any]]] = queue.Queue()
    for job in jobs:
        work.put(job)
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def worker() -> None:
        client = Client(headers={"Authorization": f"Bearer {token}"})
        mine: list[float] = []
        bad = 0
        while True:
            try:
                at, body = work.get_nowait()
            except queue.Empty:
                break
            _sim.at = at
            started = time.perf_counter()
            response = client.post("/api/v1/workorders", body, content_type="application/json")
            mine.append(time.perf_counter() - started)
            bad += response.status_code != 201
        connection.close()
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return latencies, time.perf_counter() - started, failures[0]


def _percentiles(latencies: list[float]) -> str:
    ordered = sorted(latencies)

    def p(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return f"p50 {p(0.50):.0f} ms, p95 {p(0.95):.0f} ms, p99 {p(0.99):.0f} ms, max {ordered[-1] * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=20_000)
    parser.add_argument("--areas", type=int, default=500)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--baseline", type=int, default=2_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = django_up(args.database_url)
    _install_clock()

    from gridcare.core.timezone import SHANGHAI
    from gridcare.workorders import triage
    from gridcare.workorders.models import Incident, WorkOrder

    triage.models()  # trained once at start-up, as a server does on its first request
    token, areas = _city(args.areas)
    start = datetime(2026, 7, 14, 15, 0, tzinfo=SHANGHAI)
    storm = _storm(args.reports, areas, start)
    jobs = [
        (
            at,
            {
                "channel": "phone_95598",
                "type": "fault",
                "text": "大风以后家里停电了",
                "transformer_area": code,
                "phone": "13800000000",
            },
        )
        for at, code in storm
    ]
    print(
        f"{machine()}, database {url.split(':', 1)[0]}; {len(jobs):,} reports over {len(areas)} 台区, {args.threads} threads"
    )
    latencies, wall, failed = _send(token, jobs, args.threads)
    incidents = Incident.objects.count()
    merged = WorkOrder.objects.filter(incident__isnull=False).count()
    lapsed = Incident.objects.filter(state=Incident.State.LAPSED).count()
    print(
        f"storm: {len(latencies):,} requests in {wall:.1f} s = {len(latencies) / wall:.1f}/s (needed 5.6/s), {failed} failed"
    )
    print(f"storm latency: {_percentiles(latencies)}")
    print(
        f"incidents: {incidents} ({lapsed} lapsed after a quiet hour) for {merged:,} merged reports; {len(set(areas))} 台区"
    )
    later = start + timedelta(hours=2)
    base_jobs = [
        (later + timedelta(seconds=i), {"channel": "phone_95598", "type": "inquiry", "text": "请问电费怎么交"})
        for i in range(args.baseline)
    ]
    base, base_wall, base_failed = _send(token, base_jobs, args.threads)
    print(
        f"baseline (inquiries, no place): {len(base):,} in {base_wall:.1f} s = {len(base) / base_wall:.1f}/s, {base_failed} failed; {_percentiles(base)}"
    )
    print(
        f"ratio p99 storm/baseline: {sorted(latencies)[int(0.99 * len(latencies))] / sorted(base)[int(0.99 * len(base))]:.2f}"
    )
    print(f"per report: {statistics.mean(latencies) * 1000:.1f} ms mean")


if __name__ == "__main__":
    main()
