"""Assessment figures at city scale (issue 14, ASSESS-2): the nightly roll-up of one day, and a
month's figures of every person, counter, hall, unit and company read from the roll-ups, against
the same figures computed from the raw tickets and work-order events in the same run.

A throwaway database is seeded like a 1,000,000-customer city: 10 supply units, 60 halls of 6
counters with one clerk each, a 95598 centre of 40 agents; ``--days`` of tickets ending
yesterday (month-edge and weekday effects, an hour profile, waiting and handling times with
microseconds; about 88 % served, 5 % no-show, 5 % left waiting, 2 % left called; 60 % of the
served evaluated) and ``--orders`` work orders owned by the agents (2 deadlines each, most met;
call-backs for 30 %; complaints found true for 0.2 %). Rows are written in bulk
(``core.bulk.insert_rows``: executemany on SQLite, COPY on PostgreSQL).

Measured: (1) ``rollup_day`` of yesterday, (2) the roll-up of the last full month, then
``figure_rows`` of that month for every level (an administrator's scope: everything), (3) the
baseline ``sums_from_raw`` for the same month and levels, with the ratio raw ÷ roll-up, and (4) the
check: for every level the figures from the roll-ups equal those from the raw rows exactly.

    .venv/bin/python benchmarks/assessment.py [--database-url URL] [--days 365]
        [--tickets 5000000] [--orders 500000] [--rollup-all] [--profile]
    quick: --days 31 --tickets 420000 --orders 42000

"CPU" is this process's CPU time (on SQLite it includes the database's work); on PostgreSQL the
CPU of the local cluster (from /proc, as benchmarks/bill_run.py) is shown beside it.
"""

from __future__ import annotations

import argparse
import calendar
import cProfile
import io
import json
import os
import pstats
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from itertools import repeat
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt
from _setup import django_up, machine
from bill_run import server_cpu

if TYPE_CHECKING:
    from django.db import models

    from gridcare.org.access import Scope

T = TypeVar("T")
Ints = npt.NDArray[np.int64]

UNITS = 10
HALLS_PER_UNIT = 6
COUNTERS = 6
AGENTS = 40
LEVELS = ("person", "counter", "hall", "unit", "company")
TARGET_MINUTES = 15
US = 1_000_000
MINUTE = 60 * US
HOUR = 60 * MINUTE
SHANGHAI_OFFSET = 8 * HOUR  # no daylight saving in China

# The business mix of a hall (percent) and the expected handling minutes of each type, as the
# hall demo (halls/demo.py MIX, halls/services/setup.py DEFAULT_TYPES).
MIX = {
    "payment": 34,
    "consultation": 18,
    "invoice": 10,
    "account_change": 11,
    "new_connection": 8,
    "meter_test": 6,
    "complaint": 4,
    "key_account": 3,
}
EDGE_PAYMENT = 1.9  # payments and invoices at a month's edges
EDGE_DAYS = 3
EDGE_FACTOR = 1.6  # arrivals on a month's first and last EDGE_DAYS days
WEEKDAY_FACTOR = (1.12, 1.0, 0.95, 0.95, 1.0, 0.75, 0.55)  # Monday's backlog; quiet weekends
# Arrivals per hour of the hall's day (08:30-17:30; 8 and 17 are half hours), percent.
HALL_HOURS = {8: 3.0, 9: 11.0, 10: 13.0, 11: 12.0, 12: 7.0, 13: 8.0, 14: 12.0, 15: 12.0, 16: 11.0, 17: 4.0}
FATES = ("finished", "no_show", "waiting", "called")
FATE_SHARE = (0.88, 0.05, 0.05, 0.02)
EVALUATED = 0.6
RATINGS = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied")
RATINGS_SHORT = (0.78, 0.17, 0.04, 0.01)  # waited within the target
RATINGS_LONG = (0.52, 0.26, 0.15, 0.07)
# 95598 orders: arrivals by hour of the day (percent, 24 hours) and the type mix.
ORDER_HOURS = (1, 0.6, 0.4, 0.4, 0.5, 1, 2, 4, 6.5, 7.5, 7.5, 7, 6, 6, 6.5, 6.5, 6, 5.5, 5.5, 5.5, 5, 4, 3, 2)
ORDER_TYPES = {
    "fault": 35,
    "service_request": 17,
    "inquiry": 24,
    "complaint": 6,
    "opinion": 5,
    "suggestion": 3,
    "praise": 3,
    "report": 1,
    "urging": 6,
}
COMPLAINT_CLASSES = ("service", "business", "outage", "supply_quality", "grid_construction")
CHANNELS = ("phone_95598", "app", "wechat", "web", "hotline_12345")
CHANNEL_SHARE = (0.62, 0.15, 0.13, 0.04, 0.06)


