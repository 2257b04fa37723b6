"""The monthly management report (ASSESS-7) of each supply unit and of the company.

``report_numbers`` gathers a month's numbers into one plain, JSON-ready dict, already rounded as
they are shown (rates in percent to one decimal, times in minutes to one decimal, money as
"0.00" text). ``report_generate`` keeps that dict with the workbook and the PDF made from it
(``gridcare.assessment.report_files``), so the page, the Excel and the PDF always show the same
numbers. The worker (job ``assessment_reports``, daily) writes last month's reports once the
month is rolled up, and catches up the months it missed; a report is archived: written once and
read from then on (an administrator may run the job again with ``regenerate``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from gridcare.assessment.models import (
    ActionResult,
    ImprovementAction,
    InviteChannel,
    LedgerEntry,
    LedgerKind,
    LedgerStatus,
    MonthlyReport,
    PostState,
    PostStatus,
    RolledDay,
    StarRating,
    SurveyInvite,
    SurveyResponse,
)
from gridcare.assessment.rules.figures import Figures, Sums, figures
from gridcare.assessment.selectors import rolled_through, sums_from_rollups
from gridcare.assessment.selectors_complaints import Line, subject_complaints
from gridcare.core import timezone as tz
from gridcare.core.money import ZERO, MoneySum
from gridcare.halls.figures import wait_target_minutes
from gridcare.org.access import Scope
from gridcare.org.selectors import names_of, places_of, report_subjects

REPORT_VERSION = 3  # 2: the complaints and improvement actions sections; 3: the surveys
EVERYONE = Scope(staff=None, company_id=None, unit_id=None, hall_id=None, everything=True)
TREND_MONTHS = 12


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, "GRIDCARE_ASSESSMENT", {}).get(name, default))


# The report's figures: code, label, kind (count, rate in percent, minutes).
@dataclass(frozen=True)
class Column:
    code: str
    label: str
    kind: str  # "count", "rate", "minutes"

    def value(self, found: Figures) -> int | float | None:
        raw = found.value(self.code)
        if raw is None:
            return None
        if self.kind == "rate":
            return round(raw * 100, 1)
        if self.kind == "minutes":
            return round(raw, 1)
        return int(raw)


def columns() -> list[Column]:
    return [
        Column("tickets", _("取号数"), "count"),
        Column("served", _("办结数"), "count"),
        Column("wait_mean", _("平均等候（分钟）"), "minutes"),
        Column("wait_p90", _("等候P90（分钟）"), "minutes"),
        Column("within_target", _("等候达标率（%）"), "rate"),
        Column("handle_mean", _("平均办理（分钟）"), "minutes"),
        Column("satisfaction_rate", _("评价满意率（%）"), "rate"),
        Column("no_show_rate", _("过号率（%）"), "rate"),
        Column("abandonment_rate", _("离开率（%）"), "rate"),
        Column("received", _("受理工单"), "count"),
        Column("complaints", _("投诉工单"), "count"),
        Column("deadline_rate", _("时限达标率（%）"), "rate"),
        Column("callback_rate", _("回访满意率（%）"), "rate"),
        Column("verified", _("查实投诉"), "count"),
    ]


# The breakdown and the trend show fewer columns than the headline.
BREAKDOWN = ("tickets", "wait_mean", "within_target", "satisfaction_rate", "complaints", "deadline_rate", "verified")
TREND = ("tickets", "within_target", "satisfaction_rate", "deadline_rate")


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def previous_month(first: date) -> date:
    return month_start(first - timedelta(days=1))


def _figures(level: str, key: int, start: date, end: date) -> Figures:
    sums = sums_from_rollups(scope=EVERYONE, start=start, end=end, level=level, key=key)
    return figures(sums.get(key, Sums()), target_minutes=wait_target_minutes())


def _headline(level: str, key: int, month: date) -> list[dict[str, Any]]:
    now = _figures(level, key, month, month_end(month))
    before_month = previous_month(month)
    before = _figures(level, key, before_month, month_end(before_month))
    return [
        {"code": c.code, "label": c.label, "kind": c.kind, "value": c.value(now), "previous": c.value(before)}
        for c in columns()
    ]


def _breakdown(level: str, key: int, month: date) -> dict[str, Any]:
    """The subject's places: a unit's halls, the company's units."""
    place_level = "hall" if level == "unit" else "unit"
    places = places_of(unit_id=key) if level == "unit" else places_of(company_id=key)
    sums = sums_from_rollups(scope=EVERYONE, start=month, end=month_end(month), level=place_level)
    target = wait_target_minutes()
    chosen = [c for c in columns() if c.code in BREAKDOWN]
    rows = []
    for pk, name in places:
        found = figures(sums.get(pk, Sums()), target_minutes=target)
        rows.append({"name": name, "values": [c.value(found) for c in chosen]})
    return {"level": place_level, "columns": [c.label for c in chosen], "codes": [c.code for c in chosen], "rows": rows}


