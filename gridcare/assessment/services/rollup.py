"""The nightly roll-up (ASSESS-2): one day's tickets and work-order events summed per person and
place into ServiceDay / OrderDay rows, which every figure of any period is then read from.

``rollup_day`` replaces a day's rows in one transaction, so rolling a day up again (late
evaluations and call-backs; a worker that was down) is safe and gives the same rows.
``rollup_due`` is the worker's job: every day not yet rolled up (back to a catch-up limit) up
to yesterday, and the last few days again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from gridcare.assessment.models import OrderDay, RolledDay, ServiceDay
from gridcare.assessment.selectors import order_rows, service_rows
from gridcare.core import timezone as tz
from gridcare.halls.selectors import first_ticket_day


def assessment_int(name: str) -> int:
    conf: dict[str, Any] = settings.GRIDCARE_ASSESSMENT
    return int(conf[name])


@dataclass(frozen=True)
class Rolled:
    days: list[date]
    service_rows: int
    order_rows: int


def rollup_day(day: date) -> Rolled:
    """Roll ``day`` up (again): its rows replaced in one transaction."""
    services, orders = service_rows(day), order_rows(day)
    with transaction.atomic():
        ServiceDay.objects.filter(day=day).delete()
        OrderDay.objects.filter(day=day).delete()
        ServiceDay.objects.bulk_create(services, batch_size=2000)
        OrderDay.objects.bulk_create(orders, batch_size=2000)
        RolledDay.objects.update_or_create(
            day=day,
            defaults={
                "rolled_at": tz.now(),
                "tickets": sum(r.tickets for r in services),
                "orders": sum(r.received for r in orders),
            },
        )
    return Rolled(days=[day], service_rows=len(services), order_rows=len(orders))


def days_due(*, today: date | None = None) -> list[date]:
    """The days the nightly job rolls up: every day not yet rolled up since the catch-up limit
    (or since the last day rolled up), up to yesterday, plus the last ROLLUP_REDO_DAYS again."""
    today = today or tz.business_date()
    yesterday = today - timedelta(days=1)
    earliest = today - timedelta(days=assessment_int("ROLLUP_CATCH_UP_DAYS"))
    done = set(RolledDay.objects.filter(day__gte=earliest, day__lte=yesterday).values_list("day", flat=True))
    first_done = min(done) if done else None
    start = first_done if first_done is not None else _first_day_with_data(earliest, yesterday)
    redo_from = yesterday - timedelta(days=assessment_int("ROLLUP_REDO_DAYS"))
    found = []
    day = start
    while day <= yesterday:
        if day not in done or day >= redo_from:
            found.append(day)
        day += timedelta(days=1)
    return found


def _first_day_with_data(earliest: date, yesterday: date) -> date:
    """The first day with a ticket since ``earliest`` (yesterday when there is none before it)."""
    found = first_ticket_day(since=earliest)
    return yesterday if found is None or found > yesterday else found


def rollup_due(*, today: date | None = None, stop: Any = None) -> Rolled:
    """The worker's job: roll up every day ``days_due`` names, oldest first."""
    rolled: list[date] = []
    service_count = order_count = 0
    for day in days_due(today=today):
        if stop is not None and stop():
            break
        result = rollup_day(day)
        rolled.append(day)
        service_count += result.service_rows
        order_count += result.order_rows
    return Rolled(days=rolled, service_rows=service_count, order_rows=order_count)
