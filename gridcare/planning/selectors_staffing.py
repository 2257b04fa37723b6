"""The staffing plan's reads (PLAN-1): a hall's history as the forecast and the plan need it
(arrivals per business type and half hour, handling times, the counters that served), the
forecast of coming days with its backtest, and a plan as its page, export and API show it.

The hall's tickets are read through ``halls.selectors.tickets_for_planning`` (halls own them);
the working-day calendar is gridcare.core.calendar's."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridcare.core.calendar import is_working_day
from gridcare.core.timezone import SHANGHAI
from gridcare.halls.figures import EDGE_DAYS
from gridcare.halls.models import BusinessType, Kind, Terminal, TerminalStatus
from gridcare.halls.selectors import tickets_for_planning
from gridcare.org.access import Scope
from gridcare.org.models import Hall
from gridcare.planning.access import hall_filter
from gridcare.planning.models import Roster, StaffingPlan
from gridcare.planning.rules import forecast as rules
from gridcare.planning.rules.staffing import Period, divertible_kinds, periods, slot_of
from gridcare.planning.selectors_simulation import hall_history as service_history_of
from gridcare.planning.selectors_simulation import patience_of


def staffing_settings() -> dict[str, Any]:
    return dict(settings.GRIDCARE_PLANNING_STAFFING)


@dataclass
class HallHistory:
    """What a hall's recorded days say, for the forecast and the plan."""

    arrivals: dict[date, dict[tuple[str, int], float]] = field(default_factory=dict)
    served: dict[date, dict[int, int]] = field(default_factory=dict)  # counters serving per half hour
    handling: dict[str, float] = field(default_factory=dict)  # seconds per business kind
    first: date | None = None
    last: date | None = None


def _slots_between(start: datetime, end: datetime) -> range:
    """The half hours of the day that [start, end) touches (Beijing time)."""
    a, b = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
    first = slot_of(a.time())
    last = slot_of(b.time()) if b.date() == a.date() else 47
    return range(first, last + 1)


