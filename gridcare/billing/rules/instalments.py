"""Instalment plans (分期缴费, issue 19) and the cut-off warning time: pure arithmetic on
Decimal yuan and dates, no database."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from gridcare.core.money import CENT, ZERO


def instalment_amounts(total: Decimal, count: int) -> list[Decimal]:
    """``total`` in ``count`` instalments to the fen: equal parts rounded down, the remainder on
    the last, so they sum to ``total`` exactly (1,000.00 in 3 → 333.33, 333.33, 333.34)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    part = (total / count).quantize(CENT, rounding=ROUND_DOWN)
    return [part] * (count - 1) + [total - part * (count - 1)]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day (31 Jan + 1 → 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def instalment_dates(first_due: date, count: int) -> list[date]:
    """Monthly due dates from ``first_due``, each computed from the first (no drift)."""
    return [add_months(first_due, k) for k in range(count)]


@dataclass(frozen=True)
class ScheduleLine:
    number: int
    due_date: date
    amount: Decimal
    paid: Decimal

    @property
    def left(self) -> Decimal:
        return self.amount - self.paid


def schedule(lines: Sequence[tuple[date, Decimal]], paid_total: Decimal) -> list[ScheduleLine]:
    """What the plan's payments (``paid_total``, all of them together) pay of each instalment,
    in order: the first is paid in full before the second gets anything."""
    left = max(ZERO, paid_total)
    rows = []
    for number, (due, amount) in enumerate(lines, start=1):
        paid = min(amount, left)
        left -= paid
        rows.append(ScheduleLine(number=number, due_date=due, amount=amount, paid=paid))
    return rows


def broken_on(rows: Sequence[ScheduleLine], today: date, *, grace_days: int) -> date | None:
    """The day a plan broke: the last day of grace (due date + ``grace_days``) of the first
    instalment still not paid in full once that day has passed; None while it is kept.
    Penalties resume on the day after."""
    for row in rows:
        if row.left > 0:
            last_day = row.due_date + timedelta(days=grace_days)
            return last_day if today > last_day else None
    return None


def warning_at(planned_at: datetime, minutes: int) -> datetime:
    """When the last warning before a cut-off goes out (SPEC: again 30 minutes before)."""
    return planned_at - timedelta(minutes=minutes)
