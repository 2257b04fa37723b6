"""Builders for the star tests: roll-up rows written directly (so every figure is known), the
days marked rolled up, and standard sets."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User

from gridcare.assessment.models import OrderDay, RolledDay, ServiceDay, Standard, StandardSet, StarPost
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


CLERK_RULES = [
    ("wait_mean", "at_most", "15", 20),
    ("satisfaction_rate", "at_least", "95", 30),
    ("callback_rate", "at_least", "90", 10),
    ("verified", "at_most", "0", 40),
]


def november(town: City) -> City:
    """November 2026: the clerk and the manager served at H1, the agent took orders; a set for
    clerks, agents, halls and units (none for counters). Rated, it gives the clerk 5 stars (90),
    the agent 1 (0), H1 3 (66.67) and U1 1 (0)."""
    service(town, date(2026, 11, 2), user=town.clerk, counter=0, waits=[10, 14, 13.5], rated=(26, 25))
    service(town, date(2026, 11, 3), user=town.manager, counter=1, waits=[20], rated=(2, 2))
    orders(town, date(2026, 11, 4), user=town.agent, received=10, verified=1, callbacks=(10, 8))
    standard_set(StarPost.COUNTER_CLERK, date(2026, 10, 1), CLERK_RULES, by=town.admin)
    standard_set(
        StarPost.AGENT_95598,
        date(2026, 10, 1),
        [("callback_rate", "at_least", "90", 50), ("verified", "at_most", "0", 50)],
        by=town.admin,
    )
    standard_set(
        StarPost.HALL,
        date(2026, 10, 1),
        [("wait_p90", "at_most", "10", 1), ("satisfaction_rate", "at_least", "90", 2)],
        by=town.admin,
    )
    standard_set(StarPost.UNIT, date(2026, 10, 1), [("within_target", "at_least", "80", 1)], by=town.admin)
    return town