# -- database values ------------------------------------------------------------------------------


def stamps(micros: Ints, present: npt.NDArray[np.bool_] | None = None) -> list[str | None]:
    """Database values of UTC instants in epoch microseconds (None where not ``present``): the text
    Django's SQLite backend stores (naive UTC, space-separated), with the zone for PostgreSQL."""
    from django.db import connection

    text = np.char.replace(np.datetime_as_string(micros.astype("datetime64[us]"), unit="us"), "T", " ")
    if connection.vendor == "postgresql":
        text = np.char.add(text, "+00")
    values = text.astype(object)
    if present is not None:
        values[~present] = None
    return list(values.tolist())


def maybe(values: npt.NDArray[Any], present: npt.NDArray[np.bool_]) -> list[Any]:
    found = values.astype(object)
    found[~present] = None
    return list(found.tolist())


def _constant(field: models.Field[Any, Any]) -> Any:
    """The database value of a column left to its default."""
    from django.db import models

    value = field.get_default()
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    if isinstance(value, datetime):
        return stamps(np.array([value.timestamp() * US], dtype=np.int64))[0]
    return value


def write(model: type[models.Model], given: dict[str, Sequence[Any]], count: int) -> int:
    """Insert ``count`` rows of ``model``: the ``given`` columns (one sequence each, database
    values), every other column its default, empty text or NULL (so a column another change adds
    with a default does not break the seeding)."""
    from django.db import models

    from gridcare.core.bulk import insert_rows

    columns: list[str] = []
    values: list[Iterable[Any]] = []
    for field in model._meta.concrete_fields:
        name = field.column
        if name in given:
            assert len(given[name]) == count, name
            columns.append(name)
            values.append(given[name])
            continue
        if field.primary_key or (field.null and not field.has_default()):
            continue
        if field.has_default():
            constant = _constant(field)
        elif isinstance(field, models.CharField | models.TextField) and field.blank:
            constant = ""
        else:
            raise ValueError(f"{model.__name__}.{name} needs a value")
        columns.append(name)
        values.append(repeat(constant, count))
    unknown = set(given) - set(columns)
    assert not unknown, unknown
    return insert_rows(model, columns, zip(*values, strict=False))  # repeat() columns are endless


