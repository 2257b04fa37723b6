"""Dunning (催费) time limits (BILL-7, SPEC table: disconnection for arrears)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class DunningDates:
    reminder_from: date  # first day a reminder may go out
    cutoff_notice_from: date  # first day a written cut-off notice may be served
    cutoff_earliest: date  # cut-off no sooner than this after the notice ...
    cutoff_latest: date  # ... and no later than this


def dunning_dates(
    due_date: date,
    *,
    notice_served: date | None = None,
    overdue_days: int = 30,
    notice_min_days: int = 3,
    notice_max_days: int = 7,
) -> DunningDates:
    """Reminder the day after the due date; cut-off notice only after ``overdue_days``;
    the cut-off itself ``notice_min_days``..``notice_max_days`` after the notice."""
    served = notice_served or due_date + timedelta(days=overdue_days + 1)
    return DunningDates(
        reminder_from=due_date + timedelta(days=1),
        cutoff_notice_from=due_date + timedelta(days=overdue_days + 1),
        cutoff_earliest=served + timedelta(days=notice_min_days),
        cutoff_latest=served + timedelta(days=notice_max_days),
    )


def cutoff_notice_allowed(due_date: date, today: date, *, reminded: bool, overdue_days: int = 30) -> bool:
    """Disconnection is only for arrears more than ``overdue_days`` old, after a reminder."""
    return reminded and (today - due_date).days > overdue_days


def reconnect_deadline(paid_at: datetime, hours: int = 24) -> datetime:
    return paid_at + timedelta(hours=hours)
