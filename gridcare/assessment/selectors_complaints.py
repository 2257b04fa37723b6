"""Complaint analysis (投诉分析, issue 14, ASSESS-6): for a period, complaints per 10,000
customers by complaint class, supply unit and cause; repeat complaints; the trend of the last 12
months; the orders behind each number. ``COMPLAINT_ANALYSIS``: supervisors their unit, planners
and administrators the company (``Reach.ASSESSMENT``).

The numbers, as the page, the export and the API give them:

* complaints: work orders of type 投诉 received in the period (Shanghai dates, both ends
  included) whose responsible unit is in the caller's reach;
* customers: the accounts active (正常) at the end of the period (``customers.selectors``), of the
  same units; a unit's complaints are divided by its own customers, a class's or a cause's by
  all of them;
* repeats: complaints of a customer (the same account; where either names none, the same phone)
  who had complained that day or in the ``REPEAT_COMPLAINT_DAYS`` (30) calendar days before,
  inclusive — day 30 counts, day 31 does not (``workorders.rules.repeats``), wherever the earlier
  complaint was handled; each repeating complaint counts once.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.core.exceptions import InvalidInput
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.selectors import active_accounts_at
from gridcare.org.access import Level, Path, Reach, Scope
from gridcare.org.selectors import places_in_reach
from gridcare.workorders.models import ComplaintClass, WorkOrder
from gridcare.workorders.rules import per_10k
from gridcare.workorders.selectors import cause_list, complaints_received, repeat_complaint_ids

ORDERS_PATH = Path(company="company_id", unit="supply_unit_id", company_always=True)
ACCOUNTS_PATH = Path(company="supply_unit__company_id", unit="supply_unit_id")
TREND_MONTHS = 12
NONE = "none"  # the key of complaints without a unit, or without a cause


def repeat_days() -> int:
    return int(settings.GRIDCARE_ASSESSMENT["REPEAT_COMPLAINT_DAYS"])


def orders_filter(scope: Scope) -> Q:
    """The work orders whose complaints ``scope`` analyses (by their responsible unit)."""
    return scope.filter(Reach.ASSESSMENT, ORDERS_PATH)


def accounts_filter(scope: Scope) -> Q:
    return scope.filter(Reach.ASSESSMENT, ACCOUNTS_PATH)


def _begin(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def _month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def trend_months(end: date, count: int = TREND_MONTHS) -> list[date]:
    """The first days of the ``count`` months up to the one ``end`` is in, oldest first."""
    months = [end.replace(day=1)]
    while len(months) < count:
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


@dataclass(frozen=True)
class Line:
    """One row of a table: ``complaints`` of ``customers`` (per 10,000), ``repeats`` among them.
    ``query`` is what the drill-down to its orders asks (``class=…``, ``unit=…``, ``cause=…``)."""

    label: str
    complaints: int
    customers: int
    repeats: int
    query: dict[str, str] = field(default_factory=dict)
    group: str = ""  # a cause's class

    @property
    def per_10k(self) -> float | None:
        return per_10k(self.complaints, self.customers)


@dataclass(frozen=True)
class MonthLine:
    month: date
    last_day: date  # the month's last day, or the period's end in its last month
    complaints: int
    customers: int
    repeats: int

    @property
    def per_10k(self) -> float | None:
        return per_10k(self.complaints, self.customers)


@dataclass(frozen=True)
class Analysis:
    start: date
    end: date
    place: str
    repeat_days: int
    total: Line
    by_class: list[Line]
    by_unit: list[Line]
    by_cause: list[Line]
    trend: list[MonthLine]


@dataclass(frozen=True)
class _Complaint:
    pk: int
    day: date
    complaint_class: str
    unit_id: int | None
    cause_id: int | None

    @property
    def month(self) -> date:
        return self.day.replace(day=1)


def _complaints(where: Q, first: date, last: date) -> tuple[list[_Complaint], set[int]]:
    """The complaints of the orders ``where`` selects received from ``first`` to ``last`` and
    which of them repeat."""
    found = complaints_received(where=where, start=_begin(first), end=_begin(last + timedelta(days=1)))
    rows = found.values_list("pk", "received_at", "complaint_class", "supply_unit_id", "complaint_cause_id")
    complaints = [_Complaint(pk, at.astimezone(SHANGHAI).date(), k, u, c) for pk, at, k, u, c in rows]
    return complaints, repeat_complaint_ids(found, days=repeat_days())


def _line(label: str, rows: list[_Complaint], repeats: set[int], customers: int, **query: str) -> Line:
    return Line(label, len(rows), customers, sum(1 for r in rows if r.pk in repeats), query)


def _grouped(rows: Iterable[_Complaint], key: str) -> dict[Any, list[_Complaint]]:
    groups: dict[Any, list[_Complaint]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return groups


def _by_unit(scope: Scope, rows: list[_Complaint], repeats: set[int], customers: dict[int, int]) -> list[Line]:
    """Each unit in reach (its complaints by its own customers), then complaints with no unit."""
    by_unit = _grouped(rows, "unit_id")
    lines = [
        _line(unit.name, by_unit.get(unit.pk, []), repeats, customers.get(unit.pk, 0), unit=unit.code)
        for unit in places_in_reach(scope, Reach.ASSESSMENT, "unit").order_by("code")
    ]
    if by_unit.get(None):
        lines.append(_line(_("未确定供电单位"), by_unit[None], repeats, 0, unit=NONE))
    return lines


def _by_cause(rows: list[_Complaint], repeats: set[int], customers: int) -> list[Line]:
    """Every cause of the taxonomy by class (a deactivated one only where complaints have it),
    then the class's complaints with no cause yet."""
    by_cause = _grouped(rows, "cause_id")
    open_ = _grouped(by_cause.get(None, []), "complaint_class")
    causes = list(cause_list())
    lines = []
    for klass, class_label in ComplaintClass.choices:
        group = str(class_label)
        for cause in (c for c in causes if c.complaint_class == klass):
            mine = by_cause.get(cause.pk, [])
            if cause.active or mine:
                lines.append(replace(_line(cause.name, mine, repeats, customers, cause=cause.code), group=group))
        if open_.get(klass):
            line = _line(_("（未填写原因）"), open_[klass], repeats, customers, cause=NONE, **{"class": klass})
            lines.append(replace(line, group=group))
    return lines


