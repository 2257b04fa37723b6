"""Builders for the improvement-action tests: roll-up rows of constructed before/after data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User

from gridcare.assessment.models import ImprovementAction, OrderDay, RolledDay, ServiceDay
from gridcare.assessment.rules.figures import MICROS_PER_MINUTE, times_pack
from gridcare.assessment.services.actions import NewAction, action_create
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import scope_for

START = date(2026, 10, 1)
DUE = date(2026, 10, 31)
BEFORE = (date(2026, 9, 1), date(2026, 9, 30))  # the 30 days before START
AFTER = (date(2026, 11, 1), date(2026, 11, 30))  # the 30 days after DUE
# Well after the after-window, everything rolled up.
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def service_days(
    town: City,
    span: tuple[date, date],
    *,
    evaluated: int = 0,
    satisfied: int = 0,
    waits: Sequence[float] = (),
    tickets: int | None = None,
) -> None:
    """One row a day of H1's counter 1 with the clerk: ``evaluated``/``satisfied`` evaluations
    and ``waits`` (minutes) each day."""
    clerk = town.clerk.staff
    for day in days(*span):
        ServiceDay.objects.create(
            day=day,
            company=town.company,
            unit=town.unit,
            hall=town.hall,
            counter=town.counters[0],
            staff=clerk,
            tickets=len(waits) if tickets is None else tickets,
            served=len(waits),
            evaluated=evaluated,
            satisfied=satisfied,
            waits=times_pack(round(w * MICROS_PER_MINUTE) for w in waits),
            handles=b"",
        )


def order_days(town: City, span: tuple[date, date], per_day: Sequence[int]) -> None:
    """Complaints found true against the clerk in H1: ``per_day[i % len]`` on the i-th day."""
    for i, day in enumerate(days(*span)):
        verified = per_day[i % len(per_day)]
        if verified:
            OrderDay.objects.create(
                day=day, company=town.company, unit=town.unit, hall=town.hall, staff=town.clerk.staff, verified=verified
            )


def rolled(through: date) -> None:
    RolledDay.objects.create(day=through, rolled_at=datetime.combine(through, datetime.min.time(), tzinfo=SHANGHAI))


def new_action(
    town: City,
    *,
    figure: str = "satisfaction_rate",
    level: str = "hall",
    subject: str = "H1",
    expected: str = "5",
    **more: Any,
) -> NewAction:
    fields: dict[str, Any] = {
        "title": "窗口服务规范培训",
        "owner": town.manager.staff.employee_no,
        "level": level,
        "subject": subject,
        "figure": figure,
        "expected_change": expected,
        "started_on": START,
        "due_on": DUE,
        "description": "每周一次服务礼仪培训",
        "window_days": 30,
    }
    fields.update(more)
    return NewAction(**fields)


def create(town: City, *, by: User | None = None, **fields: Any) -> ImprovementAction:
    user = by or town.manager
    return action_create(scope=scope_for(user), actor=user, data=new_action(town, **fields))
