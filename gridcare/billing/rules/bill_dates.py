"""Periods ("2026-10") and the dates that follow from them.

Every period and business date a user gives (bill runs, debit batches, reading files, waivers,
dunning steps, tariff dates) passes ``period_start`` or ``day_check``: only the window from
GRIDCARE_BILLING["PERIOD_EARLIEST"] to PERIOD_MONTHS_AHEAD months after the current Shanghai
month is accepted, so "9999-12" or 0001-01-01 never reach date arithmetic or the database."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time

from django.utils.translation import gettext as _

from gridcare.billing.conf import billing_int, billing_str
from gridcare.billing.exceptions import BillingError
from gridcare.core.timezone import SHANGHAI, business_date

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _month(start: date, months: int) -> date:
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_window() -> tuple[date, date]:
    """First days of the earliest and the latest period accepted."""
    match = PERIOD.match(billing_str("PERIOD_EARLIEST"))
    earliest = date(int(match.group(1)), int(match.group(2)), 1) if match else date(2000, 1, 1)
    return earliest, _month(business_date().replace(day=1), billing_int("PERIOD_MONTHS_AHEAD"))


def _window_text() -> dict[str, str]:
    earliest, latest = period_window()
    return {"a": period_of(earliest), "b": period_of(latest)}


def period_error(period: object) -> str | None:
    """Why ``period`` is not a period users may give (None: it is)."""
    match = PERIOD.match(period) if isinstance(period, str) else None
    if not match:
        return str(_("账期格式应为 YYYY-MM，如 2026-10。"))
    earliest, latest = period_window()
    month = (int(match.group(1)), int(match.group(2)))  # a tuple: "0000-01" is no date at all
    if not (earliest.year, earliest.month) <= month <= (latest.year, latest.month):
        return str(_("账期须在 %(a)s 至 %(b)s 之间。") % _window_text())
    return None


def period_start(period: str) -> date:
    if error := period_error(period):
        raise BillingError(error, errors={"period": error})
    return date(int(period[:4]), int(period[5:7]), 1)


def day_error(day: date | datetime) -> str | None:
    """Why a business date (or a moment's date) lies outside the accepted window (None: it does not)."""
    earliest, latest = period_window()
    if not earliest <= (day.date() if isinstance(day, datetime) else day) < _month(latest, 1):
        return str(_("日期须在 %(a)s 至 %(b)s 之间。") % _window_text())
    return None


def day_check(day: date | datetime, field: str) -> None:
    if error := day_error(day):
        raise BillingError(error, errors={field: error})


def due_date_of(period: str) -> date:
    """A period's bills fall due on GRIDCARE_BILLING["DUE_DAY"] of the following month."""
    start = period_start(period)
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return date(year, month, billing_int("DUE_DAY"))


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """[first midnight, next first midnight) of the period in Beijing time."""
    first = period_start(period)
    nxt = first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    return datetime.combine(first, time(0), tzinfo=SHANGHAI), datetime.combine(nxt, time(0), tzinfo=SHANGHAI)


def periods_of(moments: Iterable[datetime]) -> set[str]:
    return {period_of(m.astimezone(SHANGHAI).date()) for m in moments}
