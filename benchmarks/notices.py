"""Notices (issue 5): outage fan-out and sender pace.

1. Fan-out: an outage over every feeder of the demo city (1,000,000 customers by default) is
   registered; everything — outage, affected-account rows, one outbox message per phone — is
   written in one transaction. Target: within 30 s. Baseline in the same run: the bare bulk write
   (insert_rows: COPY on PostgreSQL) of as many outbox rows of the same shape (narrow rows that
   point at a shared text), with nothing read or rendered.
2. Sender: messages go through the HTTP SMS gateway to a local test gateway on 127.0.0.1 at the
   configured rate per connection (100/s by default) with several connections. Reported: overall
   messages/s, per connection, and the most messages the gateway saw in any one-second window
   (it must not exceed rate × connections). Baseline: the same gateway unthrottled.

    .venv/bin/python benchmarks/notices.py [--customers 1000000] [--messages 4000] [--rate 100]
        [--connections 4] [--database-url URL] [--keep]
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass
from datetime import timedelta

from _setup import django_up, machine


def server_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far (server on this machine), from
    /proc; None elsewhere. Unlike wall time it does not grow with the machine's load."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: PTH123, SIM115
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class FanOut:
    seconds: float
    cpu: float  # this process's CPU time (on SQLite the database's work; on PostgreSQL only the client)
    baseline: float
    accounts: int
    messages: int
    load: float
    server_cpu: float | None  # PostgreSQL backend CPU seconds, when the server runs here


def fan_out(customers: int) -> FanOut:
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection, transaction

    from gridcare.core import timezone as tz
    from gridcare.core.bulk import insert_rows
    from gridcare.customers.demo import seed_customers
    from gridcare.customers.models import Feeder
    from gridcare.notices.models import Notice, NoticeText, Outage, OutageAccount
    from gridcare.notices.services.outages import NewOutage, outage_register
    from gridcare.notices.services.outbox import COLUMNS, other_columns
    from gridcare.org.access import Scope
    from gridcare.org.demo import seed_org

    # A previous run stopped half way leaves its rows: start clean.
    Notice.objects.filter(category="outage")._raw_delete(Notice.objects.db)
    OutageAccount.objects.all()._raw_delete(OutageAccount.objects.db)
    NoticeText.objects.all()._raw_delete(NoticeText.objects.db)
    Outage.objects.all().delete()
    from gridcare.org.models import Company

    if not Company.objects.exists():  # a database kept from an earlier run is reused as it is
        seed_org(password="bench")  # noqa: S106 - throwaway benchmark database
    started = time.perf_counter()
    seed_customers(count=customers, seed=1)
    print(f"demo city of {customers:,} customers ready in {time.perf_counter() - started:.0f} s", flush=True)
    everyone = Scope(staff=None, company_id=None, unit_id=None, hall_id=None, everything=True)
    start = tz.now() + timedelta(minutes=5)
    data = NewOutage(
        kind="emergency",
        reason="基准测试",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        feeders=list(Feeder.objects.values_list("code", flat=True)),
    )
    load_before = os.getloadavg()[0]
    server_before = server_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    outage = outage_register(scope=everyone, actor=AnonymousUser(), data=data)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    server_after = server_cpu()
    server = None if server_before is None or server_after is None else server_after - server_before
    load = max(load_before, os.getloadavg()[0])
    # On SQLite the database works inside this process, so its CPU time is the work itself,
    # whatever else the machine is doing; on PostgreSQL the server's time is not in it.
    print(
        f"fan-out: {outage.affected_accounts:,} accounts, {outage.notices_queued:,} messages in {elapsed:.1f} s "
        f"(this process's CPU: {cpu:.1f} s; load average {load:.1f})"
    )

    # Baseline: only the bulk write of as many outbox rows.
    now = connection.ops.adapt_datetimefield_value(tz.now())
    text_id = Notice.objects.filter(outage=outage).values_list("text_id", flat=True).first()
    others, defaults = other_columns()
    rows = (
        ("sms", "outage", f"139{i:08d}", "", None, "planned_outage", 0, "{}", "", text_id, f"bench:{i}")
        + ("suppressed", now, None, 1, 1, None, *defaults)
        for i in range(outage.notices_queued)
    )
    started = time.perf_counter()
    with transaction.atomic():
        insert_rows(Notice, (*COLUMNS, *others), rows)
    baseline = time.perf_counter() - started
    print(f"baseline bulk write of {outage.notices_queued:,} rows: {baseline:.1f} s")
    # Leave the seeded city reusable (--keep): drop what this run wrote.
    Notice.objects.filter(category="outage")._raw_delete(Notice.objects.db)
    OutageAccount.objects.filter(outage=outage)._raw_delete(OutageAccount.objects.db)
    NoticeText.objects.all()._raw_delete(NoticeText.objects.db)
    Outage.objects.filter(pk=outage.pk).delete()
    return FanOut(elapsed, cpu, baseline, outage.affected_accounts, outage.notices_queued, load, server)


def sender(messages: int, rate: int, connections: int) -> tuple[float, int, float]:
    """(messages/s overall, busiest one-second window, seconds) through a local gateway that runs
    in its own process, as a real one would."""
    import json
    import subprocess
    import sys
    import urllib.request

    from django.conf import settings
    from django.db import transaction

    from gridcare.notices.models import Notice
    from gridcare.notices.services import notice_enqueue
    from gridcare.notices.services.gateways import gateway_for
    from gridcare.notices.services.sender import send_pending

    Notice.objects.filter(template_code="queue_near")._raw_delete(Notice.objects.db)
    with transaction.atomic():
        for i in range(messages):
            notice_enqueue(
                template_code="queue_near",
                variables={"hall": "上城中心营业厅", "number": f"A{i:04d}", "ahead": 3},
                recipient=f"138{i:08d}",
            )
    gateway = subprocess.Popen(
        [sys.executable, "-m", "gridcare.notices.testing", "bench"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert gateway.stdout is not None
        url = gateway.stdout.readline().strip()
        settings.GRIDCARE_NOTICES = {
            **settings.GRIDCARE_NOTICES,
            "SMS_GATEWAY": "http",
            "SMS_URL": url,
            "SMS_SECRET": "bench",
            "SMS_RATE": rate,
            "SMS_CONNECTIONS": connections,
            "QUIET_HOURS": "",
        }
        started = time.perf_counter()
        result = send_pending(channel="sms", gateway=gateway_for("sms"))
        elapsed = time.perf_counter() - started
        with urllib.request.urlopen(url.replace("/sms/send", "/stats")) as answer:  # noqa: S310 - 127.0.0.1
            stats = json.load(answer)
    finally:
        gateway.terminate()
        gateway.wait()
    assert result.sent == messages, result
    assert stats["accepted"] == messages and stats["duplicates"] == 0 and stats["handset_max"] == 1, stats
    # The pace the gateway saw, first message to last.
    span = (stats["last"] - stats["first"]) or elapsed
    return (messages - 1) / span, stats["busiest_second"], elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=4000)
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--database-url")
    parser.add_argument("--skip-fan-out", action="store_true")
    parser.add_argument("--skip-sender", action="store_true")
    args = parser.parse_args()
    url = django_up(args.database_url)
    from django.db import connection

    vendor = connection.vendor
    print(f"notices benchmark on {vendor} ({url.split('@')[-1]}), {machine()}")
    if not args.skip_fan_out:
        r = fan_out(args.customers)
        verdict = "within" if r.seconds <= 30 else "OVER"
        print(
            f"- {vendor}: outage over {r.accounts:,} accounts → {r.messages:,} outbox messages in {r.seconds:.1f} s "
            f"wall, {r.cpu:.1f} s process CPU"
            + (f", {r.server_cpu:.1f} s PostgreSQL backend CPU" if r.server_cpu is not None else "")
            + f" ({verdict} the 30 s target; {r.messages / r.seconds:,.0f} messages/s; "
            f"bare bulk write of as many rows {r.baseline:.1f} s, ratio {r.seconds / r.baseline:.2f}; "
            f"load average {r.load:.1f})"
        )
    if args.skip_sender:
        return
    per_s, busiest, seconds = sender(args.messages, args.rate, args.connections)
    cap = args.rate * args.connections
    free_per_s, _free_busiest, _ = sender(min(args.messages, 2000), 100_000, 1)
    print(
        f"- {vendor}: sender at {args.rate}/s × {args.connections} connections: {args.messages:,} messages in "
        f"{seconds:.1f} s = {per_s:.0f}/s ({per_s / args.connections:.1f}/s per connection); busiest second "
        f"{busiest} (cap {cap}); unthrottled single connection {free_per_s:.0f}/s"
    )
    os.environ.pop("DATABASE_URL", None)


if __name__ == "__main__":
    main()