def _trend(level: str, key: int, month: date) -> dict[str, Any]:
    months: list[date] = [month]
    while len(months) < TREND_MONTHS:
        months.insert(0, previous_month(months[0]))
    chosen = [c for c in columns() if c.code in TREND]
    series: dict[str, list[int | float | None]] = {c.code: [] for c in chosen}
    for first in months:
        found = _figures(level, key, first, month_end(first))
        for c in chosen:
            series[c.code].append(c.value(found))
    return {
        "months": [f"{m:%Y-%m}" for m in months],
        "series": [{"code": c.code, "label": c.label, "values": series[c.code]} for c in chosen],
    }


def _people(level: str, key: int) -> Q:
    return Q(staff__unit_id=key) if level == "unit" else Q(staff__company_id=key)


def _ledger(level: str, key: int, month: date) -> dict[str, Any]:
    approved = LedgerEntry.objects.filter(_people(level, key), period=f"{month:%Y-%m}", status=LedgerStatus.APPROVED)
    totals = approved.order_by().aggregate(
        entries=Count("pk"),
        rewards=Count("pk", filter=Q(kind=LedgerKind.REWARD)),
        penalties=Count("pk", filter=Q(kind=LedgerKind.PENALTY)),
        points=Coalesce(Sum("points"), 0),
        amount=MoneySum("amount"),
    )
    return {
        "entries": totals["entries"],
        "rewards": totals["rewards"],
        "penalties": totals["penalties"],
        "points": totals["points"],
        "amount": f"{totals['amount'] or ZERO:.2f}",
    }


def _posts(level: str, key: int, month: date) -> list[dict[str, Any]]:
    """Post changes in the month by the state entered (standby for a verified complaint counted)."""
    start = tz.local_datetime(month, time.min)
    end = tz.local_datetime(month_end(month) + timedelta(days=1), time.min)
    changes = PostState.objects.filter(_people(level, key), since__gte=start, since__lt=end)
    counted = dict(changes.order_by().values_list("state").annotate(n=Count("pk")))
    return [
        {"state": value, "label": str(label), "count": counted.get(value, 0)} for value, label in PostStatus.choices
    ]


def _stars(level: str, key: int, month: date) -> dict[str, Any]:
    """How many people, counters, halls (and units) got each number of stars this month."""
    subjects: dict[str, list[int]] = {}
    if level == "unit":
        subjects["hall"] = [pk for pk, _name in places_of(unit_id=key)]
    else:
        units = [pk for pk, _name in places_of(company_id=key)]
        subjects["unit"] = units
        subjects["hall"] = [pk for unit in units for pk, _name in places_of(unit_id=unit)]
    ratings = StarRating.objects.filter(month=month)
    rows = []
    for subject_level, ids in subjects.items():
        counted = dict(
            ratings.filter(level=subject_level, subject_id__in=ids)
            .order_by()
            .values_list("stars")
            .annotate(n=Count("pk"))
        )
        rows.append({"level": subject_level, "counts": [counted.get(s, 0) for s in (5, 4, 3, 2, 1)]})
    return {"levels": rows}


def _complaint_line(line: Line) -> dict[str, Any]:
    rate = line.per_10k
    return {
        "label": line.label,
        "complaints": line.complaints,
        "customers": line.customers,
        "per_10k": f"{rate:.2f}" if rate is not None else None,
        "repeats": line.repeats,
        "group": line.group,
    }


def _complaints(level: str, key: int, month: date) -> dict[str, Any]:
    """The month's complaints as 投诉分析 counts them: in all, by class, by cause (those with any)."""
    found = subject_complaints(level=level, key=key, start=month, end=month_end(month))
    return {
        "repeat_days": found.repeat_days,
        "total": _complaint_line(found.total),
        "by_class": [_complaint_line(line) for line in found.by_class],
        "by_cause": [_complaint_line(line) for line in found.by_cause],
    }


def _actions(level: str, key: int, month: date) -> dict[str, Any]:
    """The improvement actions owned by the subject's staff: those evaluated in the month by
    result, those still running at its end, and those due in it."""
    owned = ImprovementAction.objects.filter(Q(owner__unit_id=key) if level == "unit" else Q(owner__company_id=key))
    start = tz.local_datetime(month, time.min)
    end = tz.local_datetime(month_end(month) + timedelta(days=1), time.min)
    evaluated = dict(
        owned.filter(evaluated_at__gte=start, evaluated_at__lt=end)
        .order_by()
        .values_list("result")
        .annotate(n=Count("pk"))
    )
    last = month_end(month)
    return {
        "evaluated": [
            {"result": value, "label": str(label), "count": evaluated.get(value, 0)}
            for value, label in ActionResult.choices
            if value
        ],
        "running": owned.filter(started_on__lte=last, evaluated_at__isnull=True).count(),
        "due": owned.filter(due_on__gte=month, due_on__lte=last).count(),
    }