def move_sequence(model: type[models.Model]) -> None:
    """PostgreSQL: the id sequence past the explicit ids written."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 1)) FROM {table}",  # noqa: S608 - a model's table
            [table],
        )


# -- the organisation -----------------------------------------------------------------------------


@dataclass
class Org:
    company: int
    units: list[int]
    halls: list[int]  # hall ids
    hall_unit: dict[int, int]
    counters: dict[int, list[int]]  # hall → its counters' ids by number
    clerk_user: dict[int, int]  # counter → the user of its clerk
    clerk_staff: dict[int, list[int]]  # hall → its clerks' staff ids
    types: dict[int, list[tuple[int, str, str, int]]]  # hall → (id, kind, prefix, expected minutes)
    agents: list[int]  # staff ids
    agent_users: list[int]
    admin_user: int


def seed_org() -> Org:
    from django.contrib.auth import get_user_model

    from gridcare.halls.models import BusinessType
    from gridcare.halls.services.setup import DEFAULT_TYPES
    from gridcare.org.models import Company, Counter, Hall, Role, Staff, SupplyUnit

    user_model = get_user_model()
    company = Company.objects.create(code="CITY", name="基准市供电公司")
    units = SupplyUnit.objects.bulk_create(
        SupplyUnit(company=company, code=f"U{u:02d}", name=f"基准供电所{u:02d}") for u in range(1, UNITS + 1)
    )
    halls = Hall.objects.bulk_create(
        Hall(unit=unit, code=f"H{u * HALLS_PER_UNIT + h + 1:03d}", name=f"基准营业厅{u * HALLS_PER_UNIT + h + 1:03d}")
        for u, unit in enumerate(units)
        for h in range(HALLS_PER_UNIT)
    )
    counters = Counter.objects.bulk_create(
        Counter(hall=hall, number=n) for hall in halls for n in range(1, COUNTERS + 1)
    )
    BusinessType.objects.bulk_create(
        BusinessType(hall=hall, kind=t.kind, name=str(t.kind), prefix=t.prefix, expected_minutes=t.expected_minutes)
        for hall in halls
        for t in DEFAULT_TYPES
    )
    names = [f"c{c.hall_id:03d}.{c.number}" for c in counters]
    names += [f"agent{a:02d}" for a in range(1, AGENTS + 1)] + ["bench-admin"]
    user_model.objects.bulk_create(user_model(username=n, password="!") for n in names)  # noqa: S106 - "!" is an unusable password
    user_of = dict(user_model.objects.filter(username__in=names).values_list("username", "pk"))
    hall_by_id = {h.pk: h for h in halls}
    staff = [
        Staff(
            user_id=user_of[f"c{c.hall_id:03d}.{c.number}"],
            employee_no=f"C{c.pk:05d}",
            name=f"营业员{c.hall_id:03d}-{c.number}",
            role=Role.COUNTER_CLERK,
            company=company,
            unit_id=hall_by_id[c.hall_id].unit_id,
            hall_id=c.hall_id,
        )
        for c in counters
    ]
    staff += [
        Staff(
            user_id=user_of[f"agent{a:02d}"],
            employee_no=f"A{a:05d}",
            name=f"坐席{a:02d}",
            role=Role.AGENT_95598,
            company=company,
        )
        for a in range(1, AGENTS + 1)
    ]
    staff.append(
        Staff(
            user_id=user_of["bench-admin"],
            employee_no="ADMIN",
            name="管理员",
            role=Role.ADMINISTRATOR,
            company=company,
        )
    )
    Staff.objects.bulk_create(staff)
    staff_of = dict(Staff.objects.values_list("user_id", "pk"))
    org = Org(
        company=company.pk,
        units=[u.pk for u in units],
        halls=[h.pk for h in halls],
        hall_unit={h.pk: h.unit_id for h in halls},
        counters={h.pk: [] for h in halls},
        clerk_user={},
        clerk_staff={h.pk: [] for h in halls},
        types={h.pk: [] for h in halls},
        agents=[staff_of[user_of[f"agent{a:02d}"]] for a in range(1, AGENTS + 1)],
        agent_users=[user_of[f"agent{a:02d}"] for a in range(1, AGENTS + 1)],
        admin_user=user_of["bench-admin"],
    )
    for c in sorted(counters, key=lambda c: (c.hall_id, c.number)):
        org.counters[c.hall_id].append(c.pk)
        org.clerk_user[c.pk] = user_of[f"c{c.hall_id:03d}.{c.number}"]
        org.clerk_staff[c.hall_id].append(staff_of[org.clerk_user[c.pk]])
    for pk, hall_id, kind, prefix, minutes in BusinessType.objects.order_by("hall_id", "pk").values_list(
        "pk", "hall_id", "kind", "prefix", "expected_minutes"
    ):
        org.types[hall_id].append((pk, kind, prefix, minutes))
    return org


# -- tickets ---------------------------------------------------------------------------------------


def day_weights(days: list[date]) -> npt.NDArray[np.float64]:
    weights = []
    for day in days:
        last = calendar.monthrange(day.year, day.month)[1]
        edge = day.day <= EDGE_DAYS or day.day > last - EDGE_DAYS
        weights.append(WEEKDAY_FACTOR[day.weekday()] * (EDGE_FACTOR if edge else 1.0))
    return np.array(weights)


def spread(total: int, weights: npt.NDArray[np.float64]) -> Ints:
    """``total`` split in proportion to ``weights`` (largest remainders), summing exactly."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    counts[np.argsort(exact - counts)[::-1][: total - int(counts.sum())]] += 1
    found: Ints = counts
    return found


