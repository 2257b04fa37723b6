"""Writes of the core app: a year of the working-day calendar (the State Council notice).

Saving a year validates everything first (one Chinese message per bad field, nothing written on
error), then in one transaction replaces the year's holiday ranges and make-up days, keeps an
append-only ``CalendarChange`` (who, when, before and after) and recomputes every open deadline
that was reckoned provisionally over that year (work orders and new connections; explicit calls,
no signals).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.core import calendar
from gridcare.core.events import actor_user
from gridcare.core.exceptions import InvalidInput
from gridcare.core.models import CalendarChange, CalendarHoliday, CalendarMakeupDay, CalendarYear
from gridcare.core.timezone import now
from gridcare.org.access import Capability, Scope, require

FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class HolidayRange:
    name: str
    first: date
    last: date


@dataclass(frozen=True)
class YearNotice:
    """What a year's notice says: its reference, the days off and the make-up working days."""

    source: str
    holidays: Sequence[HolidayRange] = ()
    makeup_days: Sequence[date] = ()


@dataclass(frozen=True)
class CalendarSaved:
    year: CalendarYear
    changed: bool
    recomputed_deadlines: int = 0
    recomputed_connections: int = 0
    change: CalendarChange | None = field(default=None)


def _days(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


def _check_ranges(year: int, holidays: Sequence[HolidayRange], errors: dict[str, str]) -> set[date]:
    """Each range named, inside the year, in order and overlapping no other; the days off."""
    off: dict[date, int] = {}
    for i, h in enumerate(holidays):
        key = f"holidays.{i}"
        if not h.name.strip():
            errors[f"{key}.name"] = _("请填写节日名称。")
        if h.first.year != year or h.last.year != year:
            errors[key] = _("放假日期应在 %(year)s 年内。") % {"year": year}
        elif h.first > h.last:
            errors[key] = _("放假开始日期不能晚于结束日期。")
        else:
            clash = next((off[d] for d in sorted(_days(h.first, h.last)) if d in off), None)
            if clash is not None:
                errors[key] = _("与第 %(n)d 行的放假日期重叠。") % {"n": clash + 1}
            off.update(dict.fromkeys(_days(h.first, h.last), i))
    return set(off)


def _check_makeup(year: int, days: Sequence[date], off: set[date], errors: dict[str, str]) -> None:
    seen: set[date] = set()
    for i, d in enumerate(days):
        key = f"makeup_days.{i}"
        if d.year != year:
            errors[key] = _("调休上班日应在 %(year)s 年内。") % {"year": year}
        elif d.weekday() < 5:
            errors[key] = _("%(day)s 不是周六或周日，调休上班日只能是周末。") % {"day": d.isoformat()}
        elif d in off:
            errors[key] = _("%(day)s 已是放假日，不能同时是调休上班日。") % {"day": d.isoformat()}
        elif d in seen:
            errors[key] = _("%(day)s 重复填写。") % {"day": d.isoformat()}
        seen.add(d)


def calendar_year_errors(*, year: int, data: YearNotice) -> dict[str, str]:
    """Every problem with ``data`` as the notice of ``year``, one message per field."""
    errors: dict[str, str] = {}
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = _("年份应在 %(a)d 至 %(b)d 之间。") % {"a": FIRST_YEAR, "b": LAST_YEAR}
        return errors
    if not data.source.strip():
        errors["source"] = _("请填写放假通知的文号或出处。")
    if not data.holidays:
        errors["holidays"] = _("请至少填写一段放假安排。")
    off = _check_ranges(year, data.holidays, errors)
    _check_makeup(year, data.makeup_days, off, errors)
    return errors


def snapshot(data: YearNotice) -> dict[str, Any]:
    """The notice as stored in a change row (sorted, so equal notices compare equal)."""
    return {
        "source": data.source.strip(),
        "holidays": [
            {"name": h.name.strip(), "first": h.first.isoformat(), "last": h.last.isoformat()}
            for h in sorted(data.holidays, key=lambda h: h.first)
        ],
        "makeup_days": sorted(d.isoformat() for d in data.makeup_days),
    }


def year_notice(row: CalendarYear) -> YearNotice:
    return YearNotice(
        source=row.source,
        holidays=[HolidayRange(h.name, h.first, h.last) for h in row.holidays.all()],
        makeup_days=[m.day for m in row.makeup_days.all()],
    )


def calendar_year_save(
    *, scope: Scope, actor: User | AnonymousUser, year: int, data: YearNotice, at: datetime | None = None
) -> CalendarSaved:
    """Add or correct one year of the calendar (administrators only)."""
    require(scope, Capability.CALENDAR_EDIT, message=_("只有系统管理员可以维护节假日安排。"))
    errors = calendar_year_errors(year=year, data=data)
    if errors:
        raise InvalidInput(_("节假日安排有误，未保存。"), errors=errors)
    at = at or now()
    user = actor_user(actor)
    after = snapshot(data)
    with transaction.atomic():
        row = CalendarYear.objects.select_for_update().filter(year=year).first()
        before = snapshot(year_notice(row)) if row is not None else None
        if row is not None and before == after:
            return CalendarSaved(year=row, changed=False)
        if row is None:
            row = CalendarYear.objects.create(year=year, source=after["source"], updated_at=at, updated_by=user)
        else:
            row.source, row.updated_at, row.updated_by = after["source"], at, user
            row.save(update_fields=["source", "updated_at", "updated_by"])
            row.holidays.all().delete()
            row.makeup_days.all().delete()
        CalendarHoliday.objects.bulk_create(
            CalendarHoliday(calendar=row, name=h.name.strip(), first=h.first, last=h.last) for h in data.holidays
        )
        CalendarMakeupDay.objects.bulk_create(CalendarMakeupDay(calendar=row, day=d) for d in data.makeup_days)
        change = CalendarChange.objects.create(year=year, before=before, after=after, actor=user, created_at=at)
        calendar.invalidate()  # this process reads the new rows from here on (inside the transaction)
        transaction.on_commit(calendar.invalidate)
        deadlines, connections = _recompute(year, actor, at)
        change.recomputed = deadlines + connections
        change.save(update_fields=["recomputed"])
    return CalendarSaved(
        year=row, changed=True, recomputed_deadlines=deadlines, recomputed_connections=connections, change=change
    )


def _recompute(year: int, actor: User | AnonymousUser, at: datetime) -> tuple[int, int]:
    # The deadlines that depend on the calendar live in the work orders app.
    from gridcare.workorders.services.recalendar import connections_recompute, deadlines_recompute

    return (
        deadlines_recompute(year=year, actor=actor, at=at),
        connections_recompute(year=year, actor=actor, at=at),
    )