def _surveys(level: str, key: int, month: date) -> dict[str, Any]:
    """The month's satisfaction surveys of the subject's customers: invitations made (SMS, after a
    call-back, at the pad), answered (in the month), and the response rate of those made."""
    start = tz.local_datetime(month, time.min)
    end = tz.local_datetime(month_end(month) + timedelta(days=1), time.min)
    whose = Q(account__supply_unit_id=key) if level == "unit" else Q(account__supply_unit__company_id=key)
    made = SurveyInvite.objects.filter(whose, created_at__gte=start, created_at__lt=end)
    by_channel = dict(made.order_by().values_list("channel").annotate(n=Count("pk")))
    sent = sum(by_channel.values())
    answered_of_sent = made.filter(answered_at__isnull=False).count()
    answered = SurveyResponse.objects.filter(
        Q(unit_id=key) if level == "unit" else Q(unit__company_id=key), answered_at__gte=start, answered_at__lt=end
    ).count()
    return {
        "by_channel": [
            {"channel": value, "label": str(label), "count": by_channel.get(value, 0)}
            for value, label in InviteChannel.choices
        ],
        "sent": sent,
        "answered_of_sent": answered_of_sent,
        "rate": f"{answered_of_sent * 100 / sent:.1f}" if sent else None,
        "answered": answered,
    }


# Further sections register here: name → builder(level, key, month).
SECTIONS: dict[str, Callable[[str, int, date], Any]] = {}


def report_numbers(*, level: str, key: int, month: date) -> dict[str, Any]:
    """Everything the report shows for ``level`` ("unit" or "company") ``key`` in ``month``."""
    if level not in ("unit", "company"):
        raise ValueError(level)
    month = month_start(month)
    name = names_of(level, [key]).get(key, "—")
    through = rolled_through()
    numbers: dict[str, Any] = {
        "version": REPORT_VERSION,
        "month": f"{month:%Y-%m}",
        "level": level,
        "subject_id": key,
        "subject": name,
        "rolled_through": through.isoformat() if through else None,
        "headline": _headline(level, key, month),
        "breakdown": _breakdown(level, key, month),
        "trend": _trend(level, key, month),
        "stars": _stars(level, key, month),
        "ledger": _ledger(level, key, month),
        "posts": _posts(level, key, month),
        "complaints": _complaints(level, key, month),
        "actions": _actions(level, key, month),
        "surveys": _surveys(level, key, month),
    }
    for section, build in SECTIONS.items():
        numbers[section] = build(level, key, month)
    return numbers


def report_generate(*, level: str, key: int, month: date) -> MonthlyReport:
    """Writes (or rewrites) the archived report: its numbers, its workbook and its PDF."""
    from gridcare.assessment.report_files import report_pdf, report_workbook

    numbers = report_numbers(level=level, key=key, month=month)
    workbook, pdf = report_workbook(numbers), report_pdf(numbers)
    with transaction.atomic():
        report, _created = MonthlyReport.objects.update_or_create(
            month=month_start(month),
            level=level,
            subject_id=key,
            defaults={"numbers": numbers, "workbook": workbook, "pdf": pdf, "generated_at": tz.now()},
        )
    return report


@dataclass
class ReportsDone:
    written: list[tuple[str, int, str]]  # (level, id, "YYYY-MM")
    waiting: bool  # last month is not rolled up to its end yet


def reports_due(
    *, today: date | None = None, regenerate: bool = False, stop: Callable[[], bool] | None = None
) -> ReportsDone:
    """Last month's reports of every unit and the company, once the month is rolled up to its
    last day, and any of the ``REPORT_CATCH_UP_MONTHS`` months before it that has none."""
    today = today or tz.business_date()
    last = previous_month(month_start(today))
    through = rolled_through()
    done = ReportsDone([], waiting=through is None or through < month_end(last))
    months: list[date] = []
    first = last
    for _n in range(_setting("REPORT_CATCH_UP_MONTHS", 3)):
        months.insert(0, first)
        first = previous_month(first)
    have = set(MonthlyReport.objects.filter(month__in=months).values_list("month", "level", "subject_id"))
    began = RolledDay.objects.order_by("day").values_list("day", flat=True).first()
    for month in months:
        if through is None or through < month_end(month):
            continue  # not complete yet: written when it is
        if began is None or month_end(month) < began:
            continue  # before anything was rolled up: nothing to report
        for level, key, _company in report_subjects():
            if stop is not None and stop():
                return done
            if regenerate or (month, level, key) not in have:
                report_generate(level=level, key=key, month=month)
                done.written.append((level, key, f"{month:%Y-%m}"))
    return done