def local_midnight(day: date) -> int:
    """Epoch microseconds (UTC) of ``day``'s 00:00 in Shanghai."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return (midnight - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1) - SHANGHAI_OFFSET


def lognormal_us(rng: np.random.Generator, median_minutes: Any, sigma: float, size: int) -> Ints:
    minutes = rng.lognormal(np.log(median_minutes), sigma, size)
    return (minutes * MINUTE).astype(np.int64) + rng.integers(0, US, size)


def seed_tickets(org: Org, days: list[date], total: int, rng: np.random.Generator) -> tuple[int, int]:
    """The days' tickets and evaluations; returns (tickets, evaluations)."""
    from django.db import transaction

    from gridcare.halls.models import Ticket

    halls = np.array(org.halls, dtype=np.int64)
    hall_share = rng.lognormal(0, 0.35, len(halls))
    hall_share /= hall_share.sum()
    counter_of = np.array([org.counters[h] for h in org.halls], dtype=np.int64)  # [hall index, number - 1]
    clerk_of = np.vectorize(org.clerk_user.__getitem__)(counter_of)
    counter_share = np.array([0.8] + [1.0] * (COUNTERS - 1))
    counter_share /= counter_share.sum()
    kinds = list(MIX)
    by_kind = [{kind: (pk, prefix, minutes) for pk, kind, prefix, minutes in org.types[h]} for h in org.halls]
    type_id = np.array([[by_kind[i][k][0] for k in kinds] for i in range(len(halls))], dtype=np.int64)
    prefix = np.array([by_kind[0][k][1] for k in kinds])
    expected = np.array([by_kind[0][k][2] for k in kinds], dtype=np.float64)
    hours = np.array(list(HALL_HOURS))
    hour_share = np.array(list(HALL_HOURS.values()))
    hour_share /= hour_share.sum()
    tickets = evaluations = 0
    next_id = 1
    counts = spread(total, day_weights(days))
    for week in range(0, len(days), 7):
        with transaction.atomic():
            for day, n in zip(days[week : week + 7], counts[week : week + 7].tolist(), strict=True):
                made, rated = _ticket_day(
                    rng,
                    day,
                    n,
                    next_id,
                    halls=halls,
                    hall_share=hall_share,
                    counter_of=counter_of,
                    clerk_of=clerk_of,
                    counter_share=counter_share,
                    type_id=type_id,
                    prefix=prefix,
                    expected=expected,
                    hours=hours,
                    hour_share=hour_share,
                )
                next_id += made
                tickets += made
                evaluations += rated
    move_sequence(Ticket)
    return tickets, evaluations