def hall_history(hall: Hall, *, until: date, weeks: int | None = None) -> HallHistory:
    """The ``weeks`` weeks before ``until`` (not included) of ``hall``."""
    weeks = weeks or int(staffing_settings()["HISTORY_WEEKS"])
    first = until - timedelta(weeks=weeks)
    arrivals: dict[date, dict[tuple[str, int], float]] = defaultdict(lambda: defaultdict(float))
    serving: dict[date, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    handled: dict[str, list[float]] = defaultdict(list)
    for t in tickets_for_planning(hall=hall, first=first, last=until - timedelta(days=1)):
        arrivals[t.day][(t.kind, slot_of(t.issued_at.astimezone(SHANGHAI).time()))] += 1
        if t.called_at and t.finished_at and t.counter_id and t.finished_at > t.called_at:
            handled[t.kind].append((t.finished_at - t.called_at).total_seconds())
            for slot in _slots_between(t.called_at, t.finished_at):
                serving[t.day][slot].add(t.counter_id)
    minimum = int(staffing_settings()["MIN_HANDLING_SAMPLES"])
    handling = {bt.kind: float(bt.expected_minutes * 60) for bt in BusinessType.objects.filter(hall=hall, active=True)}
    for kind, seconds in handled.items():
        if len(seconds) >= minimum:
            handling[kind] = statistics.fmean(seconds)
    days = sorted(arrivals)
    return HallHistory(
        arrivals={d: dict(arrivals[d]) for d in days},
        served={d: {s: len(c) for s, c in serving[d].items()} for d in days},
        handling=handling,
        first=days[0] if days else None,
        last=days[-1] if days else None,
    )


@dataclass(frozen=True)
class HallForecast:
    days: dict[date, dict[tuple[str, int], float]]  # forecast arrivals per (kind, half hour)
    backtest: rules.Backtest
    history: HallHistory


def forecast(hall: Hall, *, first: date, last: date, today: date) -> HallForecast:
    """The forecast arrivals of ``first``..``last`` from the history before ``today``, and its
    backtest; no history: no arrivals (and no backtest)."""
    history = hall_history(hall, until=today)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if not any(is_working_day(d) for d in history.arrivals):
        return HallForecast({d: {} for d in days}, rules.Backtest(None, None, None, 0, len(history.arrivals)), history)
    model = rules.fit(history.arrivals, is_working=is_working_day, edge_days=EDGE_DAYS)
    test = rules.backtest(
        history.arrivals,
        is_working=is_working_day,
        edge_days=EDGE_DAYS,
        origins=int(staffing_settings()["BACKTEST_ORIGINS"]),
    )
    return HallForecast({d: rules.predict(model, d, is_working=is_working_day) for d in days}, test, history)


def patience_minutes(hall: Hall) -> tuple[float | None, bool]:
    """The customers' mean patience at ``hall`` for the plan's leaving figures (Erlang A), the
    simulation's: the hall's estimate from its recent tickets, else the setting (None: nobody
    leaves); and whether it came from the history."""
    return patience_of(None, service_history_of(hall))


def divertible(hall: Hall) -> frozenset[str]:
    """The business kinds the hall's working terminals can do (the diversion lever's reach)."""
    kinds = Terminal.objects.filter(hall=hall, status=TerminalStatus.IN_SERVICE).values_list("kind", flat=True)
    return divertible_kinds(set(kinds))


def _comparable(day: date, served: dict[date, dict[int, int]]) -> list[date]:
    """History days like ``day``: same weekday, month edge and day-after-a-day-off; else the same
    weekday; else all."""
    mine = rules.traits(day, is_working=is_working_day, edge_days=EDGE_DAYS)

    def alike(d: date, strict: bool) -> bool:
        other = rules.traits(d, is_working=is_working_day, edge_days=EDGE_DAYS)
        if other.weekday != mine.weekday or other.working != mine.working:
            return False
        edge = (other.month_start or other.month_end) == (mine.month_start or mine.month_end)
        return not strict or (edge and other.after_off == mine.after_off)

    return [d for d in served if alike(d, True)] or [d for d in served if alike(d, False)] or list(served)


def open_counters(hall: Hall, day: date, slots: Iterable[int], history: HallHistory) -> dict[int, int | None]:
    """The counters open in each half hour of ``day``: the roster where entered, else the median
    of the counters that served in that half hour on comparable history days (None: no history)."""
    entered = {slot_of(r.slot): r.counters for r in Roster.objects.filter(hall=hall, day=day)}
    like = _comparable(day, history.served) if history.served else []
    out: dict[int, int | None] = {}
    for slot in slots:
        if slot in entered:
            out[slot] = entered[slot]
        elif like:
            out[slot] = int(statistics.median(history.served[d].get(slot, 0) for d in like) + 0.5)
        else:
            out[slot] = None
    return out


def roster_of(hall: Hall, day: date) -> dict[int, int]:
    """The counters entered for ``day`` per half hour."""
    return {slot_of(r.slot): r.counters for r in Roster.objects.filter(hall=hall, day=day)}


# -- plans as pages show them ----------------------------------------------------------------


def plans_for(scope: Scope, *, hall: Hall | None = None) -> QuerySet[StaffingPlan]:
    """The plans of the caller's reach (one hall's), newest first."""
    found = StaffingPlan.objects.filter(hall_filter(scope, "hall__")).select_related("hall", "hall__unit", "created_by")
    if hall is not None:
        found = found.filter(hall=hall)
    return found.order_by("-created_at", "-id")


@dataclass(frozen=True)
class PlanDay:
    day: date
    slots: list[dict[str, Any]]  # {"slot": "08:30", "arrivals", "needed", "open"}
    periods: list[Period]


def plan_days(plan: StaffingPlan) -> list[PlanDay]:
    rows = list(plan.slots.order_by("day", "slot"))
    by_day: dict[date, list[Any]] = defaultdict(list)
    for r in rows:
        by_day[r.day].append(r)
    out = []
    for day, slots in sorted(by_day.items()):
        found = periods((s.day, slot_of(s.slot), s.needed, s.open) for s in slots)
        out.append(
            PlanDay(
                day=day,
                slots=[
                    {
                        "slot": f"{s.slot:%H:%M}",
                        "arrivals": float(s.arrivals),
                        "needed": s.needed,
                        "open": s.open,
                        "leaving_needed": s.leaving_needed,
                        "leaving_open": s.leaving_open,
                    }
                    for s in slots
                ],
                periods=found,
            )
        )
    return out


def period_sentence(p: Period) -> str:
    values = {"day": f"{p.day:%m-%d}", "start": f"{p.starts:%H:%M}", "end": f"{p.ends:%H:%M}", "n": p.worst}
    if p.under:
        return _("%(day)s %(start)s–%(end)s 窗口不足，最多缺 %(n)s 个。") % values
    return _("%(day)s %(start)s–%(end)s 窗口富余，最多多开 %(n)s 个。") % values


def chart_data(days: list[PlanDay]) -> dict[str, Any]:
    """The plan page's charts (json_script): per day the half hours, arrivals, needed and open."""
    return {
        "labels": {"arrivals": _("预测到达（人）"), "needed": _("需要窗口"), "open": _("开放窗口")},
        "days": [
            {
                "id": f"plan-day-{d.day:%Y%m%d}",
                "day": f"{d.day:%Y-%m-%d}",
                "slots": [s["slot"] for s in d.slots],
                "arrivals": [s["arrivals"] for s in d.slots],
                "needed": [s["needed"] for s in d.slots],
                "open": [s["open"] for s in d.slots],
            }
            for d in days
        ],
    }


def export_rows(plan: StaffingPlan) -> list[list[Any]]:
    return [
        [
            f"{s.day:%Y-%m-%d}",
            f"{s.slot:%H:%M}",
            s.arrivals,
            s.needed,
            "" if s.open is None else s.open,
            "" if s.open is None else s.needed - s.open,
            "" if s.leaving_needed is None else s.leaving_needed,
            "" if s.leaving_open is None else s.leaving_open,
        ]
        for s in plan.slots.order_by("day", "slot")
    ]


def export_header() -> list[str]:
    return [
        _("日期"),
        _("时段开始"),
        _("预测到达（人）"),
        _("需要窗口"),
        _("开放窗口"),
        _("缺口（需要减开放）"),
        _("预计离开比例（按需要窗口，%）"),
        _("预计离开比例（按开放窗口，%）"),
    ]


def kind_label(kind: str) -> str:
    return str(Kind(kind).label) if kind in Kind.values else kind


def totals(plan: StaffingPlan) -> dict[str, Any]:
    """The plan's sums: arrivals, counter-hours needed and open, half hours under and over."""
    rows = list(plan.slots.values_list("arrivals", "needed", "open", "leaving_needed", "leaving_open"))
    known = [(n, o) for _a, n, o, _ln, _lo in rows if o is not None]

    def leaving(column: int) -> Decimal | None:
        found = [(Decimal(r[0]), Decimal(str(r[column]))) for r in rows if r[column] is not None]
        if not found:
            return None
        return sum((a * share / 100 for a, share in found), Decimal(0)).quantize(Decimal("0.1"))

    return {
        "arrivals": sum((r[0] for r in rows), Decimal(0)),
        "needed_hours": Decimal(sum(r[1] for r in rows)) / 2,
        "open_hours": Decimal(sum(o for _n, o in known)) / 2 if known else None,
        "under": sum(1 for n, o in known if n > o),
        "over": sum(1 for n, o in known if o > n),
        "leaving_needed": leaving(3),  # customers expected to leave unserved (Erlang A)
        "leaving_open": leaving(4),
    }
