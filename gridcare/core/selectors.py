"""Reads of the core app: the working-day calendar's years, their history and the home warning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from gridcare.core.models import CalendarChange, CalendarYear
from gridcare.org.access import Capability, Scope, can

# Who is told, and may look, when a year's notice is missing; only administrators edit.
# From this month on, next year's notice is expected (it is normally published in November).
WARN_FROM_MONTH = 10


@dataclass(frozen=True)
class YearStatus:
    year: int
    saved: bool
    source: str = ""
    holidays: int = 0
    makeup_days: int = 0
    updated_at: datetime | None = None
    updated_by: str = ""


def calendar_overview(*, today: date) -> list[YearStatus]:
    """Every saved year, plus this year and next year when they are missing."""
    rows = {
        r.year: YearStatus(
            year=r.year,
            saved=True,
            source=r.source,
            holidays=len(r.holidays.all()),
            makeup_days=len(r.makeup_days.all()),
            updated_at=r.updated_at,
            updated_by=r.updated_by.get_username() if r.updated_by else "",
        )
        for r in CalendarYear.objects.select_related("updated_by").prefetch_related("holidays", "makeup_days")
    }
    for year in (today.year, today.year + 1):
        rows.setdefault(year, YearStatus(year=year, saved=False))
    return [rows[y] for y in sorted(rows, reverse=True)]


def calendar_year_get(*, year: int) -> CalendarYear | None:
    return (
        CalendarYear.objects.filter(year=year)
        .select_related("updated_by")
        .prefetch_related("holidays", "makeup_days")
        .first()
    )


def calendar_changes(*, year: int) -> QuerySet[CalendarChange]:
    return CalendarChange.objects.filter(year=year).select_related("actor").order_by("-created_at", "-id")


def calendar_missing_year(*, scope: Scope, today: date) -> int | None:
    """The year an administrator or supervisor should be warned about on the home page: this
    year if it is missing, and from 1 October next year if it is missing."""
    if not can(scope, Capability.CALENDAR_VIEW):
        return None
    known = set(CalendarYear.objects.filter(year__in=(today.year, today.year + 1)).values_list("year", flat=True))
    if today.year not in known:
        return today.year
    if today.month >= WARN_FROM_MONTH and today.year + 1 not in known:
        return today.year + 1
    return None