def _ticket_day(rng: np.random.Generator, day: date, n: int, first_id: int, **k: Any) -> tuple[int, int]:
    """One day's tickets of every hall, in issue order, and their evaluations."""
    from gridcare.halls.models import Evaluation, Ticket

    halls, type_id, expected = k["halls"], k["type_id"], k["expected"]
    last = calendar.monthrange(day.year, day.month)[1]
    edge = day.day <= EDGE_DAYS or day.day > last - EDGE_DAYS
    mix = np.array([MIX[kind] * (EDGE_PAYMENT if edge and kind in ("payment", "invoice") else 1) for kind in MIX])
    hall = rng.choice(len(halls), n, p=k["hall_share"])
    kind = rng.choice(len(mix), n, p=mix / mix.sum())
    hour = rng.choice(k["hours"], n, p=k["hour_share"])
    start = np.where(hour == 8, 30, 0)
    length = np.where((hour == 8) | (hour == 17), 30, 60)
    issued = (
        local_midnight(day) + hour * HOUR + start * MINUTE + (rng.random(n) * length * MINUTE).astype(np.int64)
    ).astype(np.int64)
    order = np.argsort(issued, kind="stable")
    hall, kind, issued = hall[order], kind[order], issued[order]
    # The number: the type's prefix and its sequence in the hall that day (A001, A002, …).
    by_line = np.lexsort((issued, kind, hall))
    line = (hall * len(mix) + kind)[by_line]
    starts = np.r_[0, np.flatnonzero(np.diff(line)) + 1]
    rank = np.empty(n, dtype=np.int64)
    rank[by_line] = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n])) + 1
    numbers = np.char.add(k["prefix"][kind], np.char.zfill(rank.astype(str), 3))

    fate = rng.choice(len(FATES), n, p=FATE_SHARE)
    status = np.array(FATES)[fate]
    called = fate != 2
    finished = fate == 0
    wait = np.minimum(lognormal_us(rng, 6.0, 0.8, n), 150 * MINUTE)
    first_called = issued + wait
    recalled = (finished & (rng.random(n) < 0.03)) | (fate == 1)
    called_at = first_called + np.where(recalled, rng.integers(60 * US, 90 * US, n), 0)
    handle = lognormal_us(rng, expected[kind] * np.exp(-(0.95**2) / 2), 0.95, n)
    handle = np.clip(handle, 30 * US, (4 * expected[kind] * MINUTE).astype(np.int64))
    finished_at = np.where(finished, called_at + handle, called_at + rng.integers(60 * US, 180 * US, n))
    ended = finished | (fate == 1)
    desk = rng.choice(COUNTERS, n, p=k["counter_share"])
    counter = k["counter_of"][hall, desk]
    clerk = k["clerk_of"][hall, desk]
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    types = type_id[hall, kind]
    source = np.where(rng.random(n) < 0.75, "kiosk", np.where(rng.random(n) < 0.8, "guide", "remote"))

    write(
        Ticket,
        {
            "id": ids.tolist(),
            "hall_id": halls[hall].tolist(),
            "business_type_id": types.tolist(),
            "day": list(repeat(day.isoformat(), n)),
            "number": numbers.tolist(),
            "source": source.tolist(),
            "status": status.tolist(),
            "issued_at": stamps(issued),
            "counter_id": maybe(counter, called),
            "clerk_id": maybe(clerk, called),
            "first_called_at": stamps(first_called, called),
            "called_at": stamps(called_at, called),
            "finished_at": stamps(finished_at, ended),
            "recalls": recalled.astype(np.int64).tolist(),
        },
        n,
    )
    rated = np.flatnonzero(finished & (rng.random(n) < EVALUATED))
    long_wait = wait[rated] > TARGET_MINUTES * MINUTE
    draw = rng.random(len(rated))
    rating = np.where(
        long_wait,
        np.searchsorted(np.cumsum(RATINGS_LONG), draw, side="right"),
        np.searchsorted(np.cumsum(RATINGS_SHORT), draw, side="right"),
    ).clip(0, len(RATINGS) - 1)
    poor = rating >= 2
    reasons = np.where(poor, np.where(long_wait, '["long_wait"]', '["attitude"]'), "[]")
    write(
        Evaluation,
        {
            "ticket_id": ids[rated].tolist(),
            "rating": np.array(RATINGS)[rating].tolist(),
            "reasons": reasons.tolist(),
            "hall_id": halls[hall[rated]].tolist(),
            "counter_id": counter[rated].tolist(),
            "business_type_id": types[rated].tolist(),
            "clerk_id": clerk[rated].tolist(),
            "created_at": stamps(finished_at[rated] + rng.integers(5 * US, 45 * US, len(rated))),
        },
        len(rated),
    )
    return n, len(rated)


# -- work orders -----------------------------------------------------------------------------------


