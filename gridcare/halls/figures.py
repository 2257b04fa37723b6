"""Hall figures (HALL-8) for a day or a month, as numbers, chart bars and an Excel workbook."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _
from openpyxl import Workbook

from gridcare.core.paging import export_row
from gridcare.core.timezone import SHANGHAI, business_date, now
from gridcare.halls import rules
from gridcare.halls.models import Appointment, AppointmentStatus, Diversion, Evaluation, Rating, Ticket, TicketStatus
from gridcare.org.models import Counter, Hall

# Days at each end of a month counted as its "edge" (people pay at month end and month start).
EDGE_DAYS = 3


@dataclass
class CounterUse:
    number: int
    served: int
    busy_minutes: float
    utilisation: float | None


@dataclass
class HallFigures:
    start: date
    end: date
    arrivals: int
    served: int
    no_show: int
    abandoned: int
    diversions: int
    arrivals_by_hour: dict[int, int]
    arrivals_by_day: dict[date, int]
    wait_mean: float | None
    wait_p90: float | None
    handle_mean: float | None
    handle_p90: float | None
    within_target: float | None
    target_minutes: int
    abandonment_rate: float | None
    satisfaction_rate: float | None
    ratings: dict[str, int]
    diversion_rate: float | None
    edge_ratio: float | None
    counters: list[CounterUse] = field(default_factory=list)
    appointments: int = 0  # booked for these days (checked in, missed, still open; not cancelled)
    appointments_missed: int = 0


def parse_period(day: str, month: str) -> tuple[date, date, str]:
    """``month=2026-11`` → the month; ``day=2026-11-23`` → that day; else today."""
    try:
        if month:
            first = datetime.strptime(month, "%Y-%m").replace(tzinfo=SHANGHAI).date()
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
            return first, last, _("%(y)d年%(m)d月") % {"y": first.year, "m": first.month}
        if day:
            chosen = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=SHANGHAI).date()
            return chosen, chosen, f"{chosen:%Y-%m-%d}"
    except ValueError:
        pass
    today = business_date()
    return today, today, f"{today:%Y-%m-%d}"


def wait_target_minutes() -> int:
    """The regulator's waiting target (GRIDCARE_RULES, default 15 minutes)."""
    value = settings.GRIDCARE_RULES["HALL_WAIT_TARGET_MINUTES"]
    assert isinstance(value, int)
    return value


