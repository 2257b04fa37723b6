"""Reads of the assessment app: figures of any period from the daily roll-ups (ASSESS-2), and
the same figures from the raw rows (the check, and the benchmark's baseline); people's post
states (ASSESS-3, WO-7: ``on_standby``, which the counters and the work-order intake ask) and
the rewards and penalties ledger (ASSESS-1)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from gridcare.assessment.access import figures_filter, people_filter
from gridcare.assessment.models import (
    LedgerEntry,
    LedgerEvent,
    LedgerStatus,
    OrderDay,
    PostEvent,
    PostState,
    PostStatus,
    RolledDay,
    ServiceDay,
)
from gridcare.assessment.rules.figures import Figures, Sums, figures, times_pack, times_unpack
from gridcare.core import timezone as tz
from gridcare.core.forms import Choice
from gridcare.core.money import ZERO, MoneySum
from gridcare.halls.figures import wait_target_minutes
from gridcare.halls.selectors import tickets_for_figures
from gridcare.org.access import Scope
from gridcare.org.models import Staff
from gridcare.org.selectors import names_of, staff_choices, staff_ids_by_user
from gridcare.workorders.selectors import order_facts_for_figures

LEVELS = ("person", "counter", "hall", "unit", "company")
# The roll-up column that groups each level (a counter has no work orders).
_GROUP = {"person": "staff_id", "counter": "counter_id", "hall": "hall_id", "unit": "unit_id", "company": "company_id"}
_SERVICE_COUNTS = ("tickets", "served", "no_show", "abandoned", "evaluated", "satisfied", "dissatisfied")
_ORDER_COUNTS = (
    "received",
    "complaints",
    "closed",
    "deadlines_due",
    "deadlines_met",
    "callbacks_reached",
    "callbacks_satisfied",
    "verified",
)


@dataclass(frozen=True)
class FigureRow:
    level: str
    key: int
    name: str
    figures: Figures


def _checked_level(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(level)
    return level


def sums_from_rollups(*, scope: Scope, start: date, end: date, level: str, key: int | None = None) -> dict[int, Sums]:
    """Each subject's sums of the roll-up rows of ``start``..``end`` that ``scope`` may read
    (only subject ``key``'s, when given)."""
    group = _GROUP[_checked_level(level)]
    visible = figures_filter(scope)
    if key is not None:
        visible &= Q(**{group: key})
    found: dict[int, Sums] = defaultdict(Sums)
    service = ServiceDay.objects.filter(visible, day__gte=start, day__lte=end).exclude(**{f"{group}__isnull": True})
    for row in service.values_list(group, *_SERVICE_COUNTS, "waits", "handles").iterator(chunk_size=5000):
        counts = dict(zip(_SERVICE_COUNTS, row[1:8], strict=True))
        found[row[0]].add(counts, times_unpack(row[8]), times_unpack(row[9]))
    if level != "counter":
        orders = OrderDay.objects.filter(visible, day__gte=start, day__lte=end).exclude(**{f"{group}__isnull": True})
        for row in orders.values_list(group, *_ORDER_COUNTS).iterator(chunk_size=5000):
            found[row[0]].add(dict(zip(_ORDER_COUNTS, row[1:], strict=True)))
    return found


def figure_rows(*, scope: Scope, start: date, end: date, level: str) -> list[FigureRow]:
    """The figures of every subject of ``level`` in the caller's reach for the period, by name."""
    sums = sums_from_rollups(scope=scope, start=start, end=end, level=level)
    return _rows(level, sums)


def _rows(level: str, sums: dict[int, Sums]) -> list[FigureRow]:
    target = wait_target_minutes()
    names = names_of(level, sums.keys())
    rows = [FigureRow(level, key, names.get(key, "—"), figures(s, target_minutes=target)) for key, s in sums.items()]
    return sorted(rows, key=lambda r: (r.name, r.key))


def figures_of(*, scope: Scope, start: date, end: date, level: str, key: int) -> FigureRow | None:
    """One subject's figures (None when it is not in the caller's reach or has none)."""
    rows = _rows(level, sums_from_rollups(scope=scope, start=start, end=end, level=level, key=key))
    return rows[0] if rows else None


def rolled_through() -> date | None:
    """The last day rolled up: the figures are complete up to it."""
    day: date | None = RolledDay.objects.aggregate(last=Max("day"))["last"]
    return day


# -- the same figures from the raw rows ---------------------------------------------------------


def sums_from_raw(*, start: date, end: date, level: str) -> dict[int, Sums]:
    """What ``sums_from_rollups`` gives for the whole company, computed from the tickets and
    work orders themselves, day by day, without the roll-up tables: the benchmark's baseline."""
    group = _GROUP[_checked_level(level)]
    found: dict[int, Sums] = defaultdict(Sums)
    day = start
    while day <= end:
        for s in service_rows(day):
            if (key := getattr(s, group)) is not None:
                found[key].add(
                    {c: getattr(s, c) for c in _SERVICE_COUNTS}, times_unpack(s.waits), times_unpack(s.handles)
                )
        if level != "counter":
            for o in order_rows(day):
                if (key := getattr(o, group)) is not None:
                    found[key].add({c: getattr(o, c) for c in _ORDER_COUNTS})
        day += timedelta(days=1)
    return found


# -- posts (ASSESS-3, WO-7): each person's current post state and its history --------------------


def _latest_post() -> Any:
    """The latest post-state row of the outer query's person (their current state)."""
    return PostState.objects.filter(staff_id=OuterRef("pk")).order_by("-id")


def current_post(staff: Staff | int) -> PostState | None:
    """The person's latest post-state row (None: never changed, so on duty)."""
    pk = staff if isinstance(staff, int) else staff.pk
    return PostState.objects.filter(staff_id=pk).order_by("-id").first()


def post_state_of(staff: Staff | int) -> str:
    """The person's current post state (在岗 when no row says otherwise)."""
    pk = staff if isinstance(staff, int) else staff.pk
    state: str | None = PostState.objects.filter(staff_id=pk).order_by("-id").values_list("state", flat=True).first()
    return state or PostStatus.ON_DUTY


def on_standby(staff: Staff | int) -> bool:
    """Whether the person is on standby (待岗): they may not sign in at a counter or take orders
    until a supervisor restores them after retraining (WO-7)."""
    return post_state_of(staff) == PostStatus.STANDBY


@dataclass(frozen=True)
class PostRow:
    """A person as 岗位管理 lists them: who, where, and their current post state since when."""

    employee_no: str
    name: str
    role: str
    place: str
    state: str
    state_label: str
    since: datetime | None


# 岗位管理's sortable columns (?sort=); otherwise by 工号.
POST_SORTS: dict[str, tuple[str, ...]] = {
    "employee_no": ("employee_no",),
    "name": ("name", "employee_no"),
    "state": ("post_state", "employee_no"),
    "since": ("post_since", "employee_no"),
}


def post_list(*, scope: Scope, state: str = "") -> QuerySet[Staff]:
    """The active people ``scope`` sees with their current post state (``post_state``, on duty
    without a row) and since when (``post_since``), of one state when ``state`` is one."""
    latest = _latest_post()
    people = (
        Staff.objects.filter(people_filter(scope), active=True)
        .select_related("unit", "hall")
        .annotate(
            post_state=Coalesce(Subquery(latest.values("state")[:1]), Value(PostStatus.ON_DUTY.value)),
            post_since=Subquery(latest.values("since")[:1]),
        )
    )
    if state in PostStatus.values:
        people = people.filter(post_state=state)
    return people.order_by("employee_no")


def post_row(person: Staff) -> PostRow:
    state = str(getattr(person, "post_state", "") or PostStatus.ON_DUTY)
    return PostRow(
        employee_no=person.employee_no,
        name=person.name,
        role=str(person.get_role_display()),
        place=(person.hall.name if person.hall else person.unit.name if person.unit else ""),
        state=state,
        state_label=str(PostStatus(state).label),
        since=getattr(person, "post_since", None),
    )


def post_counts(*, scope: Scope) -> list[tuple[str, str, int]]:
    """How many people ``scope`` sees are in each post state: (state, label, count)."""
    people: Any = post_list(scope=scope)  # annotated with post_state, which the stubs do not see
    counted = dict(people.order_by().values_list("post_state").annotate(n=Count("pk")))
    return [(value, str(label), counted.get(value, 0)) for value, label in PostStatus.choices]


def post_history(staff: Staff) -> list[PostEvent]:
    """The person's post history, oldest first."""
    return list(PostEvent.objects.filter(staff=staff).select_related("actor").order_by("created_at", "id"))


def people_choices(scope: Scope) -> list[Choice]:
    """The staff picker's choices (``org.selectors.staff_choices``) of the people ``scope`` sees."""
    mine = set(Staff.objects.filter(people_filter(scope), active=True).values_list("employee_no", flat=True))
    return [choice for choice in staff_choices(scope) if choice[0] in mine]


# -- the rewards and penalties ledger (奖惩台账, ASSESS-1) -----------------------------------------

# The ledger's sortable columns (?sort=); otherwise the newest proposal first.
LEDGER_SORTS: dict[str, tuple[str, ...]] = {
    "proposed_at": ("proposed_at", "id"),
    "period": ("period", "id"),
    "staff": ("staff__employee_no", "id"),
    "points": ("points", "id"),
    "amount": ("amount", "id"),
    "status": ("status", "id"),
}


def ledger_list(*, scope: Scope, employee_no: str = "", period: str = "", status: str = "") -> QuerySet[LedgerEntry]:
    """The ledger entries about the people ``scope`` sees, filtered by person (工号), month and
    status (an empty or unknown filter is none), newest first."""
    rows = LedgerEntry.objects.filter(people_filter(scope, about=True)).select_related(
        "staff", "proposed_by__staff", "decided_by__staff"
    )
    if employee_no:
        rows = rows.filter(staff__employee_no=employee_no)
    if period:
        rows = rows.filter(period=period)
    if status in LedgerStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("-proposed_at", "-id")


@dataclass(frozen=True)
class LedgerTotal:
    """What one person's approved entries of one month add up to."""

    employee_no: str
    name: str
    period: str
    entries: int
    points: int
    amount: Decimal


def ledger_totals(rows: QuerySet[LedgerEntry]) -> tuple[list[LedgerTotal], LedgerTotal]:
    """The totals per person and month of the approved entries among ``rows`` (only approved
    entries count), by person and month, and their grand total (Decimal yuan, summed in fen)."""
    approved = rows.filter(status=LedgerStatus.APPROVED).order_by()
    grouped = (
        approved.values("staff__employee_no", "staff__name", "period")
        .annotate(entries=Count("pk"), points=Coalesce(Sum("points"), 0), amount=MoneySum("amount"))
        .order_by("staff__employee_no", "period")
    )
    totals = [
        LedgerTotal(g["staff__employee_no"], g["staff__name"], g["period"], g["entries"], g["points"], g["amount"])
        for g in grouped
    ]
    whole = approved.aggregate(entries=Count("pk"), points=Coalesce(Sum("points"), 0), amount=MoneySum("amount"))
    grand = LedgerTotal("", "", "", whole["entries"], whole["points"], whole["amount"] or ZERO)
    return totals, grand


def ledger_history(entry: LedgerEntry) -> list[LedgerEvent]:
    return list(entry.events.select_related("actor").order_by("created_at", "id"))


def person_label(user: User | None) -> str:
    """Who proposed or decided an entry: the staff name, else the username."""
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None else user.get_username()


# -- one day's roll-up rows, computed from the owners' rows (written by services.rollup) ---------

SATISFIED = frozenset({"very_satisfied", "satisfied"})


def _micros(later: datetime | None, earlier: datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return (later - earlier) // timedelta(microseconds=1)


@dataclass
class _Service:
    tickets: int = 0
    served: int = 0
    no_show: int = 0
    abandoned: int = 0
    evaluated: int = 0
    satisfied: int = 0
    dissatisfied: int = 0

    def __post_init__(self) -> None:
        self.waits: list[int] = []
        self.handles: list[int] = []


def service_rows(day: date) -> list[ServiceDay]:
    """The day's ServiceDay rows (unsaved), from its tickets."""
    tickets = tickets_for_figures(start=day, end=day)
    staff_of = staff_ids_by_user(t.clerk_id for t in tickets if t.clerk_id is not None)
    groups: dict[tuple[int, int, int, int | None, int | None], _Service] = defaultdict(_Service)
    for t in tickets:
        called = t.first_called_at is not None
        key = (
            t.company_id,
            t.unit_id,
            t.hall_id,
            t.counter_id if called else None,
            staff_of.get(t.clerk_id) if called and t.clerk_id is not None else None,
        )
        g = groups[key]
        g.tickets += 1
        wait = _micros(t.first_called_at, t.issued_at)
        if wait is not None:
            g.waits.append(wait)
        if t.status == "finished":
            g.served += 1
            handle = _micros(t.finished_at, t.called_at)
            if handle is not None:
                g.handles.append(handle)
        elif t.status == "no_show":
            g.no_show += 1
        elif t.status == "waiting":
            g.abandoned += 1  # the day is over and nobody called it: the customer left
        if t.rating:
            g.evaluated += 1
            g.satisfied += t.rating in SATISFIED
            g.dissatisfied += t.rating == "dissatisfied"
    return [
        ServiceDay(
            day=day,
            company_id=company,
            unit_id=unit,
            hall_id=hall,
            counter_id=counter,
            staff_id=staff,
            tickets=g.tickets,
            served=g.served,
            no_show=g.no_show,
            abandoned=g.abandoned,
            evaluated=g.evaluated,
            satisfied=g.satisfied,
            dissatisfied=g.dissatisfied,
            waits=times_pack(g.waits),
            handles=times_pack(g.handles),
        )
        for (company, unit, hall, counter, staff), g in sorted(groups.items(), key=lambda kv: str(kv[0]))
    ]


_FACT_FIELD = {"received": "received", "complaint": "complaints", "closed": "closed", "verified": "verified"}


def order_rows(day: date) -> list[OrderDay]:
    """The day's OrderDay rows (unsaved), from what happened to work orders that day."""
    start = datetime.combine(day, time.min, tzinfo=tz.SHANGHAI)
    facts = order_facts_for_figures(start=start, end=start + timedelta(days=1))
    groups: dict[tuple[int, int | None, int | None, int | None], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in facts:
        counts = groups[(f.company_id, f.unit_id, f.hall_id, f.staff_id)]
        if f.kind == "deadline":
            counts["deadlines_due"] += 1
            counts["deadlines_met"] += bool(f.ok)
        elif f.kind == "callback":
            counts["callbacks_reached"] += 1
            counts["callbacks_satisfied"] += bool(f.ok)
        else:
            counts[_FACT_FIELD[f.kind]] += 1
    return [
        OrderDay(day=day, company_id=company, unit_id=unit, hall_id=hall, staff_id=staff, **counts)
        for (company, unit, hall, staff), counts in sorted(groups.items(), key=lambda kv: str(kv[0]))
    ]