def _place(scope: Scope) -> str:
    level, staff = scope.level(Reach.ASSESSMENT), scope.staff
    if level is Level.ALL:
        return _("全部")
    if staff is None:
        return ""
    place = staff.unit if level is Level.UNIT else staff.company
    return place.name if place else ""


def complaint_analysis(*, scope: Scope, start: date, end: date) -> Analysis:
    """The analysis of ``start``..``end`` (dates, both included) in ``scope``'s reach."""
    months = trend_months(end)
    first = min(start, months[0])
    every, repeats = _complaints(orders_filter(scope), first, end)
    rows = [r for r in every if start <= r.day <= end]
    units = active_accounts_at(on=end, where=accounts_filter(scope))
    customers = sum(units.values())
    by_month = _grouped(every, "month")
    trend = []
    for month in months:
        last = min(_month_end(month), end)
        mine = by_month.get(month, [])
        at = sum(active_accounts_at(on=last, where=accounts_filter(scope)).values())
        trend.append(MonthLine(month, last, len(mine), at, sum(1 for r in mine if r.pk in repeats)))
    return Analysis(
        start=start,
        end=end,
        place=_place(scope),
        repeat_days=repeat_days(),
        total=_line(_("合计"), rows, repeats, customers),
        by_class=[
            _line(str(label), [r for r in rows if r.complaint_class == k], repeats, customers, **{"class": k})
            for k, label in ComplaintClass.choices
        ],
        by_unit=_by_unit(scope, rows, repeats, units),
        by_cause=_by_cause(rows, repeats, customers),
        trend=trend,
    )


@dataclass(frozen=True)
class Summary:
    """A unit's or a company's complaints of a month, for its monthly report."""

    total: Line
    by_class: list[Line]
    by_cause: list[Line]  # the causes with complaints, most first
    repeat_days: int