def _minutes(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return (later - earlier).total_seconds() / 60


def hall_figures(hall: Hall, start: date, end: date) -> HallFigures:
    rows = list(
        # A ticket its holder cancelled before being called (线上取号) never arrived.
        Ticket.objects.filter(hall=hall, day__gte=start, day__lte=end)
        .exclude(status=TicketStatus.CANCELLED)
        .values_list("day", "status", "issued_at", "first_called_at", "called_at", "finished_at", "counter_id")
    )
    at = now()
    today = business_date(at)
    # Tickets still waiting when the hall has closed were abandoned: the day's earlier days at
    # once, today's from closing time on (not only from tomorrow).
    closed_today = at.astimezone(SHANGHAI).time() >= hall.closes_at
    by_hour: dict[int, int] = {}
    by_day: dict[date, int] = {}
    waits: list[float] = []
    handles: list[float] = []
    busy: dict[int, list[float]] = {}
    no_show = abandoned = served = 0
    for day, status, issued, first_called, called, finished, counter_id in rows:
        hour = issued.astimezone(SHANGHAI).hour
        by_hour[hour] = by_hour.get(hour, 0) + 1
        by_day[day] = by_day.get(day, 0) + 1
        wait = _minutes(first_called, issued)
        if wait is not None:
            waits.append(wait)
        if status == TicketStatus.FINISHED:
            served += 1
            handle = _minutes(finished, called)
            if handle is not None:
                handles.append(handle)
                busy.setdefault(counter_id, []).append(handle)
        elif status == TicketStatus.NO_SHOW:
            no_show += 1
        elif status == TicketStatus.WAITING and (day < today or (day == today and closed_today)):
            abandoned += 1  # left before being called; the hall has closed
    target = wait_target_minutes()
    ratings = _ratings(hall, start, end)
    rated = sum(ratings.values())
    diversions = Diversion.objects.filter(hall=hall, day__gte=start, day__lte=end).count()
    booked = dict(
        Appointment.objects.filter(hall=hall, day__gte=start, day__lte=end)
        .exclude(status=AppointmentStatus.CANCELLED)
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return HallFigures(
        start=start,
        end=end,
        arrivals=len(rows),
        served=served,
        no_show=no_show,
        abandoned=abandoned,
        diversions=diversions,
        appointments=sum(booked.values()),
        appointments_missed=booked.get(AppointmentStatus.MISSED, 0),
        arrivals_by_hour=dict(sorted(by_hour.items())),
        arrivals_by_day=dict(sorted(by_day.items())),
        wait_mean=rules.mean(waits),
        wait_p90=rules.percentile(waits, 0.9),
        handle_mean=rules.mean(handles),
        handle_p90=rules.percentile(handles, 0.9),
        within_target=rules.share(sum(1 for w in waits if w <= target), len(waits)),
        target_minutes=target,
        abandonment_rate=rules.share(no_show + abandoned, len(rows)),
        satisfaction_rate=rules.share(ratings[Rating.VERY_SATISFIED] + ratings[Rating.SATISFIED], rated),
        ratings=ratings,
        diversion_rate=rules.share(diversions, diversions + len(rows)),
        edge_ratio=edge_ratio(by_day) if start != end else None,
        counters=_counter_use(hall, busy, open_days=len(by_day)),
    )


def _ratings(hall: Hall, start: date, end: date) -> dict[str, int]:
    counts = dict(
        Evaluation.objects.filter(hall=hall, ticket__day__gte=start, ticket__day__lte=end)
        .values_list("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    return {rating: counts.get(rating, 0) for rating in Rating.values}


def edge_ratio(by_day: dict[date, int]) -> float | None:
    """Mean arrivals on month-edge days (last and first EDGE_DAYS of a month) over the mean on
    the other days with arrivals: above 1 means a month-end/month-start peak."""
    edge: list[int] = []
    middle: list[int] = []
    for day, count in by_day.items():
        last = calendar.monthrange(day.year, day.month)[1]
        (edge if day.day <= EDGE_DAYS or day.day > last - EDGE_DAYS else middle).append(count)
    if not edge or not middle:
        return None
    return (sum(edge) / len(edge)) / (sum(middle) / len(middle))


def _counter_use(hall: Hall, busy: dict[int, list[float]], *, open_days: int) -> list[CounterUse]:
    """Share of opening time each counter spent handling tickets, over the days the hall had
    customers."""
    opens_at, closes_at = Hall.objects.values_list("opens_at", "closes_at").get(pk=hall.pk)
    opens = datetime.combine(date(2000, 1, 1), opens_at)
    closes = datetime.combine(date(2000, 1, 1), closes_at)
    open_minutes = (closes - opens) / timedelta(minutes=1) * open_days
    uses = []
    for counter in Counter.objects.filter(hall=hall).order_by("number"):
        minutes = busy.get(counter.pk, [])
        uses.append(
            CounterUse(
                number=counter.number,
                served=len(minutes),
                busy_minutes=round(sum(minutes), 1),
                utilisation=sum(minutes) / open_minutes if open_minutes else None,
            )
        )
    return uses


# --- charts: plain bars for an inline SVG -----------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


CHART_WIDTH, CHART_HEIGHT = 600, 160


def bars(values: dict[Any, int], label: Any) -> list[Bar]:
    if not values:
        return []
    top = max(values.values()) or 1
    step = CHART_WIDTH / len(values)
    result = []
    for i, (key, value) in enumerate(values.items()):
        height = CHART_HEIGHT * value / top
        result.append(
            Bar(
                x=i * step + 2,
                y=CHART_HEIGHT - height,
                width=max(step - 4, 1),
                height=height,
                label=label(key),
                value=value,
            )
        )
    return result


def charts(report: HallFigures) -> dict[str, list[Bar]]:
    hours = {h: report.arrivals_by_hour.get(h, 0) for h in range(7, 20)} | report.arrivals_by_hour
    return {
        "hours": bars(dict(sorted(hours.items())), lambda h: f"{h}"),
        "days": bars(report.arrivals_by_day, lambda d: f"{d.day}") if report.start != report.end else [],
    }


# --- Excel ------------------------------------------------------------------------------------------


def _pct(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def summary_rows(report: HallFigures) -> list[tuple[str, Any]]:
    return [
        (_("到达人数"), report.arrivals),
        (_("办结人数"), report.served),
        (_("平均等候（分钟）"), _round(report.wait_mean)),
        (_("90%等候（分钟）"), _round(report.wait_p90)),
        (_("平均办理（分钟）"), _round(report.handle_mean)),
        (_("90%办理（分钟）"), _round(report.handle_p90)),
        (_("%(n)d分钟内叫号占比（%%）") % {"n": report.target_minutes}, _pct(report.within_target)),
        (_("过号人数"), report.no_show),
        (_("未叫离开人数"), report.abandoned),
        (_("放弃率（%）"), _pct(report.abandonment_rate)),
        (_("满意率（%）"), _pct(report.satisfaction_rate)),
        (_("自助分流人数"), report.diversions),
        (_("预约人数"), report.appointments),
        (_("预约未到人数"), report.appointments_missed),
        (_("分流率（%）"), _pct(report.diversion_rate)),
        (_("月末月初高峰倍数"), round(report.edge_ratio, 2) if report.edge_ratio is not None else None),
    ]


def workbook(hall: Hall, report: HallFigures, label: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("概要")
    sheet.append(export_row([hall.name, label]))
    for row in summary_rows(report):
        sheet.append(export_row(list(row)))
    hours = book.create_sheet(_("分时到达"))
    hours.append(export_row([_("时段"), _("到达人数")]))
    for hour, count in report.arrivals_by_hour.items():
        hours.append(export_row([f"{hour:02d}:00", count]))
    days = book.create_sheet(_("每日到达"))
    days.append(export_row([_("日期"), _("到达人数")]))
    for day, count in report.arrivals_by_day.items():
        days.append(export_row([day, count]))
    counters = book.create_sheet(_("窗口利用率"))
    counters.append(export_row([_("窗口"), _("办结人数"), _("办理分钟"), _("利用率（%）")]))
    for use in report.counters:
        counters.append(export_row([use.number, use.served, use.busy_minutes, _pct(use.utilisation)]))
    ratings = book.create_sheet(_("服务评价"))
    ratings.append(export_row([_("评价"), _("人数")]))
    for rating, count in report.ratings.items():
        ratings.append(export_row([str(Rating(rating).label), count]))
    out = BytesIO()
    book.save(out)
    return out.getvalue()