def seed_orders(org: Org, days: list[date], total: int, rng: np.random.Generator) -> dict[str, int]:
    """The days' work orders with their deadlines, call-backs and findings."""
    from django.db import transaction

    from gridcare.workorders.models import CallBack, Deadline, StaffFinding, WorkOrder

    end = local_midnight(days[-1] + timedelta(days=1))  # nothing after yesterday
    weights = np.array([(0.8 if d.weekday() >= 5 else 1.0) for d in days]) * rng.lognormal(0, 0.25, len(days))
    per_day = spread(total, weights)
    day_index = np.repeat(np.arange(len(days)), per_day)
    hour_share = np.array(ORDER_HOURS) / sum(ORDER_HOURS)
    midnights = np.array([local_midnight(d) for d in days], dtype=np.int64)
    received = midnights[day_index] + rng.choice(24, total, p=hour_share) * HOUR + rng.integers(0, HOUR, total)
    order = np.argsort(received, kind="stable")
    received, day_index = received[order], day_index[order]
    first_of_day = np.r_[0, np.cumsum(per_day)[:-1]]
    numbers = [f"GD{days[d]:%Y%m%d}{i - first_of_day[d] + 1:06d}" for i, d in enumerate(day_index.tolist())]
    type_names = np.array(list(ORDER_TYPES))
    type_share = np.array(list(ORDER_TYPES.values()), dtype=np.float64)
    kind = type_names[rng.choice(len(type_names), total, p=type_share / type_share.sum())]
    complaint = kind == "complaint"
    fault = kind == "fault"
    complaint_class = np.where(complaint, np.array(COMPLAINT_CLASSES)[rng.integers(0, 5, total)], "")
    agent = rng.integers(0, AGENTS, total)
    owner = np.array(org.agents, dtype=np.int64)[agent]
    unit_index = rng.integers(0, len(org.units), total)
    unit = np.array(org.units, dtype=np.int64)[unit_index]
    halls_of_unit = np.array([[h for h in org.halls if org.hall_unit[h] == u] for u in org.units], dtype=np.int64)
    hall_pick = rng.integers(0, halls_of_unit.shape[1], total)
    hall = halls_of_unit[unit_index, hall_pick]
    at_hall = ~fault & (rng.random(total) < 0.3)  # dispatched to a hall of the unit
    closed_at = received + np.where(fault, lognormal_us(rng, 180, 0.9, total), lognormal_us(rng, 900, 1.1, total))
    closed = (rng.random(total) < 0.97) & (closed_at < end)
    # Two deadlines each: a fault's arrival and restoration, other orders' contact and reply.
    spans = (np.where(fault, 45, 120) * MINUTE, np.where(fault, 4 * 60, 24 * 60) * MINUTE)
    deadline_kinds = (np.where(fault, "arrival", "contact"), np.where(fault, "restoration", "reply"))
    # Call-backs for 30 % of all orders (of those closed), 90 % reached, 92 % of those satisfied.
    callback = closed & (rng.random(total) < 0.30 / max(closed.mean(), 1e-9))
    callback_at = closed_at + rng.integers(1 * HOUR, 48 * HOUR, total)
    callback &= callback_at < end
    reached = rng.random(total) < 0.9
    satisfied = reached & (rng.random(total) < 0.92)
    # Complaints found true against a person: 0.2 % of all orders, among the closed complaints.
    candidates = np.flatnonzero(complaint & closed)
    found_idx = np.sort(rng.choice(candidates, min(len(candidates), round(total * 0.002)), replace=False))
    found_at = closed_at[found_idx] + rng.integers(1 * HOUR, 72 * HOUR, len(found_idx))
    keep = found_at < end
    found_idx, found_at = found_idx[keep], found_at[keep]
    verified = np.zeros(total, dtype=bool)
    verified[found_idx] = True
    clerk_pick = rng.integers(0, COUNTERS, len(found_idx))
    found_staff = np.where(
        at_hall[found_idx],
        np.array([org.clerk_staff[int(h)][c] for h, c in zip(hall[found_idx], clerk_pick, strict=True)], dtype=np.int64)
        if len(found_idx)
        else np.empty(0, dtype=np.int64),
        owner[found_idx],
    )
    status = np.where(closed, np.where(callback, "called_back", "closed"), "accepted")
    channel = np.array(CHANNELS)[rng.choice(len(CHANNELS), total, p=CHANNEL_SHARE)]
    urgency = np.where(fault & (rng.random(total) < 0.3), "high", "normal")
    ids = np.arange(1, total + 1, dtype=np.int64)
    made = {"orders": 0, "deadlines": 0, "callbacks": 0, "findings": 0}
    chunk = 50_000
    for a in range(0, total, chunk):
        s = slice(a, min(a + chunk, total))
        n = s.stop - s.start
        with transaction.atomic():
            made["orders"] += write(
                WorkOrder,
                {
                    "id": ids[s].tolist(),
                    "number": numbers[s],
                    "company_id": list(repeat(org.company, n)),
                    "channel": channel[s].tolist(),
                    "type": kind[s].tolist(),
                    "complaint_class": complaint_class[s].tolist(),
                    "urgency": urgency[s].tolist(),
                    "status": status[s].tolist(),
                    "text": list(repeat("用户来电反映（基准数据）", n)),
                    "supply_unit_id": unit[s].tolist(),
                    "hall_id": maybe(hall[s], at_hall[s]),
                    "owner_id": owner[s].tolist(),
                    "received_at": stamps(received[s]),
                    "dispatched_at": stamps(received[s] + 5 * MINUTE, fault[s] | at_hall[s]),
                    "replied_at": stamps(closed_at[s] - MINUTE, closed[s] & ~fault[s]),
                    "restored_at": stamps(closed_at[s] - MINUTE, closed[s] & fault[s]),
                    "closed_at": stamps(closed_at[s], closed[s]),
                    "verified": verified[s].tolist(),
                },
                n,
            )
            for which in (0, 1):
                span = spans[which][s]
                due = received[s] + span
                fate = rng.random(n)
                met_at = np.where(
                    fate < 0.94,
                    received[s] + (span * rng.uniform(0.1, 0.95, n)).astype(np.int64),
                    due + lognormal_us(rng, 40, 1.0, n),
                )
                met = (fate < 0.985) & (met_at < end) & (closed[s] | (which == 0))
                made["deadlines"] += write(
                    Deadline,
                    {
                        "order_id": ids[s].tolist(),
                        "kind": deadline_kinds[which][s].tolist(),
                        "due_at": stamps(due),
                        "warn_at": stamps(due - span // 5),
                        "met_at": stamps(met_at, met),
                    },
                    n,
                )
            mine = np.flatnonzero(callback[s]) + a
            made["callbacks"] += write(
                CallBack,
                {
                    "order_id": ids[mine].tolist(),
                    "reached": reached[mine].tolist(),
                    "satisfied": maybe(satisfied[mine], reached[mine]),
                    "actor_id": np.array(org.agent_users, dtype=np.int64)[agent[mine]].tolist(),
                    "created_at": stamps(callback_at[mine]),
                },
                len(mine),
            )
    with transaction.atomic():
        made["findings"] = write(
            StaffFinding,
            {
                "order_id": ids[found_idx].tolist(),
                "staff_id": found_staff.tolist(),
                "note": list(repeat("经核查投诉属实", len(found_idx))),
                "recorded_by_id": list(repeat(org.admin_user, len(found_idx))),
                "created_at": stamps(found_at),
            },
            len(found_idx),
        )
    move_sequence(WorkOrder)
    return made


# -- measuring -------------------------------------------------------------------------------------


@dataclass
class Timed:
    wall: float
    cpu: float
    server: float | None

    def text(self) -> str:
        server = f", server {self.server:.2f} s CPU" if self.server is not None else ""
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU{server}"


def timed(work: Callable[[], T]) -> tuple[T, Timed]:
    before = server_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    after = server_cpu()
    return result, Timed(wall, used, after - before if after is not None and before is not None else None)


def print_profile(work: Callable[[], object], title: str, lines: int = 25) -> None:
    """An extra run of ``work`` under cProfile (never one of the measured runs: the profiler
    slows these Python-heavy paths about twofold)."""
    profile = cProfile.Profile()
    profile.runcall(work)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(lines)
    print(f"--- profile: {title} ---\n{out.getvalue()}", flush=True)


def last_full_month(yesterday: date) -> tuple[date, date]:
    """The calendar month before yesterday's (or yesterday's, when yesterday ends it)."""
    if yesterday.day == calendar.monthrange(yesterday.year, yesterday.month)[1]:
        return yesterday.replace(day=1), yesterday
    end = yesterday.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def compare(rolled: dict[int, Any], raw: dict[int, Any]) -> int:
    """Subjects whose figures differ (or that only one side has)."""
    from gridcare.assessment.rules.figures import figures

    mismatches = len(set(rolled) ^ set(raw))
    for key in set(rolled) & set(raw):
        mine = figures(rolled[key], target_minutes=TARGET_MINUTES)
        theirs = figures(raw[key], target_minutes=TARGET_MINUTES)
        if mine != theirs:
            mismatches += 1
            if mismatches <= 3:
                print(f"  mismatch {key}: {mine} != {theirs}")
    return mismatches


def all_figures(sums: dict[int, Any]) -> list[Any]:
    from gridcare.assessment.rules.figures import figures

    return [figures(s, target_minutes=TARGET_MINUTES) for s in sums.values()]


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--tickets", type=int, default=5_000_000)
    parser.add_argument("--orders", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--rollup-all", action="store_true", help="roll every seeded day up (the roll-up tables of a whole year)"
    )
    parser.add_argument(
        "--raw-levels", default=",".join(LEVELS), help="levels of the raw baseline and check (comma-separated)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile an extra run of the one-day roll-up and of the figure reads"
    )
    args = parser.parse_args()
    django_up(args.database_url or os.environ.get("DATABASE_URL"))

    from django.contrib.auth import get_user_model
    from django.db import connection

    from gridcare.assessment.selectors import figure_rows, sums_from_raw, sums_from_rollups
    from gridcare.assessment.services.rollup import rollup_day
    from gridcare.core.timezone import business_date
    from gridcare.org.access import scope_for

    print(f"{connection.vendor}; {machine()}; {load()}", flush=True)
    yesterday = business_date() - timedelta(days=1)
    days = [yesterday - timedelta(days=n) for n in range(args.days - 1, -1, -1)]
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    org = seed_org()
    tickets, evaluations = seed_tickets(org, days, args.tickets, rng)
    orders = seed_orders(org, days, args.orders, rng)
    seeding = time.perf_counter() - started
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    analysed = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"seeded {days[0]}..{days[-1]} ({len(days)} days): {tickets:,} tickets, {evaluations:,} evaluations, "
        f"{orders['orders']:,} work orders, {orders['deadlines']:,} deadlines, {orders['callbacks']:,} call-backs, "
        f"{orders['findings']:,} findings; {UNITS} units, {len(org.halls)} halls x {COUNTERS} counters, "
        f"{AGENTS} agents in {seeding:.0f} s (ANALYZE {time.perf_counter() - analysed:.1f} s); {load()}",
        flush=True,
    )
    admin = get_user_model().objects.get(pk=org.admin_user)
    scope: Scope = scope_for(admin)
    # (1) the nightly roll-up of yesterday, then once more (the job redoes the last days)
    rolled, first = timed(lambda: rollup_day(yesterday))
    _again, second = timed(lambda: rollup_day(yesterday))
    print(
        f"rollup_day({yesterday}): {rolled.service_rows} service rows, {rolled.order_rows} order rows; "
        f"{first.text()}; again {second.text()}; {load()}",
        flush=True,
    )
    if args.profile:
        print_profile(lambda: rollup_day(yesterday), "rollup_day")

    # (2) the month's roll-ups, then its figures from them at every level
    start, end = last_full_month(yesterday)
    start = max(start, days[0])
    month = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    todo = days if args.rollup_all else month
    _done, month_time = timed(lambda: [rollup_day(d) for d in todo if d != yesterday])
    print(
        f"roll-up of {len(todo)} days ({todo[0]}..{todo[-1]}): {month_time.text()} "
        f"({month_time.wall / len(todo):.2f} s a day); {load()}",
        flush=True,
    )
    reads: dict[str, Timed] = {}
    again: dict[str, Timed] = {}
    for level in LEVELS:
        read = partial(figure_rows, scope=scope, start=start, end=end, level=level)
        rows, took = timed(read)
        _rows, warm = timed(read)
        reads[level], again[level] = took, warm
        print(f"figure_rows {level} {start}..{end}: {len(rows)} rows; {took.text()}; again {warm.wall:.2f} s")
    total = Timed(
        sum(t.wall for t in reads.values()),
        sum(t.cpu for t in reads.values()),
        None if connection.vendor != "postgresql" else sum(t.server or 0 for t in reads.values()),
    )
    print(
        f"figure_rows, all five levels: {total.text()}; again {sum(t.wall for t in again.values()):.2f} s wall; "
        f"{load()}",
        flush=True,
    )
    if args.profile:
        print_profile(
            lambda: [figure_rows(scope=scope, start=start, end=end, level=level) for level in LEVELS],
            "figure_rows, all levels",
        )

    # (3) the baseline from the raw rows, (4) the check
    mismatches = 0
    for level in [x for x in args.raw_levels.split(",") if x]:
        raw, took = timed(partial(sums_from_raw, start=start, end=end, level=level))
        _figures, computed = timed(partial(all_figures, raw))
        baseline = took.wall + computed.wall
        rolled_sums = sums_from_rollups(scope=scope, start=start, end=end, level=level)
        wrong = compare(rolled_sums, raw)
        mismatches += wrong
        print(
            f"raw {level}: {len(raw)} subjects; sums_from_raw {took.text()} + figures {computed.wall:.2f} s; "
            f"ratio raw / roll-up {baseline / reads[level].wall:.0f}x; mismatches {wrong}; {load()}",
            flush=True,
        )
    print(f"mismatches, all levels: {mismatches}")


if __name__ == "__main__":
    main()
