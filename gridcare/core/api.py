"""The calendar API: the years of the working-day calendar, read and saved by administrators."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gridcare.core import selectors, services
from gridcare.core.exceptions import NotFound
from gridcare.core.models import CalendarYear
from gridcare.core.timezone import business_date
from gridcare.org.access import Capability, Scope, require, scope_for
from gridcare.org.api import ERRORS

router = Router(tags=["calendar"])


class HolidayIO(Schema):
    name: str
    first: date
    last: date


class YearIn(Schema):
    source: str
    holidays: list[HolidayIO]
    makeup_days: list[date] = []


class YearStatusOut(Schema):
    year: int
    saved: bool
    source: str
    holidays: int
    makeup_days: int
    updated_at: datetime | None
    updated_by: str


class ChangeOut(Schema):
    at: datetime
    by: str
    before: dict[str, Any] | None
    after: dict[str, Any]
    recomputed: int


class YearOut(Schema):
    year: int
    source: str
    holidays: list[HolidayIO]
    makeup_days: list[date]
    updated_at: datetime
    updated_by: str
    changes: list[ChangeOut]
    recomputed_deadlines: int = 0
    recomputed_connections: int = 0


def _admin(request: HttpRequest) -> Scope:
    return require(scope_for(request.user), Capability.CALENDAR_EDIT, message=_("只有系统管理员可以维护节假日安排。"))


def _year_out(row: CalendarYear) -> dict[str, Any]:
    return {
        "year": row.year,
        "source": row.source,
        "holidays": [{"name": h.name, "first": h.first, "last": h.last} for h in row.holidays.all()],
        "makeup_days": [m.day for m in row.makeup_days.all()],
        "updated_at": row.updated_at,
        "updated_by": row.updated_by.get_username() if row.updated_by else "",
        "changes": [
            {
                "at": c.created_at,
                "by": c.actor.get_username() if c.actor else "",
                "before": c.before,
                "after": c.after,
                "recomputed": c.recomputed,
            }
            for c in selectors.calendar_changes(year=row.year)[:50]
        ],
    }


@router.get("/calendar/years", response={200: list[YearStatusOut], **ERRORS})
def calendar_years(request: HttpRequest) -> list[selectors.YearStatus]:
    require(scope_for(request.user), Capability.CALENDAR_VIEW)
    return selectors.calendar_overview(today=business_date())


@router.get("/calendar/years/{year}", response={200: YearOut, **ERRORS})
def calendar_year(request: HttpRequest, year: int) -> dict[str, Any]:
    require(scope_for(request.user), Capability.CALENDAR_VIEW)
    row = selectors.calendar_year_get(year=year)
    if row is None:
        raise NotFound(_("还没有 %(year)s 年的节假日安排。") % {"year": year})
    return _year_out(row)


@router.put("/calendar/years/{year}", response={200: YearOut, **ERRORS})
def calendar_year_put(request: HttpRequest, year: int, payload: YearIn) -> dict[str, Any]:
    scope = _admin(request)
    data = services.YearNotice(
        source=payload.source,
        holidays=[services.HolidayRange(h.name, h.first, h.last) for h in payload.holidays],
        makeup_days=list(payload.makeup_days),
    )
    saved = services.calendar_year_save(scope=scope, actor=request.user, year=year, data=data)
    row = selectors.calendar_year_get(year=year)
    assert row is not None  # just saved
    return {
        **_year_out(row),
        "recomputed_deadlines": saved.recomputed_deadlines,
        "recomputed_connections": saved.recomputed_connections,
    }
