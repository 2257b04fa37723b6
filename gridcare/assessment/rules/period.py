"""The period an assessment page or call asks for: a month (``2026-11``) or a date range."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from gridcare.core.exceptions import InvalidInput

MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def month(self) -> str:
        """``YYYY-MM`` when the period is one whole month, else ``""``."""
        last = calendar.monthrange(self.start.year, self.start.month)[1]
        whole = self.start.day == 1 and self.end == self.start.replace(day=last)
        return f"{self.start:%Y-%m}" if whole else ""


def _refused(field: str, message: str) -> InvalidInput:
    return InvalidInput(_("统计期间有误。"), errors={field: message})


def month_period(text: str) -> Period:
    try:
        year, month = (int(p) for p in text.split("-"))
        first = date(year, month, 1)
    except (ValueError, OverflowError):
        raise _refused("month", _("月份格式应为 2026-11。")) from None
    return Period(first, first.replace(day=calendar.monthrange(year, month)[1]))


def parse_period(*, month: str = "", start: str = "", end: str = "", today: date) -> Period:
    """``month`` if given, else ``start``..``end`` (ISO dates), else this month up to yesterday
    (the last month when today is the 1st). Refuses a range that ends before it starts or is
    longer than a year."""
    if month:
        return month_period(month)
    if start or end:
        try:
            first = date.fromisoformat(start) if start else None
        except ValueError:
            raise _refused("start", _("开始日期格式应为 2026-11-01。")) from None
        try:
            last = date.fromisoformat(end) if end else None
        except ValueError:
            raise _refused("end", _("结束日期格式应为 2026-11-30。")) from None
        if first is None or last is None:
            raise _refused("start" if first is None else "end", _("请同时填写开始和结束日期。"))
        if last < first:
            raise _refused("end", _("结束日期不能早于开始日期。"))
        if (last - first).days + 1 > MAX_DAYS:
            raise _refused("end", _("统计期间最长 %(n)d 天。") % {"n": MAX_DAYS})
        return Period(first, last)
    yesterday = today - timedelta(days=1)
    return Period(yesterday.replace(day=1), yesterday)