def subject_complaints(*, level: str, key: int, start: date, end: date) -> Summary:
    """The complaints of supply unit (``level`` "unit") or company ``key`` from ``start`` to
    ``end`` (both included), counted as the analysis counts them: by the orders' responsible
    unit, per 10,000 of the accounts active at the end, repeats within ``REPEAT_COMPLAINT_DAYS``."""
    orders = Q(supply_unit_id=key) if level == "unit" else Q(company_id=key)
    accounts = Q(supply_unit_id=key) if level == "unit" else Q(supply_unit__company_id=key)
    rows, repeats = _complaints(orders, start, end)
    customers = sum(active_accounts_at(on=end, where=accounts).values())
    causes = [line for line in _by_cause(rows, repeats, customers) if line.complaints]
    return Summary(
        total=_line(_("合计"), rows, repeats, customers),
        by_class=[
            _line(str(label), [r for r in rows if r.complaint_class == k], repeats, customers, **{"class": k})
            for k, label in ComplaintClass.choices
        ],
        by_cause=sorted(causes, key=lambda line: -line.complaints),
        repeat_days=repeat_days(),
    )


# -- the orders behind a number --------------------------------------------------------------------


@dataclass(frozen=True)
class Behind:
    """What a drill-down asks: the period and the filters of the number clicked."""

    start: date
    end: date
    complaint_class: str = ""
    unit: str = ""  # a unit's code, or NONE
    cause: str = ""  # a cause's code, or NONE
    repeat: bool = False

    def query(self) -> dict[str, str]:
        asked = {"start": self.start.isoformat(), "end": self.end.isoformat(), "class": self.complaint_class}
        asked |= {"unit": self.unit, "cause": self.cause, "repeat": "1" if self.repeat else ""}
        return {k: v for k, v in asked.items() if v}


def behind_ask(*, scope: Scope, start: date, end: date, values: dict[str, str]) -> Behind:
    """The drill-down's filters from the request, each checked (a unit outside the reach, an
    unknown class or cause is refused on its field)."""
    errors: dict[str, str] = {}
    klass, unit, cause = values.get("class", ""), values.get("unit", ""), values.get("cause", "")
    if klass and klass not in ComplaintClass.values:
        errors["class"] = _("投诉分类不在允许范围内。")
    units = set(places_in_reach(scope, Reach.ASSESSMENT, "unit").values_list("code", flat=True))
    if unit and unit != NONE and unit not in units:
        errors["unit"] = _("请选择您管辖范围内的供电单位。")
    if cause and cause != NONE and cause not in {c.code for c in cause_list()}:
        errors["cause"] = _("投诉原因不存在。")
    if errors:
        raise InvalidInput(_("查询条件有误。"), errors=errors)
    return Behind(start, end, klass, unit, cause, values.get("repeat", "") == "1")


def orders_behind(*, scope: Scope, ask: Behind) -> tuple[list[int], set[int]]:
    """The ids of the complaints behind ``ask`` (newest first) and which of them repeat."""
    found = complaints_received(
        where=orders_filter(scope), start=_begin(ask.start), end=_begin(ask.end + timedelta(days=1))
    )
    if ask.complaint_class:
        found = found.filter(complaint_class=ask.complaint_class)
    if ask.unit:
        found = found.filter(supply_unit__isnull=True) if ask.unit == NONE else found.filter(supply_unit__code=ask.unit)
    if ask.cause:
        found = (
            found.filter(complaint_cause__isnull=True)
            if ask.cause == NONE
            else found.filter(complaint_cause__code=ask.cause)
        )
    repeats = repeat_complaint_ids(found, days=repeat_days())
    ids = list(found.values_list("pk", flat=True))
    return ([pk for pk in ids if pk in repeats] if ask.repeat else ids), repeats


def order_rows(ids: Iterable[int]) -> list[WorkOrder]:
    """The orders of one page of a drill-down, in the order given."""
    wanted = list(ids)
    found = {o.pk: o for o in WorkOrder.objects.filter(pk__in=wanted).select_related("supply_unit", "complaint_cause")}
    return [found[pk] for pk in wanted if pk in found]


def behind_words(*, scope: Scope, ask: Behind) -> list[str]:
    """What a drill-down is narrowed to, in words (its heading)."""
    said = []
    if ask.complaint_class:
        said.append(str(ComplaintClass(ask.complaint_class).label))
    if ask.unit:
        units = dict(places_in_reach(scope, Reach.ASSESSMENT, "unit").values_list("code", "name"))
        said.append(_("未确定供电单位") if ask.unit == NONE else units.get(ask.unit, ask.unit))
    if ask.cause:
        causes = {c.code: c.name for c in cause_list()}
        said.append(_("未填写原因") if ask.cause == NONE else causes.get(ask.cause, ask.cause))
    if ask.repeat:
        said.append(_("重复投诉"))
    return said
