"""Builders for the star tests: roll-up rows written directly (so every figure is known), the
days marked rolled up, and standard sets."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User

from gridcare.assessment.models import OrderDay, RolledDay, ServiceDay, Standard, StandardSet
from gridcare.assessment.rules.figures import MICROS_PER_MINUTE, times_pack
from gridcare.core import timezone as tz
from gridcare.core.testing import City
from gridcare.org.models import Staff

NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)


def staff_of(user: User) -> Staff:
    return Staff.objects.get(user=user)


def service(
    town: City, day: date, *, user: User | None, counter: int = 0, waits: list[float], rated: tuple[int, int]
) -> None:
    """One ServiceDay of H1: ``waits`` in minutes (every ticket called and served, 5 minutes'
    handling each), ``rated`` = (evaluated, satisfied)."""
    staff = staff_of(user) if user is not None else None
    ServiceDay.objects.create(
        day=day,
        company=town.company,
        unit=town.unit,
        hall=town.hall,
        counter=town.counters[counter],
        staff=staff,
        tickets=len(waits),
        served=len(waits),
        evaluated=rated[0],
        satisfied=rated[1],
        waits=times_pack(round(w * MICROS_PER_MINUTE) for w in waits),
        handles=times_pack(5 * MICROS_PER_MINUTE for _w in waits),
    )


def orders(
    town: City, day: date, *, user: User, received: int, verified: int = 0, callbacks: tuple[int, int] = (0, 0)
) -> None:
    staff = staff_of(user)
    OrderDay.objects.create(
        day=day,
        company=town.company,
        unit=staff.unit,
        hall=staff.hall,
        staff=staff,
        received=received,
        closed=received,
        verified=verified,
        callbacks_reached=callbacks[0],
        callbacks_satisfied=callbacks[1],
    )


def rolled(first: date, last: date) -> None:
    day = first
    while day <= last:
        RolledDay.objects.create(day=day, rolled_at=tz.now())
        day += timedelta(days=1)


def standard_set(
    post: str, valid_from: date, rules: list[tuple[str, str, str, int]], *, by: User, version: int = 1
) -> StandardSet:
    made = StandardSet.objects.create(
        post=post, version=version, valid_from=valid_from, created_by=by, created_at=tz.now()
    )
    for i, (figure, comparison, threshold, weight) in enumerate(rules, start=1):
        Standard.objects.create(
            standard_set=made,
            position=i,
            figure=figure,
            comparison=comparison,
            threshold=Decimal(threshold),
            weight=weight,
        )
    return made
